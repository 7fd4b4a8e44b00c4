/**
 * The JSON API: every metric family, KPI, scorecard, report, OKR tree, dependency map, RACI and
 * topology view, with the same filters as the CLI (team, service, period, profile), drill-down
 * lists behind the numbers (paginated), and event ingestion. Requests are validated with zod and
 * the OpenAPI document is generated from the same definitions (`/api/openapi.json`).
 */

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { type Engine, KPI_IDS, ROLE_IDS } from '../engine/engine.js'
import { FAMILY_IDS, familySummary } from '../engine/families.js'
import { costLinesIn, pipelineRunsIn, workItemsIn } from '../engine/lists.js'
import {
  dependencyMap,
  gates,
  initiatives,
  insights,
  maturity,
  okrTree,
  raciOf,
  risks,
  topology,
} from '../engine/operating.js'
import { EngopsError } from '../model/errors.js'
import { buildReport, REPORTS, renderReport } from '../report/catalog.js'
import { monthsBefore } from '../report/periods.js'
import type {
  DoraResponse,
  FamilyResponse,
  KpisResponse,
  OrgResponse,
  PageResponse,
  TrendsResponse,
} from './api-types.js'

const scopeQuery = z.object({
  team: z.string().optional().openapi({ description: 'a team id: the team and its services' }),
  service: z.string().optional().openapi({ description: 'a service id' }),
  from: z
    .string()
    .optional()
    .openapi({ description: 'period start: YYYY-MM-DD (org time zone) or ISO time' }),
  to: z.string().optional().openapi({ description: 'period end, exclusive; default: the last 30 days' }),
  profile: z.enum(['default', 'dora-2021', 'dora-2023']).optional(),
})

const atQuery = z.object({
  at: z.string().optional().openapi({ description: 'judge as of this date (default now)' }),
})

const pageQuery = scopeQuery.extend({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .array(
          z.object({
            file: z.string().optional(),
            line: z.number().optional(),
            path: z.string().optional(),
            message: z.string(),
          }),
        )
        .optional(),
    }),
  })
  .openapi('Error')

const Json = z.looseObject({}).openapi('Json')
const Page = z
  .object({ items: z.array(z.looseObject({})), page: z.number(), pageSize: z.number(), total: z.number() })
  .openapi('Page')

const errors = {
  400: { content: { 'application/json': { schema: ErrorSchema } }, description: 'a bad request' },
  404: {
    content: { 'application/json': { schema: ErrorSchema } },
    description: 'unknown team, service, role or report',
  },
} as const

function ok(schema: z.ZodType, description: string) {
  return { 200: { content: { 'application/json': { schema } }, description }, ...errors }
}

const iso = (epoch: number) => new Date(epoch).toISOString()

function nowOf(engine: Engine, at: string | undefined): number {
  return at === undefined ? Date.now() : engine.parseInstant(at)
}

function paginate<T>(items: readonly T[], page: number, pageSize: number): PageResponse<T> {
  return { items: items.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: items.length }
}

