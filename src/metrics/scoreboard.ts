/**
 * The whole scoreboard of one scope (org, team or service) for one period: every metric family
 * computed from the rows the engine loaded for that scope. Pure: the engine does the loading and
 * the scoping, this module only calls the families.
 */
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
import type { Deployment, Incident, PullRequest } from '../model/types.js'
import {
  ageInDays,
  type CalendarPeriod,
  inPeriod,
  type OrgCalendar,
  type Period,
  weeksOf,
} from './calendar.js'
import { type CostSummary, computeCost } from './cost.js'
import { computeDelivery, computeRoadmap, type DeliverySummary, type RoadmapSummary } from './delivery.js'
import type { DoraSummary } from './dora.js'
import { computeDx, type DxSummary } from './dx.js'
import { computeFlow, type FlowSummary } from './flow.js'
import { computeHiring, type HiringSummary } from './hiring.js'
import {
  type AllocationSummary,
  computeAllocation,
  computePlatform,
  computeSecurity,
  type Investment,
  type PlatformSummary,
  type SecuritySummary,
} from './platform.js'
import { computeQuality, type QualitySummary } from './quality.js'
import { computeRelease, type ReleaseSummary } from './release.js'
import { computeReliability, type ReliabilitySummary } from './reliability.js'
import { computeReviews, type ReviewSummary } from './reviews.js'
import { evaluateSlo, type SliKind, type SloStatus, type SloWindow } from './slo.js'
import { median, ratio } from './stats.js'
import { computeTeamHealth, headcountOver, type TeamHealthSummary, tenures } from './team-health.js'

export interface ScoreboardInput {
  period: Period
  dora: DoraSummary
  workItems: readonly WorkItemEvent[]
  sprints: readonly SprintEvent[]
  /** Pull requests of the scope; those the period's review metrics read suffice. */
  pullRequests: readonly PullRequest[]
  /**
   * Whether the scope has rows of these sources from before the period's end; by default, whether
   * the rows passed hold one (a caller that passes only the period's rows knows better).
   */
  history?: { pullRequests: boolean; deployments: boolean; regressions: boolean }
  /**
   * Production deployments of the scope (all results): at least those finishing in the period and
   * each service's next successful one after it (whether a release was rolled back).
   */
  deployments: readonly Deployment[]
  incidents: readonly Incident[]
  flags: readonly FeatureFlagEvent[]
  slos: readonly {
    id: string
    service: string
    objective: number
    window: SloWindow
    sli: SliKind
    timesliceTarget?: number | undefined
    samples: readonly SliEvent[]
  }[]
  personEvents: readonly PersonChangeEvent[]
  survey: readonly SurveyResponseEvent[]
  requisitions: readonly RequisitionEvent[]
  costs: readonly CostEvent[]
  business: readonly BusinessEvent[]
  runs: readonly PipelineRunEvent[]
  vulnerabilities: readonly VulnerabilityEvent[]
  measurements: readonly MeasurementEvent[]
  /** Docs paths of the scope's repositories and every time each changed. */
  docChanges: ReadonlyMap<string, readonly number[]>
  services: readonly { id: string; lifecycle: string; pavedRoad?: boolean | undefined }[]
  serviceFirsts: ReadonlyMap<string, { firstCommit: number | null; firstDeploy: number | null }>
  /**
   * The scope's people with the dates they joined and left (org file), completed by person events:
   * headcount is their time-weighted average over the period, never today's roster.
   */
  people: readonly { id: string; start: number | null; end: number | null }[]
  /**
   * On-call: the people on the rotas of the scope's services (`onCallPeople`; null when no service
   * in scope names its rota) and the teams owning the scope's services (the teams that get paged).
   */
  onCall: { people: number | null; teams: number }
  /** Every team of the organization (those that could ask the scope for support). */
  orgTeams: readonly string[]
  /** The WIP limit (summed for the org). */
  wipLimit: number | null
  dependencies: readonly { status: string; opened: number | null }[]
  allocationPlan: Partial<Record<Investment, number>>
  loadedCostPerEngineer: number | null
  sameAuthor: (a: string, b: string) => boolean
  firstMergeOf: (person: string, after: number) => number | null
  /** The org's time zone and fiscal year: every day, week, month and quarter is taken in it. */
  calendar: OrgCalendar
}

