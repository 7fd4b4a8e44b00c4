/**
 * The operating model over the store: gathers the evidence each pure module of operating/ needs
 * (check-ins, live KPI values, change authors, incidents, SLI samples, sprints) and calls it.
 * Static views (RACI, audits, the org-file gates) need only the org file and work without a store.
 */

import { orgDate, trailingDays } from '../metrics/calendar.js'
import type { KpiDefinition } from '../metrics/kpi-catalog.js'
import { KPI_BY_ID } from '../metrics/kpi-catalog.js'
import { EngopsError } from '../model/errors.js'
import type {
  MeasurementEvent,
  OkrCheckinEvent,
  SliEvent,
  SprintEvent,
  WorkItemEvent,
} from '../model/events.js'
import { type Experiment, type KeyResult, type Okr, type OrgFile, serviceRepositories } from '../model/org.js'
import { repositoriesOf, type Scope, servicesOf } from '../model/scope.js'
import { DAY } from '../model/time.js'
import { auditMeetings, auditTools } from '../operating/audits.js'
import { analyzeDependencies, type DependencyMap } from '../operating/dependencies.js'
import { type ExperimentResult, evaluateExperiment } from '../operating/experiments.js'
import { budgetExhaustedAt, type GateData, type GateResult, runGates } from '../operating/gates.js'
import { evaluateInitiatives, type InitiativeStatus } from '../operating/initiatives.js'
import {
  type BudgetView,
  diagnoseBudgets,
  diagnoseDependencies,
  diagnoseLeadTime,
  diagnoseOkrs,
  type Insight,
  type RiskEntry,
  riskRegister,
} from '../operating/insights.js'
import {
  assessAgileMaturity,
  assessIncidentMaturity,
  type MaturityAssessment,
} from '../operating/maturity.js'
import {
  type CheckIn,
  evaluateOkrs,
  flattenOkrs,
  type LintFinding,
  lintOkrs,
  type ObjectiveStatus,
} from '../operating/okrs.js'
import { type BuiltRaci, buildRaci, type RaciProblem, validateRaci } from '../operating/raci.js'
import { analyzeTopology, type Topology } from '../operating/topology.js'
import type { Engine } from './engine.js'

/** How far back the evidence of topology and maturity looks. */
export const EVIDENCE_DAYS = 90

export function dependencyMap(org: OrgFile, now: number): DependencyMap {
  return analyzeDependencies(org, now, {
    excuseDays: org.policies.dependencyExcuseDays,
    hubThreshold: org.policies.hubThreshold,
  })
}

export function raciOf(org: OrgFile): { built: BuiltRaci; problems: RaciProblem[] } {
  const built = buildRaci(org.raci)
  return { built, problems: validateRaci(built) }
}

export function audits(org: OrgFile) {
  return { meetings: auditMeetings(org), tools: auditTools(org) }
}

/** The gates that need only the org file (data gates are reported as skipped). */
export function staticGates(org: OrgFile, now: number): GateResult[] {
  return runGates(
    org,
    { raciProblems: raciOf(org).problems, okrFindings: lintOkrs(org), dependencies: dependencyMap(org, now) },
    null,
  )
}

export async function checkIns(engine: Engine): Promise<CheckIn[]> {
  const rows = await engine.store.listRecords<OkrCheckinEvent>('okr_checkin')
  return rows.map((row) => ({
    kr: row.kr,
    value: row.value ?? null,
    confidence: row.confidence ?? null,
    comment: row.comment ?? null,
    at: row.at,
    by: row.by ?? null,
  }))
}

export interface CheckInInput {
  kr: string
  value?: number
  confidence?: string
  comment?: string
  by?: string
  at?: number
}

/** Records a check-in as an `okr_checkin` event (validated like any other event). */
export async function recordCheckIn(engine: Engine, input: CheckInInput): Promise<CheckIn> {
  const known = engine.org.okrs.flatMap((okr) => okr.keyResults.map((kr) => kr.id))
  if (!known.includes(input.kr)) {
    throw new EngopsError(
      'NOT_FOUND',
      `unknown key result "${input.kr}" (key results: ${known.join(', ') || 'none'})`,
    )
  }
  const at = input.at ?? Date.now()
  const event = {
    type: 'okr_checkin',
    kr: input.kr,
    at: new Date(at).toISOString(),
    ...(input.value !== undefined ? { value: input.value } : {}),
    ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
    ...(input.by !== undefined ? { by: input.by } : {}),
  }
  // Validated and stored like any event (a bad value is refused with its field).
  await engine.ingestText(JSON.stringify(event), 'check-in', 'cli')
  return {
    kr: input.kr,
    value: input.value ?? null,
    confidence: (input.confidence?.toLowerCase() as CheckIn['confidence']) ?? null,
    comment: input.comment ?? null,
    at,
    by: input.by?.trim() ?? null,
  }
}

