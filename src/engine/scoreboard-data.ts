/**
 * Loading and scoping for the scoreboard: every row the KPI catalog needs, read once, then cut
 * down to an org, team or service scope. The metric code itself lives in metrics/.
 */

import { OrgCalendar, orgDay, type Period } from '../metrics/calendar.js'
import type { DoraSummary } from '../metrics/dora.js'
import { isDocPath } from '../metrics/dx.js'
import type { ScoreboardInput } from '../metrics/scoreboard.js'
import { type SloWindow, sloLookback } from '../metrics/slo.js'
import { SURVEY_LOOKBACK_MS } from '../metrics/team-health.js'
import type {
  BusinessEvent,
  CostEvent,
  FeatureFlagEvent,
  MeasurementEvent,
  OncallShiftEvent,
  PersonChangeEvent,
  PipelineRunEvent,
  RequisitionEvent,
  SliEvent,
  SprintEvent,
  SurveyResponseEvent,
  VulnerabilityEvent,
  WorkItemEvent,
} from '../model/events.js'
import { type OrgFile, serviceRepositories } from '../model/org.js'
import { repositoriesOf, type Scope, servicesOf } from '../model/scope.js'
import type { Deployment, Incident, PullRequest } from '../model/types.js'
import type { DeploymentFirsts } from '../store/reader.js'
import type { Store } from '../store/store.js'
import type { IdentityResolver } from './identity.js'

export interface ScoreboardData {
  incidents: Incident[]
  /** When each service's deployments to each environment began (deployments themselves are read by period). */
  deploymentFirsts: DeploymentFirsts[]
  /** When each repository's first pull request was opened (pull requests themselves are read by period). */
  firstPullRequestByRepo: Map<string, number>
  workItems: WorkItemEvent[]
  sprints: SprintEvent[]
  personEvents: PersonChangeEvent[]
  requisitions: RequisitionEvent[]
  costs: CostEvent[]
  business: BusinessEvent[]
  vulnerabilities: VulnerabilityEvent[]
  flags: FeatureFlagEvent[]
  docChanges: { repo: string; path: string; changedAt: number }[]
  firstCommitByRepo: Map<string, number>
  /** The first merge of each hire at or after their hire event (identities resolved), by `hireKey`. */
  firstMerges: Map<string, number | null>
  /** The same rows grouped by team, service, repository and SLO, so a scope picks instead of filtering. */
  index: ScopeIndex
}

interface ScopeIndex {
  workItems: Map<string, WorkItemEvent[]>
  sprints: Map<string, SprintEvent[]>
  requisitions: Map<string, RequisitionEvent[]>
  costs: Map<string, CostEvent[]>
  flags: Map<string, FeatureFlagEvent[]>
  vulnerabilities: Map<string, VulnerabilityEvent[]>
  incidents: Map<string, Incident[]>
}

function groupBy<T>(
  rows: readonly T[],
  keys: (row: T) => readonly string[] | string | undefined,
): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = keys(row)
    for (const key of typeof k === 'string' || k === undefined ? [k ?? ''] : k) {
      const group = groups.get(key)
      if (group) group.push(row)
      else groups.set(key, [row])
    }
  }
  return groups
}

/** The rows of the given keys, each once. */
function pick<T>(groups: Map<string, T[]>, keys: ReadonlySet<string>): T[] {
  // One key: its group as it is (rows are never shared within one group).
  if (keys.size === 1) return groups.get(keys.values().next().value as string) ?? []
  const seen = new Set<T>()
  const out: T[] = []
  for (const key of keys) {
    for (const row of groups.get(key) ?? []) {
      if (seen.has(row)) continue
      seen.add(row)
      out.push(row)
    }
  }
  return out
}