export interface SloBoardEntry {
  id: string
  service: string
  status: SloStatus
}

export interface Scoreboard {
  period: CalendarPeriod
  dora: DoraSummary
  flow: FlowSummary
  reviews: ReviewSummary
  delivery: DeliverySummary
  roadmap: RoadmapSummary
  quality: QualitySummary
  reliability: ReliabilitySummary
  release: ReleaseSummary
  slos: {
    entries: SloBoardEntry[]
    met: number
    judged: number
    attainment: number | null
    worstBurn: number | null
    ratio: number | null
  }
  teamHealth: TeamHealthSummary
  hiring: HiringSummary
  cost: CostSummary
  dx: DxSummary
  platform: PlatformSummary
  security: SecuritySummary
  allocation: AllocationSummary
  productivity: { engineers: number; mergedPullRequests: number; perEngineerPerWeek: number | null }
  dependencies: { open: number; medianAgeDays: number | null }
  /** Latest value in the period of each measured KPI (fed as `measurement` events). */
  measurements: Map<string, { value: number; n: number }>
  /**
   * Whether each source covers the period: the scope has rows of it from before the period's end.
   * A count of zero means "none happened" only for a covered source; otherwise it is "no data".
   */
  sources: Record<SourceKey, boolean>
}

export function computeScoreboard(input: ScoreboardInput): Scoreboard {
  const { calendar } = input
  const period = calendar.span(input.period)
  const activeUsers = latestBusiness(input.business, period, calendar)?.activeUsers ?? null
  const months = calendar.monthsIn(period)
  const successful = input.deployments.filter(
    (d) => d.result === 'success' && inPeriod(d.finishedAt, period),
  ).length
  const slos = input.slos.map((slo) => ({
    id: slo.id,
    service: slo.service,
    status: evaluateSlo({
      objective: slo.objective,
      window: slo.window,
      samples: slo.samples,
      sli: slo.sli,
      ...(slo.timesliceTarget !== undefined ? { timesliceTarget: slo.timesliceTarget } : {}),
      at: period.to,
      calendar,
    }),
  }))
  const judged = slos.filter((s) => s.status.met !== null)
  const met = judged.filter((s) => s.status.met).length
  const good = judged.reduce((n, s) => n + s.status.good, 0)
  const total = judged.reduce((n, s) => n + s.status.total, 0)
  const burns = judged.map((s) => s.status.burnRate).filter((b): b is number => b !== null)
  const weeks = weeksOf(period)
  const headcount = headcountOver(tenures(input.people, input.personEvents), period)
  const engineers = headcount.average
  const reviews = computeReviews(input.pullRequests, period, input.sameAuthor)
  // One rule with the review metrics: a pull request still marked draft is not counted.
  const merged = reviews.mergedWithoutReview.merged
  const openDeps = input.dependencies.filter((d) => d.status !== 'done')
  const ages = openDeps
    .filter((d) => d.opened !== null && d.opened < period.to)
    .map((d) => ageInDays(d.opened as number, period.to, calendar.timeZone))
  const measurements = new Map<string, { value: number; n: number }>()
  for (const m of [...input.measurements].sort((a, b) => a.at - b.at)) {
    if (!inPeriod(m.at, period)) continue
    const previous = measurements.get(m.kpi)
    measurements.set(m.kpi, { value: m.value, n: (previous?.n ?? 0) + 1 })
  }
  return {
    period,
    dora: input.dora,
    flow: computeFlow(input.workItems, period, input.wipLimit),
    reviews,
    delivery: computeDelivery(input.sprints, period),
    roadmap: computeRoadmap(input.workItems, period, calendar),
    quality: computeQuality(input.workItems, period, activeUsers),
    reliability: computeReliability({
      incidents: input.incidents,
      period,
      calendar,
      onCallTeams: input.onCall.teams,
      onCallPeople: input.onCall.people ?? engineers,
      fromRota: input.onCall.people !== null,
    }),
    release: computeRelease(input.deployments, input.flags, period, calendar),
    slos: {
      entries: slos,
      met,
      judged: judged.length,
      attainment: ratio(met, judged.length),
      worstBurn: burns.length > 0 ? Math.max(...burns) : null,
      ratio: ratio(good, total),
    },
    teamHealth: computeTeamHealth(input.personEvents, input.survey, period, headcount),
    hiring: computeHiring(input.requisitions, input.personEvents, period, input.firstMergeOf),
    cost: computeCost(
      input.costs,
      input.business,
      months,
      engineers,
      successful,
      input.loadedCostPerEngineer,
    ),
    dx: computeDx(input.runs, input.docChanges, input.survey, period),
    platform: computePlatform(input.services, input.serviceFirsts, input.workItems, period, input.orgTeams),
    security: computeSecurity(input.vulnerabilities, period),
    allocation: computeAllocation(input.workItems, period, input.allocationPlan),
    productivity: {
      engineers,
      mergedPullRequests: merged,
      perEngineerPerWeek: engineers > 0 && weeks > 0 ? merged / engineers / weeks : null,
    },
    dependencies: { open: openDeps.length, medianAgeDays: median(ages) },
    measurements,
    sources: coverage(input, period),
  }
}

