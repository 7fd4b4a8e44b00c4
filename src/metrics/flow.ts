/**
 * Flow metrics from work items' status history: cycle time (first in-progress → done), throughput,
 * WIP at the end of the period against the team's limit, and flow efficiency (time actively
 * in progress ÷ time from start to done; review, blocked and back-to-todo time is waiting).
 */
import type { WorkItemEvent } from '../model/events.js'
import { type CalendarPeriod, inPeriod, weeksOf } from './calendar.js'
import { type Distribution, ratio, secondsDistribution } from './stats.js'

type Status = WorkItemEvent['statusChanges'][number]['status']

/** When the item was first started and last finished (null when it never was). */
export function startedAt(item: WorkItemEvent): number | null {
  return item.statusChanges.find((change) => change.status === 'in-progress')?.at ?? null
}

export function doneAt(item: WorkItemEvent): number | null {
  const last = item.statusChanges.at(-1)
  return last?.status === 'done' ? last.at : null
}

/** The status an item had at an instant (the last change at or before it). */
export function statusAt(item: WorkItemEvent, at: number): Status | null {
  let status: Status | null = null
  for (const change of item.statusChanges) {
    if (change.at > at) break
    status = change.status
  }
  return status
}

export interface FlowSummary {
  cycleTime: Distribution
  throughput: { items: number; points: number; perWeek: number }
  wip: { items: number; limit: number | null; ratio: number | null; overLimit: boolean | null }
  flowEfficiency: { n: number; activeSeconds: number; totalSeconds: number; efficiency: number | null }
  /** Per finished item, the time it waited (cycle time − active time): review, blocked, queued. */
  waitTime: Distribution
}

export function computeFlow(
  items: readonly WorkItemEvent[],
  period: CalendarPeriod,
  wipLimit: number | null,
): FlowSummary {
  const cycle: number[] = []
  const waits: number[] = []
  let points = 0
  let done = 0
  let active = 0
  let total = 0
  let efficiencyItems = 0
  let wip = 0
  for (const item of items) {
    const status = statusAt(item, period.to - 1)
    if (status === 'in-progress' || status === 'review' || status === 'blocked') wip++
    const finished = doneAt(item)
    if (finished === null || !inPeriod(finished, period)) continue
    done++
    points += item.points ?? 0
    const started = startedAt(item)
    if (started === null || finished < started) continue
    cycle.push(finished - started)
    // Active time: the spans spent in progress between start and finish.
    let itemActive = 0
    const changes = item.statusChanges
    for (let i = 0; i < changes.length - 1; i++) {
      const change = changes[i]!
      if (change.at < started || change.status !== 'in-progress') continue
      itemActive += changes[i + 1]!.at - change.at
    }
    active += itemActive
    total += finished - started
    waits.push(finished - started - itemActive)
    efficiencyItems++
  }
  const weeks = weeksOf(period)
  return {
    cycleTime: secondsDistribution(cycle),
    throughput: { items: done, points, perWeek: weeks > 0 ? done / weeks : 0 },
    wip: {
      items: wip,
      limit: wipLimit,
      ratio: wipLimit ? wip / wipLimit : null,
      overLimit: wipLimit ? wip > wipLimit : null,
    },
    flowEfficiency: {
      n: efficiencyItems,
      activeSeconds: active / 1000,
      totalSeconds: total / 1000,
      efficiency: ratio(active, total),
    },
    waitTime: secondsDistribution(waits),
  }
}
