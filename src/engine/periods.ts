/**
 * Periods as users give them and as trends compare them, in the organization's time zone.
 */
import { localMidnight, type Period, parseBoundary, trailingDays, wallClock } from '../metrics/calendar.js'
import { EngopsError } from '../model/errors.js'

/**
 * The period a trend compares with: the same number of calendar months before when the period is
 * whole months (April's is March, not the 30 days before April), else the same length before.
 */
export function previousOf(period: Period, zone: string): Period {
  const from = wallClock(period.from, zone)
  const to = wallClock(period.to, zone)
  const midnight = (w: typeof from) => w.day === 1 && w.hour === 0 && w.minute === 0 && w.second === 0
  if (midnight(from) && midnight(to)) {
    const months = (to.year - from.year) * 12 + (to.month - from.month)
    if (months > 0) return { from: localMidnight(from.year, from.month - months, 1, zone), to: period.from }
  }
  return { from: period.from - (period.to - period.from), to: period.from }
}

/** A date (local midnight in the zone) or ISO time given by a user, as epoch ms. */
export function parseInstant(text: string, zone: string, what = 'at'): number {
  const epoch = parseBoundary(text, zone)
  if (epoch === undefined)
    throw new EngopsError('USAGE', `${what} "${text}" is not a date (YYYY-MM-DD) or an ISO 8601 time`)
  return epoch
}

/**
 * The period of a question: `--from`/`--to` (dates at local midnight or ISO times; `--to`
 * exclusive), else the `defaultDays` up to the end of today. Either end alone keeps the default
 * length: --to alone ends the period there, --from alone runs it to the end of today.
 */
export function resolvePeriod(
  query: { from?: string; to?: string; now?: number },
  zone: string,
  defaultDays = 30,
): Period {
  const fallback = trailingDays(query.now ?? Date.now(), defaultDays, zone)
  const to = query.to ? parseInstant(query.to, zone, '--to') : fallback.to
  const from = query.from ? parseInstant(query.from, zone, '--from') : to - (fallback.to - fallback.from)
  if (from >= to) throw new EngopsError('USAGE', '--from must be before --to (--to is exclusive)')
  return { from, to }
}