/** Registers the JSON API on the app. */
export function registerApi(app: OpenAPIHono, engine: Engine): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/org',
      summary: 'The organization: teams, services, SLOs',
      responses: ok(Json, 'the org'),
    }),
    (c) => {
      const org = engine.org
      return c.json(
        {
          name: org.org.name,
          timezone: org.org.timezone,
          teams: org.teams.map((t) => ({ id: t.id, name: t.name, type: t.type, members: t.members.length })),
          services: org.services.map((s) => ({
            id: s.id,
            name: s.name ?? s.id,
            owner: s.owner,
            tier: s.tier,
          })),
          slos: org.slos.map((s) => ({ id: s.id, service: s.service, objective: s.objective })),
          roles: [...ROLE_IDS],
          reports: Object.keys(REPORTS),
        } satisfies OrgResponse,
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/dora',
      summary: 'DORA metrics with tiers (seconds, fractions, n)',
      request: { query: scopeQuery.extend({ explain: z.enum(['true', 'false']).optional() }) },
      responses: ok(Json, 'the DORA summary'),
    }),
    async (c) => {
      const q = c.req.valid('query')
      const answer = await engine.dora({ ...q, explain: q.explain === 'true' })
      return c.json(
        {
          scope: answer.scope,
          ...answer.summary,
          ...(q.explain === 'true' ? { explain: answer.details } : {}),
        } satisfies DoraResponse,
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/{family}',
      summary: 'One metric family: its summary, the period before, and its KPIs',
      request: { params: z.object({ family: z.enum(FAMILY_IDS) }), query: scopeQuery },
      responses: ok(Json, 'the family'),
    }),
    async (c) => {
      const { family } = c.req.valid('param')
      const answer = await engine.kpis(c.req.valid('query'))
      return c.json(
        {
          scope: answer.scope,
          period: { from: iso(answer.period.from), to: iso(answer.period.to) },
          family,
          summary: familySummary(answer.board, family),
          previous: familySummary(answer.previousBoard, family),
          kpis: answer.kpis.filter((k) => k.family === family),
        } satisfies FamilyResponse,
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/trends',
      summary: 'KPI values month by month (the last `months` months up to `to`), for trend charts',
      request: {
        query: z.object({
          kpis: z.string().openapi({ description: 'comma-separated KPI ids' }),
          team: z.string().optional(),
          service: z.string().optional(),
          months: z.coerce.number().int().min(1).max(24).default(6),
          profile: z.enum(['default', 'dora-2021', 'dora-2023']).optional(),
          to: z.string().optional().openapi({ description: 'the end of the last month (default now)' }),
        }),
      },
      responses: ok(Json, 'the series'),
    }),
    async (c) => {
      const q = c.req.valid('query')
      const ids = q.kpis
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
      const unknown = ids.filter((id) => !KPI_IDS.has(id))
      if (unknown.length > 0)
        throw new EngopsError('USAGE', `unknown KPI ${unknown.join(', ')} (see /api/kpis)`)
      const zone = engine.org.org.timezone
      const end = q.to ? engine.parseInstant(q.to, 'to') : Date.now()
      const tiers = engine.tierBands(q.profile)
      const body: TrendsResponse = {
        categories: [],
        periods: [],
        series: Object.fromEntries(ids.map((id) => [id, []])),
        units: {},
        bands: Object.fromEntries(ids.filter((id) => tiers[id]).map((id) => [id, tiers[id]!])),
      }
      for (const month of monthsBefore(end, q.months, zone)) {
        const answer = await engine.kpis({
          team: q.team,
          service: q.service,
          from: iso(month.from),
          to: iso(month.to),
        })
        body.categories.push(month.label.replace(/^(\w{3})\w* (\d{4})$/, '$1 $2'))
        body.periods.push({ from: iso(month.from), to: iso(month.to) })
        for (const kpi of answer.kpis) {
          if (!(kpi.id in body.series)) continue
          body.series[kpi.id]!.push(kpi.status === 'no-data' ? null : kpi.value)
          body.units[kpi.id] = kpi.unit
        }
      }
      return c.json(body, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/kpis',
      summary: 'The KPI catalog with status and trend (optionally one role’s)',
      request: { query: scopeQuery.extend({ role: z.string().optional() }) },
      responses: ok(Json, 'KPIs'),
    }),
    async (c) => {
      const answer = await engine.kpis(c.req.valid('query'))
      return c.json(
        {
          scope: answer.scope,
          period: { from: iso(answer.period.from), to: iso(answer.period.to) },
          kpis: answer.kpis,
        } satisfies KpisResponse,
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/scorecards/{role}',
      summary: "A role's KPIs and definition of done",
      request: { params: z.object({ role: z.string() }), query: scopeQuery },
      responses: ok(Json, 'the scorecard'),
    }),
    async (c) => c.json(await engine.scorecard(c.req.valid('param').role, c.req.valid('query')), 200),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reports/{name}',
      summary: 'A report as JSON (or ?format=md|html)',
      request: {
        params: z.object({ name: z.string() }),
        query: z.object({
          argument: z.string().optional(),
          period: z.string().optional(),
          team: z.string().optional(),
          at: z.string().optional(),
          format: z.enum(['json', 'md', 'html']).default('json'),
        }),
      },
      responses: ok(Json, 'the report'),
    }),
    async (c) => {
      const q = c.req.valid('query')
      const report = await buildReport(engine, {
        name: c.req.valid('param').name,
        argument: q.argument,
        period: q.period,
        team: q.team,
        now: nowOf(engine, q.at),
      })
      if (q.format === 'html') return c.html(renderReport(report, 'html'), 200) as never
      if (q.format === 'md')
        return c.text(renderReport(report, 'md'), 200, {
          'content-type': 'text/markdown; charset=utf-8',
        }) as never
      return c.json(report, 200)
    },
  )

  const operating = [
    {
      path: '/api/okrs',
      summary: 'The OKR cascade with status, escalation and scores',
      run: (now: number) => okrTree(engine, now),
    },
    {
      path: '/api/initiatives',
      summary: 'The initiative tracker',
      run: (now: number) => initiatives(engine, now),
    },
    {
      path: '/api/dependencies',
      summary: 'The dependency map: aging, cycles, hubs, strategies',
      run: async (now: number) => dependencyMap(engine.org, now),
    },
    {
      path: '/api/raci',
      summary: 'The RACI matrix and its problems',
      run: async () => {
        const r = raciOf(engine.org)
        return { roles: r.built.matrix.roles, rows: r.built.matrix.rows, problems: r.problems }
      },
    },
    {
      path: '/api/topology',
      summary: 'Team shapes, anti-patterns and the ladder',
      run: (now: number) => topology(engine, now),
    },
    {
      path: '/api/maturity',
      summary: 'Incident and agile maturity with evidence',
      run: (now: number) => maturity(engine, now),
    },
    { path: '/api/checks', summary: 'The policy gates', run: (now: number) => gates(engine, now) },
    {
      path: '/api/insights',
      summary: 'Diagnoses with evidence',
      run: (now: number) => insights(engine, now),
    },
    { path: '/api/risks', summary: 'The risk register', run: (now: number) => risks(engine, now) },
  ]
  for (const view of operating) {
    app.openapi(
      createRoute({
        method: 'get',
        path: view.path,
        summary: view.summary,
        request: { query: atQuery },
        responses: ok(Json, view.summary),
      }),
      async (c) => {
        // One instant for the answer and the "at" it reports.
        const now = nowOf(engine, c.req.valid('query').at)
        return c.json({ at: iso(now), data: await view.run(now) } as never, 200)
      },
    )
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/drilldown/{list}',
      summary: 'The deployments, changes, pull requests or incidents behind the DORA numbers, paginated',
      request: {
        params: z.object({ list: z.enum(['deployments', 'changes', 'pull-requests', 'incidents']) }),
        query: pageQuery,
      },
      responses: ok(Page, 'one page of the list'),
    }),
    async (c) => {
      const { page, pageSize, ...scope } = c.req.valid('query')
      const { list } = c.req.valid('param')
      const details = (await engine.dora({ ...scope, explain: true })).details
      const items =
        list === 'deployments'
          ? details.deployments
          : list === 'changes'
            ? details.changes
            : list === 'pull-requests'
              ? details.pullRequests
              : details.incidents
      return c.json(paginate(items as Record<string, unknown>[], page, pageSize), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/work-items',
      summary: 'Work items of a team finished or open in the period, paginated',
      request: { query: pageQuery },
      responses: ok(Page, 'one page of work items'),
    }),
    async (c) => {
      const { page, pageSize, team, from, to } = c.req.valid('query')
      if (team) engine.resolveScope({ team })
      const period = engine.resolvePeriod({ from, to })
      const rows = await workItemsIn(engine, team, period)
      return c.json(paginate(rows as unknown as Record<string, unknown>[], page, pageSize), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/costs',
      summary: 'Cost lines of the period (month granularity), optionally of one team, paginated',
      request: { query: pageQuery },
      responses: ok(Page, 'one page of cost lines'),
    }),
    async (c) => {
      const { page, pageSize, team, from, to } = c.req.valid('query')
      if (team) engine.resolveScope({ team })
      const period = engine.resolvePeriod({ from, to })
      const rows = await costLinesIn(engine, team, period)
      return c.json(paginate(rows as unknown as Record<string, unknown>[], page, pageSize), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/pipeline-runs',
      summary: "CI runs finished in the period in the scope's repositories, paginated",
      request: { query: pageQuery },
      responses: ok(Page, 'one page of pipeline runs'),
    }),
    async (c) => {
      const { page, pageSize, team, service, from, to } = c.req.valid('query')
      const scope = engine.resolveScope({ team, service })
      const period = engine.resolvePeriod({ from, to })
      const rows = await pipelineRunsIn(engine, scope, period)
      return c.json(paginate(rows as unknown as Record<string, unknown>[], page, pageSize), 200)
    },
  )
}
