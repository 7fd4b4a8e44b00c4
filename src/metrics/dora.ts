/**
 * The DORA metrics, exactly as DESIGN.md defines them, over the change attribution of
 * `change-attribution.ts`. Pure: rows in, numbers out, with the rows behind every number.
 */

import { toIso } from '../model/time.js'
import { type Incident, SEVERITIES, type Severity } from '../model/types.js'
import { type BenchmarkProfile, type Tier, tierOf } from './benchmarks.js'
import { dayKey, inPeriod, type Period, periodDays } from './calendar.js'
import {
  type Attribution,
  type DeploymentAttribution,
  deploymentKey,
  firstDeploymentContaining,
  type ServiceScope,
  type ShippedDeployment,
} from './change-attribution.js'
import { median, quantile, ratio } from './stats.js'

export type FailureReason = 'incident-cause' | 'incident-sha' | 'incident-window' | 'rollback' | 'hotfix'

export interface DeploymentFailure {
  reason: FailureReason
  /** The incident or the follow-up deployment that shows the failure. */
  ref: string
}

export interface IncidentCause {
  deployment: ShippedDeployment
  reason: 'incident-cause' | 'incident-sha' | 'incident-window'
}

export interface FailureLinks {
  failures: Map<string, DeploymentFailure[]>
  causes: Map<string, IncidentCause[]>
  /** Incidents naming a cause (deployment or sha) that no ingested deployment matches. */
  unmatchedCauses: number
}

export const incidentKey = (incident: Pick<Incident, 'source' | 'id'>) => `${incident.source}\0${incident.id}`

/** Unplanned fix deployments: the hotfix and rollback kinds, or a label that says so. */
export function reworkKind(deployment: ShippedDeployment['deployment']): 'hotfix' | 'rollback' | null {
  if (deployment.kind !== 'regular') return deployment.kind
  const labels = deployment.labels.map((label) => label.toLowerCase())
  if (labels.includes('rollback') || labels.includes('revert')) return 'rollback'
  if (labels.includes('hotfix')) return 'hotfix'
  return null
}

/**
 * Which deployments failed and why, and which deployments each incident is blamed on:
 * an incident naming the deployment or a sha it shipped; the next deployment of the service
 * being a rollback or hotfix; or, when the incident names no cause, the service's latest
 * deployment finished at most `windowMs` before the incident was detected (inclusive; being the latest,
 * the incident also came before the next deployment).
 */
export function linkFailures(
  attribution: Attribution,
  incidents: readonly Incident[],
  services: readonly ServiceScope[],
  windowMs: number,
): FailureLinks {
  const links: FailureLinks = { failures: new Map(), causes: new Map(), unmatchedCauses: 0 }
  const fail = (entry: ShippedDeployment, failure: DeploymentFailure) => {
    const key = deploymentKey(entry.deployment)
    const list = links.failures.get(key) ?? []
    list.push(failure)
    links.failures.set(key, list)
  }
  for (const groups of attribution.groups.values()) {
    for (const group of groups) {
      for (const entry of group) {
        const fix = entry.next ? reworkKind(entry.next.deployment) : null
        if (entry.next && fix) fail(entry, { reason: fix, ref: entry.next.deployment.id })
      }
    }
  }
  const byId = new Map<string, ShippedDeployment>()
  for (const entry of attribution.deployments.values()) {
    if (!byId.has(entry.deployment.id)) byId.set(entry.deployment.id, entry)
  }
  const serviceById = new Map(services.map((service) => [service.id, service]))

  for (const incident of incidents) {
    const causes: IncidentCause[] = []
    if (incident.causeDeployment !== null) {
      const entry = byId.get(incident.causeDeployment)
      if (entry) causes.push({ deployment: entry, reason: 'incident-cause' })
    } else if (incident.causeSha !== null) {
      for (const service of incident.services) {
        const repos = serviceById.get(service)?.repositories ?? []
        const entry = firstDeploymentContaining(attribution, service, repos, incident.causeSha)
        if (entry) causes.push({ deployment: entry, reason: 'incident-sha' })
      }
    } else {
      for (const service of incident.services) {
        for (const group of attribution.groups.get(service) ?? []) {
          const latest = latestFinishedBy(group, incident.detectedAt)
          // Inclusive: an incident exactly `windowMs` after the deployment is still blamed on it.
          if (latest && incident.detectedAt - latest.deployment.finishedAt <= windowMs) {
            causes.push({ deployment: latest, reason: 'incident-window' })
          }
        }
      }
    }
    if (causes.length === 0 && (incident.causeDeployment !== null || incident.causeSha !== null)) {
      links.unmatchedCauses++
    }
    if (causes.length > 0) links.causes.set(incidentKey(incident), causes)
    for (const cause of causes) fail(cause.deployment, { reason: cause.reason, ref: incident.id })
  }
  return links
}

