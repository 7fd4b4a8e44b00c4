/**
 * Delivery metrics: velocity (points completed per sprint) and its trend, sprint predictability
 * (completed ÷ committed at sprint start; scope added later is reported as scope change, never as
 * commitment), and roadmap predictability (points committed to a quarter that were done by its end).
 */
import type { SprintEvent, WorkItemEvent } from '../model/events.js'
import { inPeriod, type Period } from './calendar.js'
import { doneAt } from './flow.js'
import { mean, ratio, sum } from './stats.js'

export interface DeliverySummary {
  sprints: number
  velocity: { mean: number | null; perSprint: { id: string; team: string; completed: number }[] }
  predictability: { committed: number; completedCommitted: number; rate: number | null }
  scopeChange: { added: number; rate: number | null }
}

export function computeDelivery(sprints: readonly SprintEvent[], period: Period): DeliverySummary {
  const ended = sprints.filter((sprint) => inPeriod(sprint.end - 1, period)).sort((a, b) => a.end - b.end)
  const committed = sum(ended.map((s) => s.committed))
  const completedCommitted = sum(ended.map((s) => s.completedCommitted ?? Math.min(s.completed, s.committed)))
  const added = sum(ended.map((s) => s.added))
  return {
    sprints: ended.length,
    velocity: {
      mean: mean(ended.map((s) => s.completed)),
      perSprint: ended.map((s) => ({ id: s.id, team: s.team, completed: s.completed })),
    },
    predictability: { committed, completedCommitted, rate: ratio(completedCommitted, committed) },
    scopeChange: { added, rate: ratio(added, committed) },
  }
}

/** The instant a quarter (`2025-Q2`) ends, given the fiscal year's first month (1–12), in UTC. */
export function quarterEnd(quarter: string, fiscalYearStartMonth = 1): number {
  const year = Number(quarter.slice(0, 4))
  const q = Number(quarter.slice(6))
  // Fiscal year N starts in month `fiscalYearStartMonth` of calendar year N (or N−1 when it starts late).
  const startMonth = fiscalYearStartMonth - 1 + q * 3
  const baseYear = fiscalYearStartMonth === 1 ? year : year - 1
  return Date.UTC(baseYear, startMonth, 1)
}

export interface RoadmapSummary {
  quarters: { quarter: string; committed: number; delivered: number; rate: number | null }[]
  committed: number
  delivered: number
  rate: number | null
}

/** Roadmap predictability of the quarters that ended in the period, weighted by points. */
export function computeRoadmap(
  items: readonly WorkItemEvent[],
  period: Period,
  fiscalYearStartMonth = 1,
): RoadmapSummary {
  const byQuarter = new Map<string, { committed: number; delivered: number }>()
  for (const item of items) {
    if (!item.committedQuarter) continue
    const end = quarterEnd(item.committedQuarter, fiscalYearStartMonth)
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
