/**
 * The period picker's choices, and a choice as the from/to dates the API takes. Shared by the app
 * and start.ts, which asks the overview's first question before the app is evaluated.
 */
import { wallClock } from '../../src/metrics/calendar'

/** The period a view shows unless the URL names another. */
export const DEFAULT_PERIOD = '30'

export const PERIODS = [
  { id: '30', label: 'Last 30 days' },
  { id: '90', label: 'Last 90 days' },
  { id: 'prev-month', label: 'Previous month' },
]

/** A calendar date (year, month 1–12, day; overflow rolls over) as YYYY-MM-DD. */
const date = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)

/**
 * The period picker's choice as from/to dates of the org's calendar (the server reads them in the
 * org's time zone): "today" is the org's today, not the browser's or UTC's.
 */
export function periodQuery(choice: string, timeZone: string): { from?: string; to?: string } {
  const { year, month, day } = wallClock(Date.now(), timeZone)
  if (choice === 'prev-month') return { from: date(year, month - 1, 1), to: date(year, month, 1) }
  const days = Number(choice) || 30
  return { from: date(year, month, day + 1 - days), to: date(year, month, day + 1) }
}
