/**
 * Hiring: time to fill (opened → filled), offer acceptance (accepted ÷ made), funnel conversion
 * between consecutive stages, interview-to-hire (hires ÷ candidates interviewed), and time to
 * productivity (hire → first merged pull request). A requisition's offer and funnel counts carry
 * no dates, so they count in the period its outcome happened: the one it was filled in.
 */
import type { PersonChangeEvent, RequisitionEvent } from '../model/events.js'
import { inPeriod, type Period } from './calendar.js'
import { type Distribution, ratio, secondsDistribution, sum } from './stats.js'

export const FUNNEL_STAGES = ['applied', 'screened', 'interviewed', 'offered'] as const

export interface HiringSummary {
  timeToFill: Distribution
  offers: { made: number; accepted: number; acceptance: number | null }
  funnel: { from: string; to: string; candidates: number; advanced: number; conversion: number | null }[]
  /** Accepted offers (hires) ÷ candidates interviewed, of the requisitions filled in the period. */
  interviewToHire: { interviewed: number; hired: number; rate: number | null }
  timeToProductivity: Distribution
}

/**
 * `firstMergeOf(person, after)` is the first merged pull request of a person after an instant
 * (from the store, identities resolved), or null.
 */
export function computeHiring(
  requisitions: readonly RequisitionEvent[],
  hires: readonly PersonChangeEvent[],
  period: Period,
  firstMergeOf: (person: string, after: number) => number | null,
): HiringSummary {
  const filled = requisitions.filter((r) => r.filled !== undefined && inPeriod(r.filled, period))
  const made = sum(filled.map((r) => r.offersMade))
  const accepted = sum(filled.map((r) => r.offersAccepted))
  const interviewed = sum(filled.map((r) => r.stages.interviewed ?? 0))
  const funnel = FUNNEL_STAGES.slice(1).map((stage, i) => {
    const previous = FUNNEL_STAGES[i]!
    const candidates = sum(filled.map((r) => r.stages[previous] ?? 0))
    const advanced = sum(filled.map((r) => r.stages[stage] ?? 0))
    return { from: previous, to: stage, candidates, advanced, conversion: ratio(advanced, candidates) }
  })
  const productivity: number[] = []
  for (const hire of hires) {
    if (hire.kind !== 'hire' || !inPeriod(hire.at, period)) continue
    const first = firstMergeOf(hire.person, hire.at)
    if (first !== null) productivity.push(first - hire.at)
  }
  return {
    timeToFill: secondsDistribution(filled.map((r) => r.filled! - r.opened)),
    offers: { made, accepted, acceptance: ratio(accepted, made) },
    funnel,
    interviewToHire: { interviewed, hired: accepted, rate: ratio(accepted, interviewed) },
    timeToProductivity: secondsDistribution(productivity),
  }
}
