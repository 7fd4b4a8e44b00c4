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
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined
  const ms = Number(frac.padEnd(3, '0').slice(0, 3))
  let epoch = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms)
  // Date.UTC rolls 31 February over into March; reject instead of guessing.
  if (new Date(epoch).getUTCDate() !== day && second !== 60) return undefined
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  return epoch
}

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
