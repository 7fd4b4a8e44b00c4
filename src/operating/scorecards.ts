/**
 * Role scorecards from `seeds/004` (Engineering Roles): each role's KPIs with the thresholds the
 * seed gives that role, and the items of its definition of done that the data can check, each
 * met or not met with its evidence. Items the data cannot see (for example "policy gates enforced
 * in CI") are left out rather than guessed.
 */

import type { KpiId, Target } from '../metrics/kpi-catalog.js'
import type { KpiResult, Status } from '../metrics/kpi-status.js'
import { statusAgainst } from '../metrics/kpi-status.js'
import type { Scoreboard, SloBoardEntry } from '../metrics/scoreboard.js'
import type { OrgFile, Service } from '../model/org.js'

export const ROLE_IDS = [
  'cto',
  'head-of-engineering',
  'head-of-platform',
  'tech-lead',
  'pm',
  'sre',
  'data',
  'staff',
  'engineer',
] as const
export type RoleId = (typeof ROLE_IDS)[number]

export function isRoleId(value: string): value is RoleId {
  return (ROLE_IDS as readonly string[]).includes(value)
}

export interface ScorecardContext {
  org: OrgFile
  scope: { kind: 'org' } | { kind: 'team'; id: string } | { kind: 'service'; id: string }
  services: readonly Service[]
  kpis: readonly KpiResult[]
  /** The KPIs of the two 30-day periods ending with this one, oldest first. */
  months: readonly (readonly KpiResult[])[]
  slos: readonly SloBoardEntry[]
  board: Scoreboard
  override: (kpi: string) => Target | undefined
}

export interface DoneItem {
  item: string
  met: boolean
  evidence: string
}

export interface Scorecard {
  role: RoleId
  name: string
  northStar: string
  kpis: KpiResult[]
  /** green when every KPI with data is green, red when any is red, yellow otherwise. */
  status: Status
  definitionOfDone: DoneItem[]
}

const HOUR = 3600
const MINUTE = 60

interface RoleKpi {
  id: KpiId
  /** The role's own threshold when the seed gives one different from the catalog's. */
  target?: Target
}

interface RoleDefinition {
  name: string
  northStar: string
  kpis: RoleKpi[]
  done: (ctx: ScorecardContext) => DoneItem[]
}

const k = (id: KpiId, target?: Target): RoleKpi => (target ? { id, target } : { id })
const allGreen: Target = { kind: 'threshold', op: '>=', value: 1, yellow: 0.9 }

function find(ctx: ScorecardContext, id: KpiId): KpiResult | undefined {
  return ctx.kpis.find((kpi) => kpi.id === id)
}

function kpiItem(
  ctx: ScorecardContext,
  item: string,
  id: KpiId,
  holds: (value: number, kpi: KpiResult) => boolean,
  show: (value: number) => string,
): DoneItem {
  const kpi = find(ctx, id)
  if (!kpi || kpi.value === null || kpi.status === 'no-data')
    return { item, met: false, evidence: `no data for ${id}${kpi?.note ? ` (${kpi.note})` : ''}` }
  return { item, met: holds(kpi.value, kpi), evidence: `${id} = ${show(kpi.value)}` }
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`
const perWeek = (v: number) => `${v.toFixed(2)}/week`

function servicesOwnedWithSlosAndRunbooks(ctx: ScorecardContext): DoneItem {
  const withSlo = new Set(ctx.org.slos.map((s) => s.service))
  const missing = ctx.services.filter((s) => !withSlo.has(s.id) || !s.runbook).map((s) => s.id)
  return {
    item: '100% services owned with SLOs & runbooks',
    met: missing.length === 0 && ctx.services.length > 0,
    evidence: `${ctx.services.length - missing.length} of ${ctx.services.length} services have an owner, an SLO and a runbook${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
  }
}

function pagerQuiet(ctx: ScorecardContext, item: string): DoneItem {
  return kpiItem(ctx, item, 'pages_per_team_week', (v) => v <= 2, perWeek)
}