const TIME_UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  seconds: 1,
  min: 60,
  minutes: 60,
  h: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
}

/** A KPI value in the KR's unit: seconds → the KR's time unit, a fraction → percent. */
export function inKrUnit(value: number, kpi: KpiDefinition, unit: string | undefined): number {
  const u = unit?.trim().toLowerCase()
  if (kpi.unit === 'seconds' && u && TIME_UNITS[u]) return value / TIME_UNITS[u]!
  if (kpi.unit === 'fraction' && u === '%') return value * 100
  return value
}

/** Objectives judged now, with KRs bound to metrics read live from the scoreboard. */
/**
 * Answers that several views of one question share (a report asks for the OKR tree through its
 * OKR table, its initiatives, its insights and its risks): computed once per engine, instant and
 * data version.
 */
const shared = new WeakMap<Engine, Map<string, { version: number; value: Promise<unknown> }>>()

async function once<T>(engine: Engine, key: string, compute: () => Promise<T>): Promise<T> {
  // Another process's writes move the data version too.
  await engine.noticeOtherWriters()
  let answers = shared.get(engine)
  if (!answers) {
    answers = new Map()
    shared.set(engine, answers)
  }
  const hit = answers.get(key)
  if (hit && hit.version === engine.dataVersion) return hit.value as Promise<T>
  const value = compute()
  answers.delete(key)
  answers.set(key, { version: engine.dataVersion, value })
  // A server asks with a new "now" on every request: keep only the most recent answers.
  if (answers.size > 32) answers.delete(answers.keys().next().value as string)
  value.catch(() => answers.delete(key))
  return value
}

export function okrTree(engine: Engine, now: number, live = true): Promise<ObjectiveStatus[]> {
  return once(engine, `okrs:${now}:${live}`, () => computeOkrTree(engine, now, live))
}

async function computeOkrTree(engine: Engine, now: number, live: boolean): Promise<ObjectiveStatus[]> {
  const org = engine.org
  const teams = new Set(org.teams.map((t) => t.id))
  const services = new Set(org.services.map((s) => s.id))
  const boards = new Map<string, Promise<Map<string, number | null>>>()
  const readings = (scope: string) => {
    let entry = boards.get(scope)
    if (!entry) {
      const query = teams.has(scope) ? { team: scope } : services.has(scope) ? { service: scope } : {}
      entry = engine
        .kpis({ ...query, now })
        .then((answer) => new Map(answer.kpis.map((k) => [k.id, k.status === 'no-data' ? null : k.value])))
      boards.set(scope, entry)
    }
    return entry
  }
  const values = new Map<string, number | null>()
  if (live) {
    for (const okr of org.okrs) {
      for (const kr of okr.keyResults) {
        const kpi = kr.metric ? KPI_BY_ID.get(kr.metric) : undefined
        if (!kpi) continue
        const scope = kr.scope ?? (teams.has(okr.owner) ? okr.owner : 'org')
        const value = (await readings(scope)).get(kpi.id) ?? null
        values.set(`${okr.id}\0${kr.id}`, value === null ? null : inKrUnit(value, kpi, kr.unit))
      }
    }
  }
  return evaluateOkrs(org.okrs, {
    now,
    timeZone: org.org.timezone,
    fiscalYearStartMonth: org.org.fiscalYearStartMonth,
    settings: org.org.okr,
    checkIns: await checkIns(engine),
    liveValue: (kr: KeyResult, okr: Okr) => values.get(`${okr.id}\0${kr.id}`) ?? null,
  })
}

export async function okrLint(engine: Engine, now: number): Promise<LintFinding[]> {
  return lintOkrs(engine.org, { now, checkIns: await checkIns(engine) })
}

