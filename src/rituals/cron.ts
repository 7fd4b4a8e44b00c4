/**
 * A schedule's slots: the instants its cron expression names in the org's time zone, through
 * croner (which handles the days a DST change skips or repeats an hour: a slot in the skipped
 * hour runs at the first instant after it, a slot in the repeated hour runs once).
 */
import { Cron } from 'croner'

function cronIn(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, paused: true })
}

/** The next `count` slots after `after` (epoch ms). */
export function nextSlots(expression: string, timeZone: string, after: number, count: number): number[] {
  return cronIn(expression, timeZone)
    .nextRuns(count, new Date(after))
    .map((date) => date.getTime())
}

/** The latest slot at or before `at`, or null when there is none (a year-bound expression). */
export function latestSlot(expression: string, timeZone: string, at: number): number | null {
  // previousRuns looks strictly before its reference; a slot exactly at `at` is due now.
  const [previous] = cronIn(expression, timeZone).previousRuns(1, new Date(at + 1))
  return previous ? previous.getTime() : null
}

/** An instant as the org reads it: `Mon 2026-12-07 09:00 CET`. */
export function localTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`
}