export async function loadScoreboardData(
  store: Store,
  org: OrgFile,
  identities: IdentityResolver,
  incidents: Incident[],
): Promise<ScoreboardData> {
  const repos = [...new Set(org.services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))]
  const [
    docChanges,
    firstCommits,
    workItems,
    sprints,
    personEvents,
    requisitions,
    costs,
    business,
    vulnerabilities,
    flags,
    authors,
    firstPullRequestByRepo,
    deploymentFirsts,
  ] = await Promise.all([
    store.listDocChanges(repos),
    store.firstCommitTimes(repos),
    store.listRecords<WorkItemEvent>('work_item'),
    store.listRecords<SprintEvent>('sprint'),
    store.listRecords<PersonChangeEvent>('person_event'),
    store.listRecords<RequisitionEvent>('requisition'),
    store.listRecords<CostEvent>('cost'),
    store.listRecords<BusinessEvent>('business'),
    store.listRecords<VulnerabilityEvent>('vulnerability'),
    store.listRecords<FeatureFlagEvent>('feature_flag'),
    store.pullRequestAuthors(),
    store.firstPullRequestByRepo(),
    store.deploymentFirsts(),
  ])
  return {
    incidents,
    deploymentFirsts,
    firstPullRequestByRepo,
    workItems,
    sprints,
    personEvents,
    requisitions,
    costs,
    business,
    vulnerabilities,
    flags,
    docChanges: docChanges.filter((d) => isDocPath(d.path)),
    firstCommitByRepo: firstCommits,
    firstMerges: await firstMergesOfHires(store, personEvents, authors, identities),
    index: {
      workItems: groupBy(workItems, (r) => r.team),
      sprints: groupBy(sprints, (r) => r.team),
      requisitions: groupBy(requisitions, (r) => r.team),
      costs: groupBy(costs, (r) => r.team),
      flags: groupBy(flags, (r) => r.service),
      vulnerabilities: groupBy(vulnerabilities, (r) => r.service),
      incidents: groupBy(incidents, (r) => r.services),
    },
  }
}

const hireKey = (person: string, at: number) => `${person}\0${at}`

/**
 * Time to productivity needs each hire's first merge after joining: a few index lookups (one per
 * hire event, with the authors naming the hire), not every merge ever made.
 */
async function firstMergesOfHires(
  store: Store,
  personEvents: readonly PersonChangeEvent[],
  authors: readonly string[],
  identities: IdentityResolver,
): Promise<Map<string, number | null>> {
  const authorsOf = groupBy(authors, (author) => identities.key(author))
  const firstMerges = new Map<string, number | null>()
  for (const hire of personEvents) {
    if (hire.kind !== 'hire') continue
    const person = identities.key(hire.person)
    const key = hireKey(person, hire.at)
    if (firstMerges.has(key)) continue
    firstMerges.set(key, await store.firstMergeFrom(authorsOf.get(person) ?? [], hire.at))
  }
  return firstMerges
}

/** A period's rows of one kind, org-wide and by repository (a scope picks its repositories'). */
export interface ByRepository<T extends { repo: string }> {
  all: T[]
  byRepo: Map<string, T[]>
}

const byRepository = <T extends { repo: string }>(all: T[]): ByRepository<T> => ({
  all,
  byRepo: groupBy(all, (r) => r.repo),
})

/** The pull requests a period's review metrics read. */
export type PeriodPullRequests = ByRepository<PullRequest>

export async function loadPeriodPullRequests(store: Store, period: Period): Promise<PeriodPullRequests> {
  return byRepository(await store.pullRequestsActiveIn(period))
}

/**
 * The deployments a period's scoreboard reads: those finishing in it, and each service's next
 * successful one per environment after it. By service too, so a scope picks its services'.
 */
export interface PeriodDeployments {
  all: Deployment[]
  byService: Map<string, Deployment[]>
}

export async function loadPeriodDeployments(store: Store, period: Period): Promise<PeriodDeployments> {
  const all = [
    ...(await store.deploymentsFinishedIn(period)),
    ...(await store.firstSuccessfulFrom(period.to)),
  ]
  return { all, byService: groupBy(all, (d) => d.service) }
}

/**
 * The events of the kinds that pile up which a period's scoreboard reads: survey answers of the
 * quarter before its end, SLI samples its SLOs' evaluations at its end read, its measurements.
 */
export interface PeriodRecords {
  survey: { all: SurveyResponseEvent[]; byTeam: Map<string, SurveyResponseEvent[]> }
  sli: Map<string, SliEvent[]>
  measurements: MeasurementEvent[]
  /** On-call shifts overlapping the period. */
  shifts: OncallShiftEvent[]
}