export async function initiatives(engine: Engine, now: number): Promise<InitiativeStatus[]> {
  return evaluateInitiatives(engine.org, flattenOkrs(await okrTree(engine, now)), now)
}

export async function topology(engine: Engine, now: number): Promise<Topology> {
  const org = engine.org
  const since = now - EVIDENCE_DAYS * DAY
  const byRepo = new Map<string, { service: string; paths: string[] }[]>()
  for (const service of org.services) {
    for (const repo of serviceRepositories(service)) {
      byRepo.set(repo.name, [...(byRepo.get(repo.name) ?? []), { service: service.id, paths: repo.paths }])
    }
  }
  const changes = await engine.store.listChangeAuthors([...byRepo.keys()], since)
  const splitRepos = [...byRepo]
    .filter(([, list]) => list.some((s) => s.paths.length > 0))
    .map(([repo]) => repo)
  const files = new Map<string, string[]>()
  for (const file of await engine.store.listCommitFiles(splitRepos)) {
    const key = `${file.repo}\0${file.sha}`
    files.set(key, [...(files.get(key) ?? []), file.path])
  }
  const changesByService = new Map<string, Map<string, number>>()
  const changesByPerson = new Map<string, number>()
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  for (const change of changes) {
    const person = engine.identities.personOf(change.author) ?? change.author
    count(changesByPerson, person)
    for (const { service, paths } of byRepo.get(change.repo) ?? []) {
      const touched = files.get(`${change.repo}\0${change.sha}`) ?? []
      if (paths.length > 0 && !touched.some((f) => paths.some((p) => f.startsWith(p)))) continue
      const perPerson = changesByService.get(service) ?? new Map<string, number>()
      count(perPerson, person)
      changesByService.set(service, perPerson)
    }
  }
  const incidentLeadsByService = new Map<string, Map<string, number>>()
  for (const incident of await engine.allIncidents()) {
    if (incident.detectedAt < since || incident.detectedAt >= now) continue
    const lead =
      incident.roles.find((r) => r.role === 'incident-commander') ??
      incident.roles.find((r) => r.role === 'tech-lead')
    if (!lead) continue
    const person = engine.identities.personOf(lead.person) ?? lead.person
    for (const service of incident.services) {
      const perPerson = incidentLeadsByService.get(service) ?? new Map<string, number>()
      count(perPerson, person)
      incidentLeadsByService.set(service, perPerson)
    }
  }
  const deps = dependencyMap(org, now)
  const dependencyPairs = new Map<string, number>()
  for (const d of deps.dependencies.filter((x) => x.open)) {
    const pair = [d.provider, d.consumer].sort().join('\0')
    dependencyPairs.set(pair, (dependencyPairs.get(pair) ?? 0) + 1)
  }
  return analyzeTopology(org, {
    now,
    changesByService,
    changesByPerson,
    incidentLeadsByService,
    hubs: deps.hubs,
    dependencyPairs,
    dates: { since: (value) => orgDate(value, org.org.timezone) },
    windowDays: EVIDENCE_DAYS,
  })
}

/** The SLOs of the org with their current window status and when their budget ran out. */
function budgets(engine: Engine, now: number) {
  return once(engine, `budgets:${now}`, () => computeBudgets(engine, now))
}

async function computeBudgets(
  engine: Engine,
  now: number,
): Promise<(BudgetView & { owner: string; tier: number; exhaustedAt: number | null })[]> {
  const answer = await engine.scoreboard({ now })
  const { sli } = (await engine.scoreboardRowsOf(answer.period)).records
  return answer.current.slos.entries.map((entry) => {
    const slo = engine.org.slos.find((s) => s.id === entry.id)!
    const service = engine.org.services.find((s) => s.id === entry.service)
    const samples = (sli.get(entry.id) ?? []).map((s) => ({
      start: s.start,
      end: s.end,
      good: s.good,
      total: s.total,
    }))
    return {
      slo: entry.id,
      service: entry.service,
      owner: service?.owner ?? '',
      tier: service?.tier ?? 4,
      remaining: entry.status.budgetRemaining,
      exhaustionMs: entry.status.exhaustionMs,
      burnRate: entry.status.burnRate,
      exhaustedAt:
        entry.status.budgetRemaining !== null && entry.status.budgetRemaining <= 0
          ? budgetExhaustedAt(samples, slo.objective, entry.status.window)
          : null,
    }
  })
}

