/**
 * Calendar arithmetic in the organization's time zone, with Intl only (no I/O): day keys for
 * deploy-days, local midnights for period boundaries. Periods are half-open: [from, to).
 */
import { DAY, parseIsoTime, utcEpoch, wallClock } from '../model/time.js'

export { wallClock }

export interface Period {
  from: number
  to: number
}

/** The wall-clock time as if it were UTC: the difference to the real instant is the zone offset. */
function wallAsUtc(epochMs: number, timeZone: string): number {
  return epochMs + zoneOffset(epochMs, timeZone)
}

const QUARTER_HOUR = 15 * 60_000
const offsets = new Map<string, Map<number, number>>()

/**
 * The zone's offset from UTC at an instant. Offsets only change on quarter-hour boundaries, so
 * one Intl call per quarter hour serves every instant in it (Intl is slow; metrics call this a lot).
 */
function zoneOffset(epochMs: number, timeZone: string): number {
  let zone = offsets.get(timeZone)
  if (!zone) {
    zone = new Map()
    offsets.set(timeZone, zone)
  }
  const bucket = Math.floor(epochMs / QUARTER_HOUR)
  let offset = zone.get(bucket)
  if (offset === undefined) {
    const start = bucket * QUARTER_HOUR
    const w = wallClock(start, timeZone)
    offset = utcEpoch(w.year, w.month, w.day, w.hour, w.minute, w.second) - start
    zone.set(bucket, offset)
  }
  return offset
}

/** 'YYYY-MM-DD' of the instant in the zone. */
export function dayKey(epochMs: number, timeZone: string): string {
  return new Date(wallAsUtc(epochMs, timeZone)).toISOString().slice(0, 10)
}

/** The instant of local midnight starting the given calendar day (month 1–12) in the zone. */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = utcEpoch(year, month, day)
  // Two passes settle the offset even when a DST change lies between the guess and the answer.
  let instant = guess - (wallAsUtc(guess, timeZone) - guess)
  instant = guess - (wallAsUtc(instant, timeZone) - instant)
  return instant
}

/**
 * Parses a period boundary: a date (`2025-03-01`, local midnight in the zone) or a full ISO
 * 8601 time. Returns undefined when the text is neither.
 */
export function parseBoundary(text: string, timeZone: string): number | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (date) {
    const epoch = parseIsoTime(text)
    if (epoch === undefined) return undefined
    return localMidnight(Number(date[1]), Number(date[2]), Number(date[3]), timeZone)
  }
  return parseIsoTime(text)
}

/** The `days` calendar days ending with today (in the zone): [midnight − days, tomorrow's midnight). */
export function trailingDays(now: number, days: number, timeZone: string): Period {
  const today = wallClock(now, timeZone)
  const to = localMidnight(today.year, today.month, today.day + 1, timeZone)
  const from = localMidnight(today.year, today.month, today.day + 1 - days, timeZone)
  return { from, to }
}

/** Length of the period in calendar days (wall-clock, so a DST day still counts as one). */
export function periodDays(period: Period, timeZone: string): number {
  return (wallAsUtc(period.to, timeZone) - wallAsUtc(period.from, timeZone)) / DAY
}

export function inPeriod(epochMs: number, period: Period): boolean {
  return epochMs >= period.from && epochMs < period.to
}

/** An org-file date (`2025-03-01`, or a YAML timestamp) as local midnight in the zone. */
export function orgDate(value: string | Date, timeZone: string): number {
  if (value instanceof Date) {
    return localMidnight(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate(), timeZone)
  }
  return parseBoundary(value.slice(0, 10), timeZone) ?? Number.NaN
}

/**
 * The period of a quarter label such as `2025-Q2`. Quarters follow the fiscal year, which is
 * named by the calendar year it starts in: with a February start, 2025-Q1 is Feb–Apr 2025.
 */
export function quarterPeriod(label: string, fiscalYearStartMonth: number, timeZone: string): Period {
  const match = /^(\d{4})-Q([1-4])$/.exec(label)
  if (!match) throw new RangeError(`not a quarter label: ${label}`)
  const month = fiscalYearStartMonth + (Number(match[2]) - 1) * 3
  const year = Number(match[1])
  return {
    from: localMidnight(year, month, 1, timeZone),
    to: localMidnight(year, month + 3, 1, timeZone),
  }
}

