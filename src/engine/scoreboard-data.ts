/**
 * Loading and scoping for the scoreboard: every row the KPI catalog needs, read once, then cut
 * down to an org, team or service scope. The metric code itself lives in metrics/.
 */
import { dayKey, localMidnight, type Period, wallClock } from '../metrics/calendar.js'
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
import { parseIsoTime } from '../model/time.js'
import type { Deployment, Incident, PullRequest } from '../model/types.js'
import type { Store } from '../store/store.js'
import type { IdentityResolver } from './identity.js'

export interface ScoreboardData {
  deployments: Deployment[]
  incidents: Incident[]
  pullRequests: PullRequest[]
  workItems: WorkItemEvent[]
  sprints: SprintEvent[]
  survey: SurveyResponseEvent[]
  personEvents: PersonChangeEvent[]
  requisitions: RequisitionEvent[]
  costs: CostEvent[]
  business: BusinessEvent[]
  sli: SliEvent[]
  runs: PipelineRunEvent[]
  vulnerabilities: VulnerabilityEvent[]
  flags: FeatureFlagEvent[]
  measurements: MeasurementEvent[]
  docChanges: { repo: string; path: string; changedAt: number }[]
  firstCommitByRepo: Map<string, number>
  /** Merge times of each person's pull requests (identities resolved), ascending. */
  mergesByPerson: Map<string, number[]>
}

export async function loadScoreboardData(
  store: Store,
  org: OrgFile,
  identities: IdentityResolver,
): Promise<ScoreboardData> {
  const repos = [...new Set(org.services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))]
  const [deployments, incidents, pullRequests, docChanges, firstCommits, ...records] = await Promise.all([
    store.listDeployments(),
    store.listIncidents(),
    store.listPullRequests(),
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
    store.listRecords<PipelineRunEvent>('pipeline_run'),
    store.listRecords<VulnerabilityEvent>('vulnerability'),
    store.listRecords<FeatureFlagEvent>('feature_flag'),
    store.listRecords<MeasurementEvent>('measurement'),
  ])
  const [
    workItems,
    sprints,
    survey,
    personEvents,
    requisitions,
    costs,
    business,
    sli,
    runs,
    vulnerabilities,
    flags,
    measurements,
  ] = records as [
    WorkItemEvent[],
    SprintEvent[],
    SurveyResponseEvent[],
    PersonChangeEvent[],
    RequisitionEvent[],
    CostEvent[],
    BusinessEvent[],
    SliEvent[],
    PipelineRunEvent[],
    VulnerabilityEvent[],
    FeatureFlagEvent[],
    MeasurementEvent[],
  ]
  const mergesByPerson = new Map<string, number[]>()
  for (const pr of pullRequests) {
    if (pr.mergedAt === null) continue
    const person = identities.key(pr.author)
    const list = mergesByPerson.get(person) ?? []
    list.push(pr.mergedAt)
    mergesByPerson.set(person, list)
  }
  for (const list of mergesByPerson.values()) list.sort((a, b) => a - b)
  return {
    deployments,
    incidents,
    pullRequests,
    workItems,
    sprints,
    survey,
    personEvents,
    requisitions,
    costs,
    business,
    sli,
    runs,
    vulnerabilities,
    flags,
    measurements,
    docChanges: docChanges.filter((d) => isDocPath(d.path)),
    firstCommitByRepo: firstCommits,
    mergesByPerson,
  }
}

export type ScopeKind = { kind: 'org' } | { kind: 'team'; id: string } | { kind: 'service'; id: string }

function toDay(date: string | Date | undefined): number | null {
  if (date === undefined) return null
  if (date instanceof Date) return date.getTime()
  return parseIsoTime(date) ?? null
}