/**
 * The sources a KPI can depend on, and what "no data" says when one does not cover the period
 * (shown as the KPI's note).
 */
export const SOURCES = {
  deployments: 'no production deployments ingested for this scope up to the period’s end',
  incidents: 'no incidents ingested for this scope up to the period’s end',
  workItems: 'no work items ingested for this scope up to the period’s end',
  pullRequests: 'no pull requests ingested for this scope up to the period’s end',
  flags: 'no feature flags ingested for this scope up to the period’s end',
  costs: 'no cost records up to the period’s last month',
  business: 'no business figures (revenue, active users) up to the period’s last month',
  people: 'no start/end dates in people and no person events up to the period’s end',
  statusUpdates: 'the incidents carry no statusUpdates',
  postmortems: 'the incidents carry no postmortem',
  regressions: 'no deployment reports a regression flag (true or false)',
  pavedRoad: 'no production service declares pavedRoad (true or false)',
} as const

export type SourceKey = keyof typeof SOURCES

function coverage(input: ScoreboardInput, period: Period): Record<SourceKey, boolean> {
  const before = (at: number) => at < period.to
  const lastMonth = input.calendar.month(period.to - 1)
  const incidents = input.incidents.filter((i) => before(i.detectedAt))
  return {
    deployments: input.history?.deployments ?? input.deployments.some((d) => before(d.finishedAt)),
    incidents: incidents.length > 0,
    workItems: input.workItems.some((w) => before(w.createdAt)),
    pullRequests: input.history?.pullRequests ?? input.pullRequests.some((pr) => before(pr.createdAt)),
    flags: input.flags.some((f) => before(f.createdAt)),
    costs: input.costs.some((c) => c.month <= lastMonth),
    business: input.business.some((b) => b.month <= lastMonth),
    people:
      input.personEvents.some((e) => before(e.at)) ||
      input.people.some((p) => (p.start !== null && before(p.start)) || (p.end !== null && before(p.end))),
    statusUpdates: incidents.some((i) => i.statusUpdates.length > 0),
    postmortems: incidents.some((i) => i.postmortem !== null && i.postmortem !== undefined),
    regressions:
      input.history?.regressions ??
      input.deployments.some((d) => d.regression !== null && before(d.finishedAt)),
    pavedRoad: input.services.some((s) => s.lifecycle === 'production' && s.pavedRoad !== undefined),
  }
}

/** The business figures of the latest month that overlaps the period (or the latest before it). */
function latestBusiness(
  business: readonly BusinessEvent[],
  period: Period,
  calendar: OrgCalendar,
): BusinessEvent | undefined {
  const first = calendar.month(period.from)
  const last = calendar.month(period.to - 1)
  const sorted = [...business].sort((a, b) => (a.month < b.month ? -1 : 1))
  return (
    sorted.filter((b) => b.month >= first && b.month <= last).at(-1) ??
    sorted.filter((b) => b.month < first).at(-1)
  )
}
