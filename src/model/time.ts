/**
 * Parsing of ISO 8601 times into UTC epoch milliseconds, the one representation of time
 * inside engops. A time without an offset is read as UTC so that results never depend on
 * the machine's time zone.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/

export function parseIsoTime(text: string): number | undefined {
  const match = ISO_TIME.exec(text.trim())
  if (!match) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined
  const ms = Number(frac.padEnd(3, '0').slice(0, 3))
  let epoch = utcEpoch(year, month, day, hour, minute, second, ms)
  // 31 February would roll over into March; reject instead of guessing.
  if (new Date(epoch).getUTCDate() !== day && second !== 60) return undefined
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
    // Real offsets lie within ±18:00 (ISO 8601 and every time zone there is).
    if (Number(digits.slice(2)) > 59 || offset > MAX_OFFSET_MINUTES) return undefined
    epoch -= sign * offset * 60_000
  }
  return epoch
}

/** The widest UTC offset a time may carry, in minutes. */
const MAX_OFFSET_MINUTES = 18 * 60

/**
 * Epoch ms of a UTC wall time (month 1–12). Unlike `Date.UTC`, years 0–99 are those years, not
 * 1900–1999; out-of-range fields roll over as in `Date.UTC`.
 */
export function utcEpoch(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  return date.getTime()
}

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** A wall-clock reading of an instant in a time zone (month 1–12, hour 0–23). */
export interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export function wallClock(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {}
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  }
}