export async function gates(engine: Engine, now: number): Promise<GateResult[]> {
  const org = engine.org
  const production = new Set(org.org.productionEnvironments.map((e) => e.toLowerCase()))
  const data: GateData = {
    now,
    incidents: (await engine.allIncidents()).filter((i) => i.detectedAt < now),
    deployments: (await engine.allDeployments()).filter(
      (d) => d.result === 'success' && production.has(d.environment.toLowerCase()) && d.finishedAt < now,
    ),
    exhaustedBudgets: await budgets(engine, now),
    people: org.people.map((p) => ({ id: p.id, name: p.name })),
  }
  return runGates(
    org,
    {
      raciProblems: raciOf(org).problems,
      okrFindings: await okrLint(engine, now),
      dependencies: dependencyMap(org, now),
    },
    data,
  )
}

export async function maturity(engine: Engine, now: number): Promise<MaturityAssessment[]> {
  const org = engine.org
  const since = now - EVIDENCE_DAYS * DAY
  const rows = await engine.loadScoreboard()
  const inWindow = (at: number) => at >= since && at < now
  const critical = org.services.filter((s) => s.tier <= 2 && s.lifecycle !== 'deprecated').map((s) => s.id)
  // SLI samples are stored by their end and measurements by their time: the window's are read.
  const window = { from: since, to: now }
  const sampled = new Set((await engine.store.listRecords<SliEvent>('sli', window)).map((s) => s.slo))
  const slosWithData = org.slos.filter((slo) => sampled.has(slo.id)).length
  const measured = new Set(
    (await engine.store.listRecords<MeasurementEvent>('measurement', window)).map((m) => m.kpi),
  )
  const results = [
    assessIncidentMaturity(org.org.name, {
      incidents: (await engine.allIncidents()).filter((i) => inWindow(i.detectedAt)),
      criticalServices: critical,
      servicesWithSlo: new Set(org.slos.map((s) => s.service)),
      slos: org.slos.length,
      slosWithData,
      measured,
      now,
    }),
  ]
  for (const team of org.teams) {
    const sprints: SprintEvent[] = (rows.index.sprints.get(team.id) ?? []).filter((s) => inWindow(s.end))
    const workItems: WorkItemEvent[] = (rows.index.workItems.get(team.id) ?? []).filter((w) =>
      inWindow(w.statusChanges.at(-1)?.at ?? w.createdAt),
    )
    results.push(
      assessAgileMaturity({
        team: team.id,
        wipLimit: team.wipLimit ?? null,
        sprints,
        workItems,
        windowDays: EVIDENCE_DAYS,
        boundKeyResults: org.okrs
          .filter((o) => o.owner === team.id)
          .reduce((n, o) => n + o.keyResults.filter((kr) => kr.metric).length, 0),
        experimentsRun: org.experiments.filter(
          (x) => x.team === team.id && orgDate(x.experiment.to, org.org.timezone) <= now,
        ).length,
      }),
    )
  }
  return results
}

