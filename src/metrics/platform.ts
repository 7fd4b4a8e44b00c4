/**
 * Platform, security and capacity allocation:
 * - paved-road adoption (share of production-lifecycle services on the golden path; experimental
 *   and deprecated services are not counted; target ≥ 80 %);
 * - time to onboard a new service (first commit in its repository → first production deploy);
 * - support requests per team per month: requests ÷ every team that could ask (the org's teams
 *   other than those answering) ÷ calendar months, so one team asking a lot is not the average;
 * - vulnerability remediation within SLA by severity (target 95 %);
 * - share of completed work by investment type against the planned allocation.
 */
import type { VulnerabilityEvent, WorkItemEvent } from '../model/events.js'
import { DAY } from '../model/time.js'
import { type CalendarPeriod, inPeriod, monthsOf, type Period } from './calendar.js'
import { doneAt } from './flow.js'
import { type Distribution, ratio, secondsDistribution } from './stats.js'

export interface PlatformSummary {
  pavedRoad: { services: number; onRoad: number; adoption: number | null }
  onboarding: Distribution
  supportRequests: { requests: number; teams: number; months: number; perTeamPerMonth: number | null }
}

export function computePlatform(
  services: readonly { id: string; lifecycle: string; pavedRoad?: boolean | undefined }[],
  /** Per service: its first commit and its first production deployment, when known. */
  firsts: ReadonlyMap<string, { firstCommit: number | null; firstDeploy: number | null }>,
  items: readonly WorkItemEvent[],
  period: CalendarPeriod,
  /** Every team of the organization. */
  orgTeams: readonly string[],
): PlatformSummary {
  const live = services.filter((s) => s.lifecycle === 'production')
  const onRoad = live.filter((s) => s.pavedRoad === true).length
  const onboarding: number[] = []
  for (const { firstCommit, firstDeploy } of firsts.values()) {
    if (firstCommit === null || firstDeploy === null || !inPeriod(firstDeploy, period)) continue
    if (firstDeploy >= firstCommit) onboarding.push(firstDeploy - firstCommit)
  }
  const requests = items.filter((i) => i.requestedBy !== undefined && inPeriod(i.createdAt, period))
  const answering = new Set(requests.map((i) => i.team))
  const teams = orgTeams.filter((t) => !answering.has(t)).length
  const months = monthsOf(period)
  return {
    pavedRoad: { services: live.length, onRoad, adoption: ratio(onRoad, live.length) },
    onboarding: secondsDistribution(onboarding),
    supportRequests: {
      requests: requests.length,
      teams,
      months,
      perTeamPerMonth: teams > 0 && months > 0 ? requests.length / teams / months : null,
    },
  }
}

/** Days to remediate, by severity (overridable in `targets`). */
export const VULNERABILITY_SLA_DAYS: Record<VulnerabilityEvent['severity'], number> = {
  critical: 7,
  high: 30,
  medium: 90,
  low: 180,
}

export interface SecuritySummary {
  bySeverity: Record<VulnerabilityEvent['severity'], { due: number; withinSla: number; rate: number | null }>
  due: number
  withinSla: number
  rate: number | null
  open: number
}

/**
 * A vulnerability is judged when it was fixed in the period, or when its SLA ran out in the period
 * while it was still open (a breach that must not wait for the fix to show).
 */
export function computeSecurity(
  vulnerabilities: readonly VulnerabilityEvent[],
  period: Period,
  slaDays: Record<VulnerabilityEvent['severity'], number> = VULNERABILITY_SLA_DAYS,
): SecuritySummary {
  const bySeverity = Object.fromEntries(
    Object.keys(slaDays).map((s) => [s, { due: 0, withinSla: 0, rate: null as number | null }]),
  ) as SecuritySummary['bySeverity']
  let open = 0
  for (const v of vulnerabilities) {
    const deadline = v.foundAt + slaDays[v.severity] * DAY
    if (v.foundAt < period.to && (v.fixedAt === undefined || v.fixedAt >= period.to)) open++
    const fixedInPeriod = v.fixedAt !== undefined && inPeriod(v.fixedAt, period)
    const breachedOpen = (v.fixedAt === undefined || v.fixedAt >= period.to) && inPeriod(deadline, period)
    if (!fixedInPeriod && !breachedOpen) continue
    bySeverity[v.severity].due++
    if (fixedInPeriod && v.fixedAt! <= deadline) bySeverity[v.severity].withinSla++
  }
  let due = 0
  let within = 0
  for (const entry of Object.values(bySeverity)) {
    entry.rate = ratio(entry.withinSla, entry.due)
    due += entry.due
    within += entry.withinSla
  }
  return { bySeverity, due, withinSla: within, rate: ratio(within, due), open }
}

export const INVESTMENTS = ['roadmap', 'tech-debt', 'reliability', 'security', 'support'] as const
export type Investment = (typeof INVESTMENTS)[number]

/** An item's investment: as recorded, else inferred from its type (bugs and incidents are reliability). */
export function investmentOf(item: WorkItemEvent): Investment {
  if (item.investment) return item.investment
  if (item.itemType === 'tech-debt') return 'tech-debt'
  if (item.itemType === 'bug' || item.itemType === 'incident') return 'reliability'
  return 'roadmap'
}

export interface AllocationSummary {
  points: number
  byInvestment: Record<
    Investment,
    { points: number; share: number | null; planned: number | null; gap: number | null }
  >
}

export function computeAllocation(
  items: readonly WorkItemEvent[],
  period: Period,
  planned: Partial<Record<Investment, number>>,
): AllocationSummary {
  const points = Object.fromEntries(INVESTMENTS.map((i) => [i, 0])) as Record<Investment, number>
  let total = 0
  for (const item of items) {
    const finished = doneAt(item)
    if (finished === null || !inPeriod(finished, period)) continue
    const weight = item.points ?? 1
    points[investmentOf(item)] += weight
    total += weight
  }
  const byInvestment = Object.fromEntries(
    INVESTMENTS.map((i) => {
      const share = ratio(points[i], total)
      const plan = planned[i] ?? null
      return [
        i,
        {
          points: points[i],
          share,
          planned: plan,
          gap: share === null || plan === null ? null : share - plan,
        },
      ]
    }),
  ) as AllocationSummary['byInvestment']
  return { points: total, byInvestment }
}
