/**
 * Quality metrics from work items: bug rate (bugs opened per 100 story points completed), escaped
 * defects (found in production or by customers), defect escape rate (escaped ÷ bugs whose origin is
 * known) and customer-reported bugs (per 1,000 active users when the business figures are known).
 */
import type { WorkItemEvent } from '../model/events.js'
import { inPeriod, type Period } from './calendar.js'
import { doneAt } from './flow.js'
import { ratio } from './stats.js'

export interface QualitySummary {
  bugs: number
  /** Bugs whose `foundIn` is recorded: the escape rate's denominator. */
  knownOrigin: number
  pointsCompleted: number
  bugRatePer100Points: number | null
  escapedDefects: number
  defectEscapeRate: number | null
  customerReported: number
  customerReportedPer1000Users: number | null
}

export function computeQuality(
  items: readonly WorkItemEvent[],
  period: Period,
  activeUsers: number | null,
): QualitySummary {
  let bugs = 0
  let points = 0
  let escaped = 0
  let known = 0
  let customer = 0
  for (const item of items) {
    const finished = doneAt(item)
    if (finished !== null && inPeriod(finished, period)) points += item.points ?? 0
    if (item.itemType !== 'bug' || !inPeriod(item.createdAt, period)) continue
    bugs++
    if (item.foundIn === undefined) continue
    known++
    if (item.foundIn !== 'pre-release') escaped++
    if (item.foundIn === 'customer') customer++
  }
  return {
    bugs,
    knownOrigin: known,
    pointsCompleted: points,
    bugRatePer100Points: points === 0 ? null : (bugs / points) * 100,
    escapedDefects: escaped,
    defectEscapeRate: ratio(escaped, known),
    customerReported: customer,
    customerReportedPer1000Users: activeUsers ? (customer / activeUsers) * 1000 : null,
  }
}