/** The individual observations of an experiment metric in a window, for a team or the org. */
export async function experimentSamples(
  engine: Engine,
  metric: Experiment['metric'],
  team: string | undefined,
  window: { from: number; to: number },
): Promise<number[]> {
  const org = engine.org
  const scope: Scope = team ? { kind: 'team', id: team } : { kind: 'org' }
  const services = new Set(servicesOf(org, scope).map((s) => s.id))
  const repos = repositoriesOf(org, scope)
  const inside = (at: number | null | undefined) =>
    at !== null && at !== undefined && at >= window.from && at < window.to
  const rows = await engine.loadScoreboard()
  const hours = (ms: number) => ms / 3_600_000
  // Merged or first reviewed in the window: the pull requests the window's review metrics read.
  const pullRequests = () => engine.store.pullRequestsActiveIn(window)
  switch (metric) {
    case 'lead_time': {
      const answer = await engine.dora({
        ...(team ? { team } : {}),
        from: new Date(window.from).toISOString(),
        to: new Date(window.to).toISOString(),
        explain: true,
      })
      return answer.details.changes.map((c) => c.leadTimeSeconds / 3600)
    }
    case 'pr_cycle_time':
      return (await pullRequests())
        .filter((pr) => repos.has(pr.repo) && inside(pr.mergedAt))
        .map((pr) => hours(pr.mergedAt! - pr.createdAt))
    case 'review_pickup':
      return (await pullRequests())
        .filter((pr) => repos.has(pr.repo) && inside(pr.createdAt))
        .flatMap((pr) => {
          const first = pr.reviews
            .filter((r) => !engine.identities.same(r.author, pr.author))
            .map((r) => r.at)
          return first.length > 0 ? [hours(Math.min(...first) - pr.createdAt)] : []
        })
    case 'pr_size':
      return (await pullRequests())
        .filter((pr) => repos.has(pr.repo) && inside(pr.mergedAt) && pr.additions !== null)
        .map((pr) => (pr.additions ?? 0) + (pr.deletions ?? 0))
    case 'item_cycle_time':
      return rows.workItems
        .filter((w) => !team || w.team === team)
        .flatMap((w) => {
          const done = w.statusChanges.findLast((c) => c.status === 'done')?.at
          const started = w.statusChanges.find((c) => c.status === 'in-progress')?.at
          return inside(done) && started !== undefined ? [hours(done! - started)] : []
        })
    case 'build_duration':
      return (await engine.runsAround(window)).all
        .filter((r) => repos.has(r.repo) && inside(r.finishedAt))
        .map((r) => (r.finishedAt - r.startedAt) / 60_000)
    case 'deploys_per_day': {
      const production = new Set(org.org.productionEnvironments.map((e) => e.toLowerCase()))
      const days = new Map<number, number>()
      for (let day = window.from; day < window.to; day += DAY) days.set(day, 0)
      for (const d of await engine.allDeployments()) {
        if (
          !services.has(d.service) ||
          d.result !== 'success' ||
          !production.has(d.environment.toLowerCase())
        )
          continue
        if (!inside(d.finishedAt)) continue
        const day = window.from + Math.floor((d.finishedAt - window.from) / DAY) * DAY
        days.set(day, (days.get(day) ?? 0) + 1)
      }
      return [...days.values()]
    }
  }
}

export async function experiments(engine: Engine): Promise<ExperimentResult[]> {
  const zone = engine.org.org.timezone
  const results: ExperimentResult[] = []
  for (const experiment of engine.org.experiments) {
    const window = (w: { from: string | Date; to: string | Date }) => ({
      from: orgDate(w.from, zone),
      // The end date is included whole.
      to: orgDate(w.to, zone) + DAY,
    })
    const before = await experimentSamples(
      engine,
      experiment.metric,
      experiment.team,
      window(experiment.baseline),
    )
    const during = await experimentSamples(
      engine,
      experiment.metric,
      experiment.team,
      window(experiment.experiment),
    )
    results.push(evaluateExperiment(experiment, before, during))
  }
  return results
}

export async function insights(engine: Engine, now: number): Promise<Insight[]> {
  const org = engine.org
  const zone = org.org.timezone
  const found: Insight[] = []
  for (const team of org.teams) {
    const series = []
    for (let k = 3; k >= 0; k--) {
      const period = trailingDays(now - k * 30 * DAY, 30, zone)
      const answer = await engine.dora({
        team: team.id,
        from: new Date(period.from).toISOString(),
        to: new Date(period.to).toISOString(),
      })
      series.push({ from: period.from, to: period.to, leadTime: answer.summary.leadTime })
    }
    const insight = diagnoseLeadTime(team.id, series, engine.org.org.timezone)
    if (insight) found.push(insight)
  }
  found.push(...diagnoseOkrs(flattenOkrs(await okrTree(engine, now))))
  found.push(...diagnoseBudgets(await budgets(engine, now)))
  found.push(...diagnoseDependencies(dependencyMap(org, now).dependencies))
  const rank = { critical: 0, warning: 1 }
  return found.sort((a, b) => rank[a.severity] - rank[b.severity])
}

export async function risks(engine: Engine, now: number): Promise<RiskEntry[]> {
  const org = engine.org
  return riskRegister(org.risks, {
    budgets: await budgets(engine, now),
    dependencies: dependencyMap(org, now).dependencies,
    antiPatterns: (await topology(engine, now)).antiPatterns,
    objectives: flattenOkrs(await okrTree(engine, now)),
    serviceOwner: (service) => org.services.find((s) => s.id === service)?.owner ?? org.org.name,
  })
}