export async function loadPeriodRecords(store: Store, org: OrgFile, period: Period): Promise<PeriodRecords> {
  const calendar = new OrgCalendar(org.org.timezone, org.org.fiscalYearStartMonth)
  const lookbacks = org.slos.map((slo) =>
    sloLookback({ objective: slo.objective, window: slo.window as SloWindow, at: period.to, calendar }),
  )
  const [survey, sli, measurements, shifts] = await Promise.all([
    store.listRecords<SurveyResponseEvent>('survey_response', {
      from: period.to - SURVEY_LOOKBACK_MS,
      to: period.to,
    }),
    // Samples ending after the earliest lookback (1 ms later: the lookback itself is excluded).
    lookbacks.length > 0
      ? store.listRecords<SliEvent>('sli', { from: Math.min(...lookbacks) + 1 })
      : Promise.resolve([]),
    store.listRecords<MeasurementEvent>('measurement', period),
    // Kept by their end: those ending after the period starts, then those starting before it ends.
    store.listRecords<OncallShiftEvent>('oncall_shift', { from: period.from + 1 }),
  ])
  return {
    survey: { all: survey, byTeam: groupBy(survey, (r) => r.team) },
    sli: groupBy(sli, (r) => r.slo),
    measurements,
    shifts: shifts.filter((s) => s.start < period.to),
  }
}

/** The CI runs a period judges. */
export type PeriodRuns = ByRepository<PipelineRunEvent>

export async function loadPeriodRuns(store: Store, period: Period): Promise<PeriodRuns> {
  return byRepository(await store.pipelineRunsAround(period))
}

/** Everything a period's scoreboards read by period, org-wide. */
export interface PeriodScoreboardRows {
  pullRequests: PeriodPullRequests
  runs: PeriodRuns
  deployments: PeriodDeployments
  records: PeriodRecords
}

export async function loadPeriodScoreboardRows(
  store: Store,
  org: OrgFile,
  period: Period,
  runs: PeriodRuns,
): Promise<PeriodScoreboardRows> {
  return {
    pullRequests: await loadPeriodPullRequests(store, period),
    runs,
    deployments: await loadPeriodDeployments(store, period),
    records: await loadPeriodRecords(store, org, period),
  }
}

