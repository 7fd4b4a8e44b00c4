import { describe, expect, test } from 'vitest'
import { monthsBefore, parseReportPeriod } from './periods.js'

const at = (iso: string) => Date.parse(iso)
const iso = (p: { from: number; to: number; label: string }) => ({
  from: new Date(p.from).toISOString(),
  to: new Date(p.to).toISOString(),
  label: p.label,
})
const NOW = at('2026-06-03T10:00:00Z')

describe('report periods', () => {
  test('months, ISO weeks, fiscal quarters and ranges', () => {
    expect(iso(parseReportPeriod('2026-05', 'month', NOW, 'UTC', 1))).toEqual({
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-06-01T00:00:00.000Z',
      label: 'May 2026',
    })
    // ISO week 1 of 2026 contains January 4th (a Sunday): it starts on Monday 2025-12-29.
    expect(iso(parseReportPeriod('2026-W01', 'week', NOW, 'UTC', 1))).toEqual({
      from: '2025-12-29T00:00:00.000Z',
      to: '2026-01-05T00:00:00.000Z',
      label: 'week 1 of 2026',
    })
    expect(iso(parseReportPeriod('2026-W20', 'week', NOW, 'UTC', 1)).from).toBe('2026-05-11T00:00:00.000Z')
    // A fiscal year starting in February: 2026-Q1 is February–April 2026.
    expect(iso(parseReportPeriod('2026-Q1', 'quarter', NOW, 'UTC', 2))).toEqual({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-05-01T00:00:00.000Z',
      label: '2026-Q1',
    })
    expect(iso(parseReportPeriod('2026-05-01..2026-05-15', 'month', NOW, 'UTC', 1))).toEqual({
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-15T00:00:00.000Z',
      label: '2026-05-01 – 2026-05-14',
    })
    // Local time: Berlin's May starts at 22:00 UTC on April 30.
    expect(parseReportPeriod('2026-05', 'month', NOW, 'Europe/Berlin', 1).from).toBe(
      at('2026-04-30T22:00:00Z'),
    )
  })

  test('defaults: the last complete period of the cadence, or the trailing window', () => {
    expect(parseReportPeriod(undefined, 'month', NOW, 'UTC', 1).label).toBe('May 2026')
    expect(parseReportPeriod(undefined, 'month', at('2026-01-05T00:00:00Z'), 'UTC', 1).label).toBe(
      'December 2025',
    )
    expect(parseReportPeriod(undefined, 'quarter', NOW, 'UTC', 1).label).toBe('2026-Q1')
    expect(parseReportPeriod(undefined, 'quarter', at('2026-02-10T00:00:00Z'), 'UTC', 1).label).toBe(
      '2025-Q4',
    )
    // Fiscal year from April: on June 3rd 2026 the running quarter is 2026-Q1 (Apr–Jun), the last complete 2025-Q4.
    expect(iso(parseReportPeriod(undefined, 'quarter', NOW, 'UTC', 4))).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      label: '2025-Q4',
    })
    expect(iso(parseReportPeriod(undefined, 'trailing-7', NOW, 'UTC', 1))).toEqual({
      from: '2026-05-28T00:00:00.000Z',
      to: '2026-06-04T00:00:00.000Z',
      label: 'week ending 2026-06-03',
    })
  })

  test('bad periods are usage errors', () => {
    for (const text of ['May', '2026-13-01..x', '2026-06-01..2026-05-01', '2026-Q5'])
      expect(() => parseReportPeriod(text, 'month', NOW, 'UTC', 1)).toThrow(/is not a month/)
  })

  test('the months before a date, across a year boundary', () => {
    expect(monthsBefore(at('2026-02-01T00:00:00Z'), 3, 'UTC').map((p) => p.label)).toEqual([
      'November 2025',
      'December 2025',
      'January 2026',
    ])
  })
})
