/**
 * Delivery metrics: velocity (points completed per sprint) and its trend, sprint predictability
 * (completed ÷ committed at sprint start; scope added later is reported as scope change, never as
 * commitment), and roadmap predictability (points committed to a quarter that were done by its end).
 */
import type { SprintEvent, WorkItemEvent } from '../model/events.js'
import { inPeriod, type OrgCalendar, type Period } from './calendar.js'
import { doneAt } from './flow.js'
import { mean, ratio, sum } from './stats.js'

export interface DeliverySummary {
  sprints: number
  velocity: { mean: number | null; perSprint: { id: string; team: string; completed: number }[] }
  /**
   * Over the sprints that report how much of their commitment was completed (`completedCommitted`);
   * sprints that do not are counted in `unknown` and left out rather than guessed.
   */
  predictability: { committed: number; completedCommitted: number; rate: number | null; unknown: number }
  scopeChange: { added: number; rate: number | null }
}

export function computeDelivery(sprints: readonly SprintEvent[], period: Period): DeliverySummary {
  const ended = sprints.filter((sprint) => inPeriod(sprint.end - 1, period)).sort((a, b) => a.end - b.end)
  const known = ended.filter((s) => s.completedCommitted !== undefined)
  const committed = sum(known.map((s) => s.committed))
  const completedCommitted = sum(known.map((s) => s.completedCommitted ?? 0))
  const added = sum(ended.map((s) => s.added))
  const allCommitted = sum(ended.map((s) => s.committed))
  return {
    sprints: ended.length,
    velocity: {
      mean: mean(ended.map((s) => s.completed)),
      perSprint: ended.map((s) => ({ id: s.id, team: s.team, completed: s.completed })),
    },
    predictability: {
      committed,
      completedCommitted,
      rate: ratio(completedCommitted, committed),
      unknown: ended.length - known.length,
    },
    scopeChange: { added, rate: ratio(added, allCommitted) },
  }
}

export interface RoadmapSummary {
  quarters: { quarter: string; committed: number; delivered: number; rate: number | null }[]
  committed: number
  delivered: number
  rate: number | null
}

/**
 * Roadmap predictability of the quarters that ended in the period, weighted by points. Quarter
 * labels are fiscal quarters of the org's calendar (`quarterPeriod`), ending at local midnight.
 */
export function computeRoadmap(
  items: readonly WorkItemEvent[],
  period: Period,
  calendar: OrgCalendar,
): RoadmapSummary {
  const byQuarter = new Map<string, { committed: number; delivered: number }>()
  for (const item of items) {
    if (!item.committedQuarter) continue
    const end = calendar.quarter(item.committedQuarter).to
    if (!inPeriod(end - 1, period)) continue
    const entry = byQuarter.get(item.committedQuarter) ?? { committed: 0, delivered: 0 }
    const weight = item.points ?? 1
    entry.committed += weight
    const finished = doneAt(item)
    if (finished !== null && finished < end) entry.delivered += weight
    byQuarter.set(item.committedQuarter, entry)
  }
  const quarters = [...byQuarter.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([quarter, { committed, delivered }]) => ({
      quarter,
      committed,
      delivered,
      rate: ratio(delivered, committed),
    }))
  const committed = sum(quarters.map((q) => q.committed))
  const delivered = sum(quarters.map((q) => q.delivered))
  return { quarters, committed, delivered, rate: ratio(delivered, committed) }
}