function sloCoverage(ctx: ScorecardContext, tiers: number[]): DoneItem {
  const critical = ctx.services.filter((s) => tiers.includes(s.tier))
  const live = new Set(ctx.slos.filter((s) => s.status.total > 0).map((s) => s.service))
  const missing = critical.filter((s) => !live.has(s.id)).map((s) => s.id)
  return {
    item: `SLOs live for tier-${tiers.join('/')}`,
    met: missing.length === 0,
    evidence: `${critical.length - missing.length} of ${critical.length} tier-${tiers.join('/')} services have an SLO with SLI data${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
  }
}

const ROLES: Record<RoleId, RoleDefinition> = {
  cto: {
    name: 'CTO — Chief Technology Officer',
    northStar: 'Turn strategy into shipped, reliable outcomes.',
    kpis: [
      k('lead_time_p50'),
      k('change_failure_rate'),
      k('mttr'),
      k('slo_attainment'),
      k('platform_adoption'),
    ],
    done: (ctx) => {
      const greenMonths = ctx.months.map((month) =>
        ['deploy_frequency', 'lead_time_p50', 'change_failure_rate', 'mttr', 'slo_attainment'].every(
          (id) => month.find((kpi) => kpi.id === id)?.status === 'green',
        ),
      )
      return [
        servicesOwnedWithSlosAndRunbooks(ctx),
        {
          item: 'Two months of green DORA + SLO',
          met: greenMonths.length === 2 && greenMonths.every(Boolean),
          evidence: `last two 30-day periods: ${greenMonths.map((green) => (green ? 'all green' : 'not all green')).join(', ')}`,
        },
      ]
    },
  },
  'head-of-engineering': {
    name: 'Head of Engineering / VP Engineering',
    northStar: 'Predictable, high-quality delivery.',
    kpis: [
      k('lead_time_p50'),
      k('deploy_frequency'),
      k('change_failure_rate'),
      k('mttr'),
      k('wait_time_p50'),
      k('platform_adoption'),
    ],
    done: (ctx) => [
      pagerQuiet(ctx, 'Pages ≤ 2 per team per week'),
      kpiItem(
        ctx,
        'Paved-road adoption trending to 80%',
        'platform_adoption',
        (v, kpi) => v >= 0.8 || kpi.trend?.direction === 'improving',
        pct,
      ),
    ],
  },
  'head-of-platform': {
    name: 'Head of Platform',
    northStar: 'A paved road that makes the right way the easy way.',
    kpis: [
      k('build_time_p50'),
      k('build_time_p95'),
      k('preview_env_p95'),
      k('availability'),
      k('flaky_rate'),
      k('platform_adoption'),
      k('dev_nps'),
    ],
    done: (ctx) => {
      const platformServices = ctx.services.filter(
        (s) => ctx.org.teams.find((t) => t.id === s.owner)?.type === 'platform',
      )
      const withSlo = new Set(ctx.org.slos.map((s) => s.service))
      const unpublished = platformServices.filter((s) => !withSlo.has(s.id)).map((s) => s.id)
      const platformSlos = ctx.slos.filter(
        (s) => platformServices.some((p) => p.id === s.service) && s.status.met !== null,
      )
      const red = platformSlos.filter((s) => !s.status.met).map((s) => s.id)
      return [
        {
          item: 'Platform SLOs published',
          met: platformServices.length > 0 && unpublished.length === 0,
          evidence: `${platformServices.length - unpublished.length} of ${platformServices.length} platform services have SLOs${unpublished.length ? `; missing: ${unpublished.join(', ')}` : ''}`,
        },
        {
          item: 'Platform SLOs green',
          met: platformSlos.length > 0 && red.length === 0,
          evidence: `${platformSlos.length - red.length} of ${platformSlos.length} platform SLOs met${red.length ? `; missed: ${red.join(', ')}` : ''}`,
        },
        kpiItem(
          ctx,
          '≥ 60% adoption and rising',
          'platform_adoption',
          (v, kpi) => v >= 0.6 && kpi.trend?.direction !== 'worsening',
          pct,
        ),
      ]
    },
  },
  'tech-lead': {
    name: 'Tech Lead (value-stream squad)',
    northStar: 'Ship outcomes quickly and safely for one stream.',
    kpis: [
      k('lead_time_p50'),
      k('deploy_frequency'),
      k('change_failure_rate'),
      k('mttr'),
      k('slo_attainment', allGreen),
      k('wait_time_p50'),
    ],
    done: (ctx) => [
      {
        item: 'One owner per service',
        met: ctx.services.every((s) => Boolean(s.owner)),
        evidence: `${ctx.services.length} services, each with exactly one owner team`,
      },
      kpiItem(
        ctx,
        'Rollback < 5 minutes',
        'rollback_time',
        (v) => v < 5 * MINUTE,
        (v) => `${(v / MINUTE).toFixed(1)} min`,
      ),
      kpiItem(
        ctx,
        'Preview environments p95 < 5 minutes',
        'preview_env_p95',
        (v) => v < 5 * MINUTE,
        (v) => `${(v / MINUTE).toFixed(1)} min`,
      ),
      pagerQuiet(ctx, 'Pager quiet (≤ 2 pages per week)'),
    ],
  },
  pm: {
    name: 'Product Manager (stream-aligned)',
    northStar: 'Move the NSM and KRs with the fewest, safest changes.',
    kpis: [k('kr_delta_per_week'), k('activation'), k('idea_to_decision'), k('cfr_post_release_delta')],
    done: (ctx) => {
      const owner = ctx.scope.kind === 'team' ? ctx.scope.id : undefined
      const okrs = ctx.org.okrs.filter((o) => owner === undefined || o.owner === owner)
      const krs = okrs.flatMap((o) => o.keyResults)
      return [
        {
          item: 'KR tree in place',
          met: krs.length > 0,
          evidence: `${okrs.length} objectives with ${krs.length} key results${owner ? ` owned by ${owner}` : ''}`,
        },
      ]
    },
  },
  sre: {
    name: 'SRE Lead / SRE',
    northStar: 'Keep systems available, fast, and safe — predictably.',
    kpis: [
      k('slo_attainment'),
      k('mttr'),
      k('pages_per_team_week'),
      k('alert_precision'),
      k('backup_restore'),
    ],
    done: (ctx) => {
      const critical = ctx.slos.filter((s) =>
        ctx.services.some((svc) => svc.id === s.service && svc.tier <= 2),
      )
      const unwired = critical.filter((s) => s.status.alert === 'no-data').map((s) => s.id)
      const pm = ctx.board.reliability.postmortems.bySeverity
      const required = pm['SEV-1'].required + pm['SEV-2'].required
      const completed = pm['SEV-1'].completed + pm['SEV-2'].completed
      const overdue = ctx.board.reliability.actionItems.overdue
      return [
        sloCoverage(ctx, [1, 2]),
        {
          item: 'Burn alerts wired',
          met: critical.length > 0 && unwired.length === 0,
          evidence: `${critical.length - unwired.length} of ${critical.length} tier-1/2 SLOs have burn-rate alert data${unwired.length ? `; none for: ${unwired.join(', ')}` : ''}`,
        },
        {
          item: 'RCAs closed with actions done',
          met: completed === required && overdue === 0,
          evidence: `${completed} of ${required} SEV-1/2 postmortems completed; ${overdue} overdue action items`,
        },
      ]
    },
  },
  data: {
    name: 'Data Lead / Analytics Engineer',
    northStar: 'Trusted, self-serve data and decision-quality experiments.',
    kpis: [
      k('metric_spec_coverage'),
      k('data_freshness'),
      k('data_tests_pass'),
      k('data_mttr'),
      k('semantic_layer_usage'),
    ],
    done: (ctx) => [kpiItem(ctx, 'Data SLAs green', 'data_freshness', (v) => v >= 0.99, pct)],
  },
  staff: {
    name: 'Staff / Principal Engineer',
    northStar: 'Raise the technical bar and unlock multiple teams.',
    kpis: [
      k('wait_time_p50'),
      k('change_failure_rate'),
      k('mttr'),
      k('hot_path_p95'),
      k('platform_adoption'),
    ],
    done: (ctx) => [
      kpiItem(
        ctx,
        'Review SLA ≤ 48 h',
        'review_turnaround_p90',
        (v) => v <= 48 * HOUR,
        (v) => `${(v / HOUR).toFixed(1)} h (p90)`,
      ),
      kpiItem(
        ctx,
        'Performance budgets held',
        'hot_path_p95',
        (v) => v <= 1,
        (v) => `${v.toFixed(2)} × budget`,
      ),
    ],
  },
  engineer: {
    name: 'Software Engineers — Stream & Platform',
    northStar: 'Ship small changes that move KRs, safely.',
    kpis: [k('prs_per_engineer_week'), k('rollback_time'), k('preview_env_p95'), k('flaky_rate')],
    done: (ctx) => [
      kpiItem(
        ctx,
        '5–10 PRs merged per week (team average per engineer)',
        'prs_per_engineer_week',
        (v) => v >= 5 && v <= 10,
        (v) => `${v.toFixed(1)}/week`,
      ),
      kpiItem(
        ctx,
        'Zero new flaky tests',
        'flaky_rate',
        (v, kpi) => v === 0 || kpi.trend?.direction !== 'worsening',
        pct,
      ),
    ],
  },
}

export function roleKpiIds(role: RoleId): Set<string> {
  return new Set(ROLES[role].kpis.map((kpi) => kpi.id))
}

export function buildScorecard(role: RoleId, ctx: ScorecardContext): Scorecard {
  const definition = ROLES[role]
  const kpis = definition.kpis.flatMap((roleKpi) => {
    const result = find(ctx, roleKpi.id)
    if (!result) return []
    const target = ctx.override(roleKpi.id) ?? roleKpi.target
    if (!target || result.value === null || result.status === 'no-data')
      return [{ ...result, target: target ?? result.target }]
    return [{ ...result, target, status: statusAgainst(target, result.value, result.trend) ?? 'no-data' }]
  })
  const judged = kpis.filter((kpi) => kpi.status !== 'no-data')
  const status: Status =
    judged.length === 0
      ? 'no-data'
      : judged.some((kpi) => kpi.status === 'red')
        ? 'red'
        : judged.every((kpi) => kpi.status === 'green')
          ? 'green'
          : 'yellow'
  return {
    role,
    name: definition.name,
    northStar: definition.northStar,
    kpis,
    status,
    definitionOfDone: definition.done(ctx),
  }
}
