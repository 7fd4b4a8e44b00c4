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
import { inPeriod, type Period } from './calendar.js'
import { type CostSummary, computeCost, monthsBetween } from './cost.js'
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
import { evaluateSlo, type SloStatus, type SloWindow } from './slo.js'
import { median, ratio } from './stats.js'
import { computeTeamHealth, type TeamHealthSummary } from './team-health.js'

export interface ScoreboardInput {
  period: Period
  dora: DoraSummary
  workItems: readonly WorkItemEvent[]
  sprints: readonly SprintEvent[]
  pullRequests: readonly PullRequest[]
  /** Production deployments of the scope (all results). */
  deployments: readonly Deployment[]
  incidents: readonly Incident[]
  flags: readonly FeatureFlagEvent[]
  slos: readonly {
    id: string
    service: string
    objective: number
    window: SloWindow
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
  /** Docs paths of the scope's repositories and when each last changed. */
  docChanges: ReadonlyMap<string, number>
  services: readonly { id: string; lifecycle: string; pavedRoad?: boolean | undefined }[]
  serviceFirsts: ReadonlyMap<string, { firstCommit: number | null; firstDeploy: number | null }>
  /** People in the scope now (engineers), teams sharing on-call, and the WIP limit (summed for the org). */
  engineers: number
  teams: number
  wipLimit: number | null
  dependencies: readonly { status: string; opened: number | null }[]
  allocationPlan: Partial<Record<Investment, number>>
  loadedCostPerEngineer: number | null
  sameAuthor: (a: string, b: string) => boolean
  firstMergeOf: (person: string, after: number) => number | null
  dayOfWeek: (at: number) => number
  endOfDay: (at: number) => number
  monthStart: (at: number) => number
}

export interface SloBoardEntry {
  id: string
  service: string
  status: SloStatus
}

export interface Scoreboard {
  period: Period
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
   * Whether the scope has any rows of a kind at all (in any period). A count of zero means
   * "none happened" only when the source is connected; otherwise it is "no data".
   */
  sources: Record<
    'deployments' | 'incidents' | 'workItems' | 'pullRequests' | 'flags' | 'costs' | 'people',
    boolean
  >
}

export function computeScoreboard(input: ScoreboardInput): Scoreboard {
  const { period } = input
  const activeUsers = latestBusiness(input.business, period)?.activeUsers ?? null
  const months = monthsBetween(period.from, period.to)
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
      at: period.to,
      monthStart: input.monthStart,
    }),
  }))
  const judged = slos.filter((s) => s.status.met !== null)
  const met = judged.filter((s) => s.status.met).length
  const good = judged.reduce((n, s) => n + s.status.good, 0)
  const total = judged.reduce((n, s) => n + s.status.total, 0)
  const burns = judged.map((s) => s.status.burnRate).filter((b): b is number => b !== null)
  const weeks = (period.to - period.from) / (7 * 86_400_000)
  const merged = input.pullRequests.filter(
    (pr) => pr.mergedAt !== null && inPeriod(pr.mergedAt, period),
  ).length
  const openDeps = input.dependencies.filter((d) => d.status !== 'done')
  const ages = openDeps
    .filter((d) => d.opened !== null && d.opened < period.to)
    .map((d) => (period.to - d.opened!) / 86_400_000)
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
    reviews: computeReviews(input.pullRequests, period, input.sameAuthor),
    delivery: computeDelivery(input.sprints, period),
    roadmap: computeRoadmap(input.workItems, period),
    quality: computeQuality(input.workItems, period, activeUsers),
    reliability: computeReliability({
      incidents: input.incidents,
      period,
      dayOfWeek: input.dayOfWeek,
      endOfDay: input.endOfDay,
      onCallTeams: input.teams,
      onCallPeople: input.engineers,
    }),
    release: computeRelease(input.deployments, input.flags, period, input.dayOfWeek),
    slos: {
      entries: slos,
      met,
      judged: judged.length,
      attainment: ratio(met, judged.length),
      worstBurn: burns.length > 0 ? Math.max(...burns) : null,
      ratio: ratio(good, total),
    },
    teamHealth: computeTeamHealth(input.personEvents, input.survey, period, input.engineers),
    hiring: computeHiring(input.requisitions, input.personEvents, period, input.firstMergeOf),
    cost: computeCost(
      input.costs,
      input.business,
      months,
      input.engineers,
      successful,
      input.loadedCostPerEngineer,
    ),
    dx: computeDx(input.runs, input.docChanges, input.survey, period),
    platform: computePlatform(input.services, input.serviceFirsts, input.workItems, period),
    security: computeSecurity(input.vulnerabilities, period),
    allocation: computeAllocation(input.workItems, period, input.allocationPlan),
    productivity: {
      engineers: input.engineers,
      mergedPullRequests: merged,
      perEngineerPerWeek: input.engineers > 0 && weeks > 0 ? merged / input.engineers / weeks : null,
    },
    dependencies: { open: openDeps.length, medianAgeDays: median(ages) },
    measurements,
    sources: {
      deployments: input.deployments.length > 0,
      incidents: input.incidents.length > 0,
      workItems: input.workItems.length > 0,
      pullRequests: input.pullRequests.length > 0,
      flags: input.flags.length > 0,
      costs: input.costs.length > 0,
      people: input.personEvents.length > 0,
    },
  }
}

/** The business figures of the latest month that overlaps the period (or the latest before it). */
function latestBusiness(business: readonly BusinessEvent[], period: Period): BusinessEvent | undefined {
  const first = new Date(period.from).toISOString().slice(0, 7)
  const last = new Date(period.to - 1).toISOString().slice(0, 7)
  const sorted = [...business].sort((a, b) => (a.month < b.month ? -1 : 1))
  return (
    sorted.filter((b) => b.month >= first && b.month <= last).at(-1) ??
    sorted.filter((b) => b.month < first).at(-1)
  )
}