/** The last deployment of a finish-ordered group that finished at or before `at`. */
function latestFinishedBy(group: readonly ShippedDeployment[], at: number): ShippedDeployment | undefined {
  let low = 0
  let high = group.length - 1
  let found: ShippedDeployment | undefined
  while (low <= high) {
    const mid = (low + high) >> 1
    const entry = group[mid]!
    if (entry.deployment.finishedAt <= at) {
      found = entry
      low = mid + 1
    } else high = mid - 1
  }
  return found
}

export interface StageSummary {
  n: number
  medianSeconds: number | null
}

export interface DoraSummary {
  period: { from: string; to: string; days: number }
  profile: string
  deploymentFrequency: {
    deployments: number
    perDay: number
    perWeek: number
    perMonth: number
    deployDays: number
    tier: Tier | null
    /** Whether the scope has production deployments up to the period's end (else no data). */
    covered: boolean
  }
  leadTime: {
    n: number
    medianSeconds: number | null
    p90Seconds: number | null
    tier: Tier | null
    stages: { coding: StageSummary; pickup: StageSummary; review: StageSummary; deploy: StageSummary }
  }
  changeFailureRate: { deployments: number; failed: number; rate: number | null; tier: Tier | null }
  timeToRestore: {
    n: number
    medianSeconds: number | null
    tier: Tier | null
    bySeverity: Record<Severity, StageSummary>
  }
  failedDeploymentRecoveryTime: { n: number; medianSeconds: number | null; tier: Tier | null }
  reworkRate: { deployments: number; rework: number; rate: number | null }
  dataQuality: {
    negativeLeadTimes: number
    negativeStageSpans: number
    negativeRestoreTimes: number
    deploymentsWithUnknownSha: number
    incidentsWithUnmatchedCause: number
    unresolvedIncidents: number
  }
}

export interface DoraDetails {
  deployments: {
    source: string
    id: string
    service: string
    environment: string
    finishedAt: string
    sha: string
    kind: string
    rework: boolean
    changes: number
    pullRequests: number
    failures: DeploymentFailure[]
  }[]
  changes: {
    repo: string
    sha: string
    deployment: string
    authoredAt: string
    leadTimeSeconds: number
    pullRequest: string | null
  }[]
  pullRequests: {
    id: string
    deployment: string
    codingSeconds: number | null
    pickupSeconds: number | null
    reviewSeconds: number | null
    deploySeconds: number | null
  }[]
  incidents: {
    source: string
    id: string
    severity: Severity
    services: string[]
    detectedAt: string
    resolvedAt: string | null
    restoreSeconds: number | null
    causedBy: { deployment: string; reason: string; recoverySeconds: number | null }[]
  }[]
}

export interface DoraInput {
  period: Period
  timeZone: string
  profile: BenchmarkProfile
  /** Service ids in scope; null for the whole organization. */
  scope: ReadonlySet<string> | null
  attribution: DeploymentAttribution
  links: FailureLinks
  incidents: readonly Incident[]
  /**
   * Whether the scope deployed to production by the period's end; default: whether `attribution`
   * holds such a deployment (when it holds only the period's, the caller knows better).
   */
  covered?: boolean
  /** Whether two identities (PR author, reviewer) are the same person. */
  sameAuthor: (a: string, b: string) => boolean
  /** List the rows behind the numbers (`--explain`); off, nothing but the summary is built. */
  explain?: boolean
}

const seconds = (ms: number) => ms / 1000
const medianSeconds = (values: number[]) => {
  const m = median(values)
  return m === null ? null : seconds(m)
}

