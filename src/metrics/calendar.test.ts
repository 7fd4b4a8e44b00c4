import { describe, expect, test } from 'vitest'
import { dayKey, localMidnight, parseBoundary, periodDays, trailingDays } from './calendar.js'

describe('calendar in the org time zone', () => {
  test('day keys follow the zone, not UTC', () => {
    const lateEvening = Date.parse('2025-03-01T23:30:00Z')
    expect(dayKey(lateEvening, 'UTC')).toBe('2025-03-01')
    expect(dayKey(lateEvening, 'Europe/Berlin')).toBe('2025-03-02')
    expect(dayKey(lateEvening, 'America/New_York')).toBe('2025-03-01')
  })

  test('local midnight across a DST change', () => {
    // Berlin moves to summer time on 2025-03-30 at 02:00.
    expect(localMidnight(2025, 3, 30, 'Europe/Berlin')).toBe(Date.parse('2025-03-29T23:00:00Z'))
    expect(localMidnight(2025, 3, 31, 'Europe/Berlin')).toBe(Date.parse('2025-03-30T22:00:00Z'))
    expect(localMidnight(2025, 3, 1, 'America/Los_Angeles')).toBe(Date.parse('2025-03-01T08:00:00Z'))
  })

  test('a DST month still has its calendar number of days', () => {
    const zone = 'Europe/Berlin'
    const march = { from: parseBoundary('2025-03-01', zone)!, to: parseBoundary('2025-04-01', zone)! }
    expect(periodDays(march, zone)).toBe(31)
    expect(march.to - march.from).toBe(31 * 86_400_000 - 3_600_000)
  })

  test('boundaries: dates, full times, and nonsense', () => {
    expect(parseBoundary('2025-03-01', 'UTC')).toBe(Date.parse('2025-03-01T00:00:00Z'))
    expect(parseBoundary('2025-03-01T12:00:00+01:00', 'UTC')).toBe(Date.parse('2025-03-01T11:00:00Z'))
    expect(parseBoundary('2025-02-30', 'UTC')).toBeUndefined()
    expect(parseBoundary('March', 'UTC')).toBeUndefined()
    // Years below 100 are those years (Date.UTC would read 0001 as 1901).
    expect(new Date(parseBoundary('0001-01-01', 'UTC') ?? 0).toISOString()).toBe('0001-01-01T00:00:00.000Z')
    expect(new Date(parseBoundary('0026-11-07', 'Europe/Berlin') ?? 0).getUTCFullYear()).toBe(26)
  })

  test('the trailing 30 days include today', () => {
    const now = Date.parse('2025-03-15T10:00:00Z')
    expect(trailingDays(now, 30, 'UTC')).toEqual({
      from: Date.parse('2025-02-14T00:00:00Z'),
      to: Date.parse('2025-03-16T00:00:00Z'),
    })
  })
})