/** The scoreboard input of one scope and period. */
export function scopeInput(
  data: ScoreboardData,
  org: OrgFile,
  scope: Scope,
  period: Period,
  dora: DoraSummary,
  identities: IdentityResolver,
  isProduction: (environment: string) => boolean,
  rows: PeriodScoreboardRows,
): ScoreboardInput {
  const { pullRequests, runs } = rows
  const zone = org.org.timezone
  const services = servicesOf(org, scope)
  const serviceIds = new Set(services.map((s) => s.id))
  const repos = repositoriesOf(org, scope)
  const teamIds =
    scope.kind === 'org'
      ? new Set(org.teams.map((t) => t.id))
      : new Set(scope.kind === 'team' ? [scope.id] : services.map((s) => s.owner))
  const inServices = scope.kind === 'org' ? () => true : (service: string) => serviceIds.has(service)
  const inTeams =
    scope.kind === 'org' ? () => true : (team: string | undefined) => team !== undefined && teamIds.has(team)
  // The scope's people: the members of its teams (org: everyone in a team; see `withMembership`).
  const members = new Set(org.teams.filter((t) => teamIds.has(t.id)).flatMap((t) => t.members))
  const rota = onCallRota(services, rows.records.shifts, identities)
  const wipLimits = org.teams.filter((t) => teamIds.has(t.id)).map((t) => t.wipLimit)
  const wipLimit =
    wipLimits.length > 0 && wipLimits.every((l) => l !== undefined)
      ? wipLimits.reduce((a, b) => a! + b!, 0)!
      : null
  const sloIds = new Set(org.slos.filter((s) => inServices(s.service)).map((s) => s.id))
  const all = scope.kind === 'org'
  const ix = data.index
  const deployments = (all ? rows.deployments.all : pick(rows.deployments.byService, serviceIds)).filter(
    (d) => isProduction(d.environment),
  )
  const deploymentFirsts = data.deploymentFirsts.filter(
    (f) => inServices(f.service) && isProduction(f.environment),
  )
  const earliest = (times: readonly (number | null | undefined)[]) => {
    const known = times.filter((t): t is number => t !== null && t !== undefined)
    return known.length > 0 ? Math.min(...known) : null
  }
  const firsts = new Map<string, { firstCommit: number | null; firstDeploy: number | null }>()
  for (const service of services) {
    firsts.set(service.id, {
      firstCommit: earliest(serviceRepositories(service).map((r) => data.firstCommitByRepo.get(r.name))),
      firstDeploy: earliest(
        deploymentFirsts.filter((f) => f.service === service.id).map((f) => f.firstSuccess),
      ),
    })
  }
  const before = (at: number | null) => at !== null && at < period.to
  const docChanges = new Map<string, number[]>()
  for (const doc of data.docChanges) {
    if (!repos.has(doc.repo)) continue
    const key = `${doc.repo}:${doc.path}`
    const times = docChanges.get(key)
    if (times) times.push(doc.changedAt)
    else docChanges.set(key, [doc.changedAt])
  }
  return {
    period,
    dora,
    workItems: all ? data.workItems : pick(ix.workItems, teamIds),
    sprints: all ? data.sprints : pick(ix.sprints, teamIds),
    pullRequests: all ? pullRequests.all : pick(pullRequests.byRepo, repos),
    history: {
      pullRequests: [...data.firstPullRequestByRepo].some(
        ([repo, first]) => (all || repos.has(repo)) && before(first),
      ),
      deployments: deploymentFirsts.some((f) => before(f.first)),
      regressions: deploymentFirsts.some((f) => before(f.firstReported)),
    },
    deployments,
    incidents: all ? data.incidents : pick(ix.incidents, serviceIds),
    flags: all ? data.flags : pick(ix.flags, serviceIds),
    slos: org.slos
      .filter((s) => sloIds.has(s.id))
      .map((s) => ({
        id: s.id,
        service: s.service,
        objective: s.objective,
        window: s.window as SloWindow,
        sli: s.sli,
        timesliceTarget: s.timesliceTarget,
        samples: rows.records.sli.get(s.id) ?? [],
      })),
    personEvents:
      scope.kind === 'org'
        ? data.personEvents
        : data.personEvents.filter((e) => inTeams(e.team) || members.has(e.person)),
    survey: all ? rows.records.survey.all : pick(rows.records.survey.byTeam, teamIds),
    requisitions: all ? data.requisitions : pick(ix.requisitions, teamIds),
    // Org-wide lines (tooling, business figures) belong to the organization only.
    costs: all ? data.costs : pick(ix.costs, teamIds),
    business: scope.kind === 'org' ? data.business : [],
    runs: all ? runs.all : pick(runs.byRepo, repos),
    vulnerabilities: all ? data.vulnerabilities : pick(ix.vulnerabilities, serviceIds),
    measurements: rows.records.measurements.filter(
      (m) => scope.kind === 'org' || inTeams(m.team) || (m.service !== undefined && inServices(m.service)),
    ),
    docChanges,
    services: services.map((s) => ({ id: s.id, lifecycle: s.lifecycle, pavedRoad: s.pavedRoad })),
    serviceFirsts: firsts,
    people: org.people
      .filter((p) => members.has(p.id))
      .map((p) => ({ id: p.id, start: orgDay(p.start, zone), end: orgDay(p.end, zone) })),
    onCall: {
      people: rota.size > 0 ? rota.size : null,
      teams: new Set(services.map((s) => s.owner)).size,
    },
    orgTeams: org.teams.map((t) => t.id),
    wipLimit,
    dependencies: org.dependencies
      .filter((d) => scope.kind === 'org' || teamIds.has(d.consumer))
      .map((d) => ({ status: d.status, opened: orgDay(d.opened, zone) })),
    allocationPlan: org.org.capacityAllocation,
    loadedCostPerEngineer: org.org.loadedCostPerEngineer ?? null,
    sameAuthor: identities.same,
    firstMergeOf: (person, after) => {
      return data.firstMerges.get(hireKey(identities.key(person), after)) ?? null
    },
    calendar: new OrgCalendar(zone, org.org.fiscalYearStartMonth),
  }
}

/**
 * The people on the rotas of the services in the period: those who held a shift of one (synced
 * from PagerDuty or given as `oncall_shift` events) when any is known, else the services'
 * `onCallPeople`.
 */
function onCallRota(
  services: readonly { id: string; onCallPeople: readonly string[] }[],
  shifts: readonly OncallShiftEvent[],
  identities: IdentityResolver,
): Set<string> {
  const ids = new Set(services.map((s) => s.id))
  const held = shifts.filter((s) => ids.has(s.service))
  if (held.length > 0) return new Set(held.map((s) => identities.key(s.person)))
  return new Set(services.flatMap((s) => s.onCallPeople))
}
