/**
 * Loading and scoping for the scoreboard: every row the KPI catalog needs, read once, then cut
 * down to an org, team or service scope. The metric code itself lives in metrics/.
 */

import { OrgCalendar, orgDay, type Period } from '../metrics/calendar.js'
import type { DoraSummary } from '../metrics/dora.js'
import { isDocPath } from '../metrics/dx.js'
import type { ScoreboardInput } from '../metrics/scoreboard.js'
import type { SloWindow } from '../metrics/slo.js'
import type {
  BusinessEvent,
  CostEvent,
  FeatureFlagEvent,
  MeasurementEvent,
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
import type { Store } from '../store/store.js'
import type { IdentityResolver } from './identity.js'

export interface ScoreboardData {
  deployments: Deployment[]
  incidents: Incident[]
  /** When each repository's first pull request was opened (pull requests themselves are read by period). */
  firstPullRequestByRepo: Map<string, number>
  workItems: WorkItemEvent[]
  sprints: SprintEvent[]
  survey: SurveyResponseEvent[]
  personEvents: PersonChangeEvent[]
  requisitions: RequisitionEvent[]
  costs: CostEvent[]
  business: BusinessEvent[]
  sli: SliEvent[]
  vulnerabilities: VulnerabilityEvent[]
  flags: FeatureFlagEvent[]
  measurements: MeasurementEvent[]
  docChanges: { repo: string; path: string; changedAt: number }[]
  firstCommitByRepo: Map<string, number>
  /** Merge times of each person's pull requests (identities resolved), ascending. */
  mergesByPerson: Map<string, number[]>
  /** The same rows grouped by team, service, repository and SLO, so a scope picks instead of filtering. */
  index: ScopeIndex
}

interface ScopeIndex {
  workItems: Map<string, WorkItemEvent[]>
  sprints: Map<string, SprintEvent[]>
  survey: Map<string, SurveyResponseEvent[]>
  requisitions: Map<string, RequisitionEvent[]>
  costs: Map<string, CostEvent[]>
  deployments: Map<string, Deployment[]>
  flags: Map<string, FeatureFlagEvent[]>
  vulnerabilities: Map<string, VulnerabilityEvent[]>
  incidents: Map<string, Incident[]>
  sli: Map<string, SliEvent[]>
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
  core: { deployments: Deployment[]; incidents: Incident[] },
): Promise<ScoreboardData> {
  const { deployments, incidents } = core
  const repos = [...new Set(org.services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))]
  const [
    docChanges,
    firstCommits,
    workItems,
    sprints,
    survey,
    personEvents,
    requisitions,
    costs,
    business,
    sli,
    vulnerabilities,
    flags,
    measurements,
    merges,
    firstPullRequestByRepo,
  ] = await Promise.all([
    store.listDocChanges(repos),
    store.firstCommitTimes(repos),
    store.listRecords<WorkItemEvent>('work_item'),
    store.listRecords<SprintEvent>('sprint'),
    store.listRecords<SurveyResponseEvent>('survey_response'),
    store.listRecords<PersonChangeEvent>('person_event'),
    store.listRecords<RequisitionEvent>('requisition'),
    store.listRecords<CostEvent>('cost'),
    store.listRecords<BusinessEvent>('business'),
    store.listRecords<SliEvent>('sli'),
    store.listRecords<VulnerabilityEvent>('vulnerability'),
    store.listRecords<FeatureFlagEvent>('feature_flag'),
    store.listRecords<MeasurementEvent>('measurement'),
    store.mergeTimes(),
    store.firstPullRequestByRepo(),
  ])
  const mergesByPerson = new Map<string, number[]>()
  for (const merge of merges) {
    const person = identities.key(merge.author)
    const list = mergesByPerson.get(person) ?? []
    list.push(merge.mergedAt)
    mergesByPerson.set(person, list)
  }
  for (const list of mergesByPerson.values()) list.sort((a, b) => a - b)
  return {
    deployments,
    incidents,
    firstPullRequestByRepo,
    workItems,
    sprints,
    survey,
    personEvents,
    requisitions,
    costs,
    business,
    sli,
    vulnerabilities,
    flags,
    measurements,
    docChanges: docChanges.filter((d) => isDocPath(d.path)),
    firstCommitByRepo: firstCommits,
    mergesByPerson,
    index: {
      workItems: groupBy(workItems, (r) => r.team),
      sprints: groupBy(sprints, (r) => r.team),
      survey: groupBy(survey, (r) => r.team),
      requisitions: groupBy(requisitions, (r) => r.team),
      costs: groupBy(costs, (r) => r.team),
      deployments: groupBy(deployments, (r) => r.service),
      flags: groupBy(flags, (r) => r.service),
      vulnerabilities: groupBy(vulnerabilities, (r) => r.service),
      incidents: groupBy(incidents, (r) => r.services),
      sli: groupBy(sli, (r) => r.slo),
    },
  }
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

/** The CI runs a period judges. */
export type PeriodRuns = ByRepository<PipelineRunEvent>

export async function loadPeriodRuns(store: Store, period: Period): Promise<PeriodRuns> {
  return byRepository(await store.pipelineRunsAround(period))
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
  pullRequests: PeriodPullRequests,
  runs: PeriodRuns,
): ScoreboardInput {
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
  const rota = new Set(services.flatMap((s) => s.onCallPeople))
  const wipLimits = org.teams.filter((t) => teamIds.has(t.id)).map((t) => t.wipLimit)
  const wipLimit =
    wipLimits.length > 0 && wipLimits.every((l) => l !== undefined)
      ? wipLimits.reduce((a, b) => a! + b!, 0)!
      : null
  const sloIds = new Set(org.slos.filter((s) => inServices(s.service)).map((s) => s.id))
  const all = scope.kind === 'org'
  const ix = data.index
  const deployments = (all ? data.deployments : pick(ix.deployments, serviceIds)).filter((d) =>
    isProduction(d.environment),
  )
  const firsts = new Map<string, { firstCommit: number | null; firstDeploy: number | null }>()
  for (const service of services) {
    const commitTimes = serviceRepositories(service)
      .map((r) => data.firstCommitByRepo.get(r.name))
      .filter((t): t is number => t !== undefined)
    const deployTimes = (ix.deployments.get(service.id) ?? [])
      .filter((d) => d.result === 'success' && isProduction(d.environment))
      .map((d) => d.finishedAt)
    firsts.set(service.id, {
      firstCommit: commitTimes.length ? Math.min(...commitTimes) : null,
      firstDeploy: deployTimes.length ? Math.min(...deployTimes) : null,
    })
  }
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
    pullRequestsBefore: [...data.firstPullRequestByRepo].some(
      ([repo, first]) => (all || repos.has(repo)) && first < period.to,
    ),
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
        samples: ix.sli.get(s.id) ?? [],
      })),
    personEvents:
      scope.kind === 'org'
        ? data.personEvents
        : data.personEvents.filter((e) => inTeams(e.team) || members.has(e.person)),
    survey: all ? data.survey : pick(ix.survey, teamIds),
    requisitions: all ? data.requisitions : pick(ix.requisitions, teamIds),
    // Org-wide lines (tooling, business figures) belong to the organization only.
    costs: all ? data.costs : pick(ix.costs, teamIds),
    business: scope.kind === 'org' ? data.business : [],
    runs: all ? runs.all : pick(runs.byRepo, repos),
    vulnerabilities: all ? data.vulnerabilities : pick(ix.vulnerabilities, serviceIds),
    measurements: data.measurements.filter(
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
      const merges = data.mergesByPerson.get(identities.key(person)) ?? []
      return merges.find((at) => at >= after) ?? null
    },
    calendar: new OrgCalendar(zone, org.org.fiscalYearStartMonth),
  }
}