/**
 * The organization's calendar: its time zone and fiscal year. Every calendar question of the
 * metrics (what day, week, month or quarter an instant is in, how many calendar days a period
 * has) goes through one of these, so no module buckets in UTC or divides by elapsed hours.
 */
export class OrgCalendar {
  constructor(
    readonly timeZone: string,
    readonly fiscalYearStartMonth = 1,
  ) {}

  /** 'YYYY-MM-DD' of the instant, in the zone. */
  day(at: number): string {
    return dayKey(at, this.timeZone)
  }

  /** 'YYYY-MM' of the instant, in the zone. */
  month(at: number): string {
    return this.day(at).slice(0, 7)
  }

  /** 0 = Sunday … 6 = Saturday, in the zone. */
  dayOfWeek(at: number): number {
    return new Date(`${this.day(at)}T00:00:00Z`).getUTCDay()
  }

  /** The local midnight that ends the instant's day. */
  endOfDay(at: number): number {
    const w = wallClock(at, this.timeZone)
    return localMidnight(w.year, w.month, w.day + 1, this.timeZone)
  }

  /** The local midnight that starts the instant's month. */
  monthStart(at: number): number {
    const w = wallClock(at, this.timeZone)
    return localMidnight(w.year, w.month, 1, this.timeZone)
  }

  /** The calendar month containing the instant, as a period. */
  monthOf(at: number): Period {
    const w = wallClock(at, this.timeZone)
    return {
      from: localMidnight(w.year, w.month, 1, this.timeZone),
      to: localMidnight(w.year, w.month + 1, 1, this.timeZone),
    }
  }

  /** Months ('YYYY-MM') whose first local day falls in the period: the business months it covers. */
  monthsIn(period: Period): string[] {
    const months: string[] = []
    const first = wallClock(period.from, this.timeZone)
    let year = first.year
    let month = first.month
    if (localMidnight(year, month, 1, this.timeZone) < period.from) month++
    for (;;) {
      const start = localMidnight(year, month, 1, this.timeZone)
      if (start >= period.to) break
      months.push(this.month(start))
      month++
      if (month > 12) {
        month = 1
        year++
      }
    }
    return months
  }

  /** The period of a fiscal quarter label such as `2025-Q2` (see `quarterPeriod`). */
  quarter(label: string): Period {
    return quarterPeriod(label, this.fiscalYearStartMonth, this.timeZone)
  }

  /** The period with its length in calendar days, for per-day, per-week and per-month rates. */
  span(period: Period): CalendarPeriod {
    return { from: period.from, to: period.to, days: periodDays(period, this.timeZone) }
  }
}

/**
 * A period with its length in calendar days in the org's zone: a week that contains a DST change
 * is still 7 days, a March 31. Rates per week divide by `days / 7`, per month by
 * `days / DAYS_PER_MONTH`.
 */
export interface CalendarPeriod extends Period {
  days: number
}

/** The mean length of a month in days (365.25 / 12), for per-month rates over arbitrary periods. */
export const DAYS_PER_MONTH = 365.25 / 12

/** Calendar weeks and months of a period (0 for an empty one). */
export const weeksOf = (period: CalendarPeriod) => period.days / 7
export const monthsOf = (period: CalendarPeriod) => period.days / DAYS_PER_MONTH

/**
 * Whole calendar days from `since` to `at` in the zone (never negative): the age of an open
 * dependency, the same for `engops deps` and the dependency-aging KPI.
 */
export function ageInDays(since: number, at: number, timeZone: string): number {
  return Math.max(0, Math.floor(periodDays({ from: since, to: at }, timeZone)))
}

/** An optional org-file date as epoch ms, or null when absent or not a date. */
export function orgDay(value: string | Date | undefined, timeZone: string): number | null {
  if (value === undefined) return null
  const at = orgDate(value, timeZone)
  return Number.isNaN(at) ? null : at
}