/** The scoreboard input of one scope and period. */
export function scopeInput(
  data: ScoreboardData,
  org: OrgFile,
  scope: ScopeKind,
  period: Period,
  dora: DoraSummary,
  identities: IdentityResolver,
  isProduction: (environment: string) => boolean,
): ScoreboardInput {
  const zone = org.org.timezone
  const services =
    scope.kind === 'org'
      ? org.services
      : scope.kind === 'team'
        ? org.services.filter((s) => s.owner === scope.id)
        : org.services.filter((s) => s.id === scope.id)
  const serviceIds = new Set(services.map((s) => s.id))
  const repos = new Set(services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))
  const teamIds =
    scope.kind === 'org'
      ? new Set(org.teams.map((t) => t.id))
      : new Set(scope.kind === 'team' ? [scope.id] : services.map((s) => s.owner))
  const inServices = scope.kind === 'org' ? () => true : (service: string) => serviceIds.has(service)
  const inTeams =
    scope.kind === 'org' ? () => true : (team: string | undefined) => team !== undefined && teamIds.has(team)
  const members = new Set(
    org.people
      .filter(
        (p) =>
          (p.team !== undefined && teamIds.has(p.team)) ||
          org.teams.some((t) => teamIds.has(t.id) && t.members.includes(p.id)),
      )
      .map((p) => p.id),
  )
  const engineers =
    scope.kind === 'org' ? org.people.filter((p) => p.team !== undefined).length : members.size
  const wipLimits = org.teams.filter((t) => teamIds.has(t.id)).map((t) => t.wipLimit)
  const wipLimit =
    wipLimits.length > 0 && wipLimits.every((l) => l !== undefined)
      ? wipLimits.reduce((a, b) => a! + b!, 0)!
      : null
  const sloIds = new Set(org.slos.filter((s) => inServices(s.service)).map((s) => s.id))
  const deployments = data.deployments.filter((d) => inServices(d.service) && isProduction(d.environment))
  const firsts = new Map<string, { firstCommit: number | null; firstDeploy: number | null }>()
  for (const service of services) {
    const commitTimes = serviceRepositories(service)
      .map((r) => data.firstCommitByRepo.get(r.name))
      .filter((t): t is number => t !== undefined)
    const deployTimes = deployments
      .filter((d) => d.service === service.id && d.result === 'success')
      .map((d) => d.finishedAt)
    firsts.set(service.id, {
      firstCommit: commitTimes.length ? Math.min(...commitTimes) : null,
      firstDeploy: deployTimes.length ? Math.min(...deployTimes) : null,
    })
  }
  const docChanges = new Map<string, number>()
  for (const doc of data.docChanges)
    if (repos.has(doc.repo)) docChanges.set(`${doc.repo}:${doc.path}`, doc.changedAt)
  return {
    period,
    dora,
    workItems: data.workItems.filter((i) => inTeams(i.team)),
    sprints: data.sprints.filter((s) => inTeams(s.team)),
    pullRequests:
      scope.kind === 'org' ? data.pullRequests : data.pullRequests.filter((pr) => repos.has(pr.repo)),
    deployments,
    incidents: data.incidents.filter((i) => i.services.some(inServices)),
    flags: data.flags.filter((f) => inServices(f.service)),
    slos: org.slos
      .filter((s) => sloIds.has(s.id))
      .map((s) => ({
        id: s.id,
        service: s.service,
        objective: s.objective,
        window: s.window as SloWindow,
        samples: data.sli.filter((x) => x.slo === s.id),
      })),
    personEvents:
      scope.kind === 'org'
        ? data.personEvents
        : data.personEvents.filter((e) => inTeams(e.team) || members.has(e.person)),
    survey: data.survey.filter((r) => inTeams(r.team)),
    requisitions: data.requisitions.filter((r) => inTeams(r.team)),
    // Org-wide lines (tooling, business figures) belong to the organization only.
    costs: data.costs.filter((c) => (scope.kind === 'org' ? true : inTeams(c.team))),
    business: scope.kind === 'org' ? data.business : [],
    runs: data.runs.filter((r) => scope.kind === 'org' || repos.has(r.repo)),
    vulnerabilities: data.vulnerabilities.filter((v) => inServices(v.service)),
    measurements: data.measurements.filter(
      (m) => scope.kind === 'org' || inTeams(m.team) || (m.service !== undefined && inServices(m.service)),
    ),
    docChanges,
    services: services.map((s) => ({ id: s.id, lifecycle: s.lifecycle, pavedRoad: s.pavedRoad })),
    serviceFirsts: firsts,
    engineers,
    teams: teamIds.size,
    wipLimit,
    dependencies: org.dependencies
      .filter((d) => scope.kind === 'org' || teamIds.has(d.consumer))
      .map((d) => ({ status: d.status, opened: toDay(d.opened) })),
    allocationPlan: org.org.capacityAllocation,
    loadedCostPerEngineer: org.org.loadedCostPerEngineer ?? null,
    sameAuthor: identities.same,
    firstMergeOf: (person, after) => {
      const merges = data.mergesByPerson.get(identities.key(person)) ?? []
      return merges.find((at) => at >= after) ?? null
    },
    dayOfWeek: (at) => new Date(`${dayKey(at, zone)}T00:00:00Z`).getUTCDay(),
    endOfDay: (at) => {
      const w = wallClock(at, zone)
      return localMidnight(w.year, w.month, w.day + 1, zone)
    },
    monthStart: (at) => {
      const w = wallClock(at, zone)
      return localMidnight(w.year, w.month, 1, zone)
    },
  }
}