export function computeDora(input: DoraInput): { summary: DoraSummary; details: DoraDetails } {
  const { period, timeZone, profile, scope, attribution, links } = input
  const explain = input.explain ?? true
  const inScope = (service: string) => scope === null || scope.has(service)

  // A team or service reads only its own deployment groups, not the whole organization's.
  const candidates =
    scope === null
      ? [...attribution.deployments.values()]
      : [...scope].flatMap((service) => (attribution.groups.get(service) ?? []).flat())
  // Zero deployments is a rate (Low) only when deployments are recorded for the scope by the
  // period's end; before any, it is no data.
  const covered = input.covered ?? candidates.some((entry) => entry.deployment.finishedAt < period.to)
  const shipped = candidates
    .filter((entry) => inPeriod(entry.deployment.finishedAt, period))
    .sort((a, b) => a.deployment.finishedAt - b.deployment.finishedAt)

  const details: DoraDetails = { deployments: [], changes: [], pullRequests: [], incidents: [] }
  const leadTimes: number[] = []
  const stages = {
    coding: [] as number[],
    pickup: [] as number[],
    review: [] as number[],
    deploy: [] as number[],
  }
  let negativeLeadTimes = 0
  let negativeStageSpans = 0
  let failed = 0
  let rework = 0
  let unknownSha = 0
  const days = new Set<string>()

  for (const entry of shipped) {
    const { deployment } = entry
    const finished = deployment.finishedAt
    days.add(dayKey(finished, timeZone))
    const failures = links.failures.get(deploymentKey(deployment)) ?? []
    if (failures.length > 0) failed++
    const fix = reworkKind(deployment)
    if (fix) rework++
    if (entry.repo === null) unknownSha++
    if (explain)
      details.deployments.push({
        source: deployment.source,
        id: deployment.id,
        service: deployment.service,
        environment: deployment.environment,
        finishedAt: toIso(finished),
        sha: deployment.sha,
        kind: deployment.kind,
        rework: fix !== null,
        changes: entry.changes.length,
        pullRequests: entry.pullRequests.length,
        failures,
      })
    for (const change of entry.changes) {
      const span = finished - change.authoredAt
      if (span < 0) {
        negativeLeadTimes++
        continue
      }
      leadTimes.push(span)
      if (explain)
        details.changes.push({
          repo: change.repo,
          sha: change.sha,
          deployment: deployment.id,
          authoredAt: toIso(change.authoredAt),
          leadTimeSeconds: seconds(span),
          pullRequest: change.pullRequestId,
        })
    }
    for (const pr of entry.pullRequests) {
      const spans = pullRequestStages(
        pr,
        finished,
        attribution.firstCommitAt.get(pr.id) ?? null,
        input.sameAuthor,
      )
      const row = {
        id: pr.id,
        deployment: deployment.id,
        codingSeconds: null,
        pickupSeconds: null,
        reviewSeconds: null,
        deploySeconds: null,
      } as DoraDetails['pullRequests'][number]
      for (const stage of ['coding', 'pickup', 'review', 'deploy'] as const) {
        const span = spans[stage]
        if (span === null) continue
        if (span < 0) {
          negativeStageSpans++
          continue
        }
        stages[stage].push(span)
        row[`${stage}Seconds`] = seconds(span)
      }
      if (explain) details.pullRequests.push(row)
    }
  }

  // Time to restore: incidents in scope resolved in the period.
  const restore: number[] = []
  const restoreBySeverity = new Map<Severity, number[]>(SEVERITIES.map((s) => [s, []]))
  const recovery: number[] = []
  let negativeRestoreTimes = 0
  let unresolved = 0
  for (const incident of input.incidents) {
    if (!incident.services.some(inScope)) continue
    if (incident.resolvedAt === null) {
      if (incident.detectedAt < period.to) unresolved++
      continue
    }
    if (!inPeriod(incident.resolvedAt, period)) continue
    const span = incident.resolvedAt - incident.detectedAt
    const causes = (links.causes.get(`${incident.source}\0${incident.id}`) ?? []).filter((cause) =>
      inScope(cause.deployment.deployment.service),
    )
    const causedBy = causes.map((cause) => {
      const recoverySpan = incident.resolvedAt! - cause.deployment.deployment.finishedAt
      return {
        deployment: cause.deployment.deployment.id,
        reason: cause.reason,
        recoverySeconds: recoverySpan >= 0 ? seconds(recoverySpan) : null,
      }
    })
    if (span < 0) negativeRestoreTimes++
    else {
      restore.push(span)
      restoreBySeverity.get(incident.severity)!.push(span)
    }
    // Recovery from the earliest deployment blamed (the longest the failure was live).
    const earliest = Math.min(...causes.map((cause) => cause.deployment.deployment.finishedAt))
    if (causes.length > 0 && incident.resolvedAt >= earliest) recovery.push(incident.resolvedAt - earliest)
    if (explain)
      details.incidents.push({
        source: incident.source,
        id: incident.id,
        severity: incident.severity,
        services: incident.services,
        detectedAt: toIso(incident.detectedAt),
        resolvedAt: toIso(incident.resolvedAt),
        restoreSeconds: span >= 0 ? seconds(span) : null,
        causedBy,
      })
  }

  const deployments = shipped.length
  const dayCount = periodDays(period, timeZone)
  const perDay = dayCount > 0 ? deployments / dayCount : 0
  const leadMedian = medianSeconds(leadTimes)
  const restoreMedian = medianSeconds(restore)
  const recoveryMedian = medianSeconds(recovery)
  const cfr = ratio(failed, deployments)
  const stage = (values: number[]): StageSummary => ({
    n: values.length,
    medianSeconds: medianSeconds(values),
  })
  const p90 = quantile(leadTimes, 0.9)

  const summary: DoraSummary = {
    period: { from: toIso(period.from), to: toIso(period.to), days: dayCount },
    profile: profile.name,
    deploymentFrequency: {
      deployments,
      perDay,
      perWeek: perDay * 7,
      perMonth: perDay * (365.25 / 12),
      deployDays: days.size,
      tier: covered ? tierOf(profile, 'deploymentFrequency', perDay) : null,
      covered,
    },
    leadTime: {
      n: leadTimes.length,
      medianSeconds: leadMedian,
      p90Seconds: p90 === null ? null : seconds(p90),
      tier: tierOf(profile, 'leadTime', leadMedian),
      stages: {
        coding: stage(stages.coding),
        pickup: stage(stages.pickup),
        review: stage(stages.review),
        deploy: stage(stages.deploy),
      },
    },
    changeFailureRate: { deployments, failed, rate: cfr, tier: tierOf(profile, 'changeFailureRate', cfr) },
    timeToRestore: {
      n: restore.length,
      medianSeconds: restoreMedian,
      tier: tierOf(profile, 'timeToRestore', restoreMedian),
      bySeverity: Object.fromEntries(
        SEVERITIES.map((severity) => [severity, stage(restoreBySeverity.get(severity)!)]),
      ) as Record<Severity, StageSummary>,
    },
    failedDeploymentRecoveryTime: {
      n: recovery.length,
      medianSeconds: recoveryMedian,
      tier: tierOf(profile, 'timeToRestore', recoveryMedian),
    },
    reworkRate: { deployments, rework, rate: ratio(rework, deployments) },
    dataQuality: {
      negativeLeadTimes,
      negativeStageSpans,
      negativeRestoreTimes,
      deploymentsWithUnknownSha: unknownSha,
      incidentsWithUnmatchedCause: links.unmatchedCauses,
      unresolvedIncidents: unresolved,
    },
  }
  return { summary, details }
}

export interface PullRequestStages {
  coding: number | null
  pickup: number | null
  review: number | null
  deploy: number | null
}

/**
 * The stage spans of one deployed pull request, in milliseconds (negative spans are returned
 * as they are, for the caller to exclude and count): coding = first commit authored → opened;
 * pickup = opened → first review by someone else; review = that review → merged;
 * deploy = merged → deployment finished.
 */
export function pullRequestStages(
  pr: ShippedDeployment['pullRequests'][number],
  deployedAt: number | null,
  firstCommit: number | null,
  sameAuthor: (a: string, b: string) => boolean,
): PullRequestStages {
  const reviews = pr.reviews
    .filter((review) => !sameAuthor(review.author, pr.author))
    .map((review) => review.at)
  const firstReview = reviews.length > 0 ? Math.min(...reviews) : null
  return {
    coding: firstCommit === null ? null : pr.createdAt - firstCommit,
    pickup: firstReview === null ? null : firstReview - pr.createdAt,
    review: firstReview === null || pr.mergedAt === null ? null : pr.mergedAt - firstReview,
    deploy: deployedAt === null || pr.mergedAt === null ? null : deployedAt - pr.mergedAt,
  }
}
