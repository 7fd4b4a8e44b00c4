/** The test vectors of the reliability reference (shared/reference/reliability-slo-incidents.md). */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { DAY, HOUR, MINUTE } from '../model/time.js'
import { OrgCalendar } from './calendar.js'
import {
  budgetDuration,
  budgetRemaining,
  burnRate,
  errorBudget,
  evaluateSlo,
  pyrraAlertWindows,
  type SliSample,
  type SloWindow,
  sloLookback,
  timesliceBudget,
  timeToExhaustion,
  workbookAlertWindows,
} from './slo.js'

describe('reference vectors', () => {
  test('1. Sloth 30d at 99.9: budget 0.001 and thresholds 0.0144, 0.006, 0.003, 0.001', () => {
    expect(errorBudget(99.9)).toBe(0.0009999999999999432)
    const windows = workbookAlertWindows(30 * DAY)
    expect(windows.map((w) => w.factor)).toEqual([14.4, 6, 3, 1])
    expect(windows.map((w) => [w.shortMs / MINUTE, w.longMs / MINUTE])).toEqual([
      [5, 60],
      [30, 360],
      [120, 1440],
      [360, 4320],
    ])
    const thresholds = windows.map((w) => w.factor * errorBudget(99.9))
    for (const [i, expected] of [0.0144, 0.006, 0.003, 0.001].entries())
      expect(thresholds[i]).toBeCloseTo(expected, 12)
    expect(windows.map((w) => w.severity)).toEqual(['page', 'page', 'ticket', 'ticket'])
  })

  test('2. Sloth 28d factors, and the 7d custom windows (8, 12.5, 20, 42 %)', () => {
    expect(workbookAlertWindows(28 * DAY).map((w) => w.factor)).toEqual([
      13.44, 5.6000000000000005, 2.8000000000000003, 0.9333333333333333,
    ])
    const sevenDay = workbookAlertWindows(7 * DAY, [
      { severity: 'page', budgetFraction: 0.08, long: HOUR, short: 5 * MINUTE },
      { severity: 'page', budgetFraction: 0.125, long: 6 * HOUR, short: 30 * MINUTE },
      { severity: 'ticket', budgetFraction: 0.2, long: DAY, short: 2 * HOUR },
      { severity: 'ticket', budgetFraction: 0.42, long: 3 * DAY, short: 6 * HOUR },
    ])
    expect(sevenDay.map((w) => w.factor)).toEqual([13.44, 3.5, 1.4000000000000001, 0.98])
    // Deliberate difference: Sloth refuses a 42-day period without a windows file; engops
    // scales the workbook policy to any window.
    expect(workbookAlertWindows(42 * DAY).map((w) => w.factor)).toEqual([20.16, 8.4, 4.2, 1.4])
  })

  test('3. Pyrra 28d at 0.99: thresholds 0.14, 0.07, 0.02, 0.01 with their "for" durations; 2w windows', () => {
    const windows = pyrraAlertWindows(28 * DAY)
    expect(windows.map((w) => Math.round(w.factor * errorBudget(99) * 1e12) / 1e12)).toEqual([
      0.14, 0.07, 0.02, 0.01,
    ])
    expect(windows.map((w) => [w.shortMs / MINUTE, w.longMs / MINUTE, w.forMs / MINUTE])).toEqual([
      [5, 60, 2],
      [30, 360, 15],
      [120, 1440, 60],
      [360, 5760, 180],
    ])
    const twoWeeks = pyrraAlertWindows(14 * DAY)
    const recording = [...new Set(twoWeeks.flatMap((w) => [w.shortMs, w.longMs]))].sort((a, b) => a - b)
    expect(recording.map((ms) => ms / MINUTE)).toEqual([3, 15, 30, 60, 180, 720, 2880])
  })

  test('4. Pyrra budget remaining: 50 errors of 10,000 at 0.99 → 50 %; 200 → −100 %', () => {
    expect(budgetRemaining(99, 50, 10_000)!.toFixed(5)).toBe('0.50000')
    expect(budgetRemaining(99, 200, 10_000)!.toFixed(5)).toBe('-1.00000')
    expect(budgetRemaining(99, 0, 0)).toBeNull()
  })

  test('5. Sloth remaining: error rate 0.0005 at 99.9 → burn 0.5 → remaining 0.5', () => {
    const burn = burnRate(0.0005, 99.9)
    expect(burn).toBeCloseTo(0.5, 12)
    expect(1 - burn).toBeCloseTo(0.5, 12)
  })

  test('6. Budget as time: 43.2 min over 30d, 40.32 min over 28d; at 14.4× it lasts 50 h', () => {
    expect(budgetDuration(99.9, 30 * DAY) / MINUTE).toBeCloseTo(43.2, 9)
    expect(budgetDuration(99.9, 28 * DAY) / MINUTE).toBeCloseTo(40.32, 9)
    expect(timeToExhaustion(1, 14.4, 30 * DAY)! / HOUR).toBeCloseTo(50, 9)
    expect(timeToExhaustion(1, 1, 30 * DAY)).toBe(30 * DAY)
    expect(timeToExhaustion(1, 1000, 30 * DAY)! / MINUTE).toBeCloseTo(43.2, 9)
  })

  test('7. OpenSLO timeslices: 2w of 1m slices = 20,160; at 95 % 1,008 may be bad (16 h 48 m)', () => {
    expect(timesliceBudget(14 * DAY, MINUTE, 95)).toEqual({
      slices: 20160,
      allowedBad: 1008,
      allowedBadMs: 16 * HOUR + 48 * MINUTE,
    })
  })
})

describe('evaluating an SLO from SLI samples', () => {
  const T = Date.parse('2025-03-31T00:00:00Z')
  const daily = (daysAgo: number, good: number, total: number): SliSample => ({
    start: T - (daysAgo + 1) * DAY,
    end: T - daysAgo * DAY,
    good,
    total,
  })
  const calendar = new OrgCalendar('UTC')

  test('attainment, budget and burn over a rolling 30-day window', () => {
    // 29 clean days of 1,000 events, then one day with 30 bad of 1,000: 30 bad of 30,000 = 0.001.
    const samples = [...Array.from({ length: 29 }, (_, i) => daily(i + 1, 1000, 1000)), daily(0, 970, 1000)]
    const status = evaluateSlo({ objective: 99.9, window: '30d', samples, at: T, calendar })
    expect(status.total).toBe(30_000)
    expect(status.attainment).toBe(29_970 / 30_000)
    expect(status.met).toBe(true)
    expect(status.budgetConsumed).toBeCloseTo(1, 9)
    expect(status.budgetRemaining).toBeCloseTo(0, 9)
    // The last day's error ratio is 0.03: a burn of 30 — the daily sample covers the 1 d ticket
    // window (0.03 > 3 × 0.001) but no sample ends inside the shorter windows.
    expect(status.currentBurnRate).toBeCloseTo(30, 9)
    expect(status.alert).toBe('none')
    expect(status.alerts.find((a) => a.longMs === DAY)).toMatchObject({
      longRatio: 0.03,
      shortRatio: null,
      firing: false,
    })
  })

  test('a fast burn pages when both windows of a rule exceed the threshold', () => {
    const at = T
    const samples: SliSample[] = [
      { start: at - 60 * MINUTE, end: at - 5 * MINUTE, good: 9_700, total: 10_000 },
      { start: at - 5 * MINUTE, end: at, good: 960, total: 1_000 },
    ]
    const status = evaluateSlo({ objective: 99.9, window: '30d', samples, at, calendar })
    // 1 h: 340 bad of 11,000 = 0.0309 > 0.0144; 5 m: 0.04 > 0.0144.
    expect(status.alerts[0]).toMatchObject({ severity: 'page', firing: true })
    expect(status.alert).toBe('page')
    expect(status.exhaustionMs).toBe(0)
  })

  test('a calendar-month window starts on the 1st; no samples is no data, not a zero', () => {
    const samples = [daily(0, 990, 1000), daily(40, 0, 1000)]
    const status = evaluateSlo({ objective: 99, window: 'calendar-month', samples, at: T, calendar })
    expect(status.window).toEqual({ from: Date.parse('2025-03-01T00:00:00Z'), to: T })
    expect(status.total).toBe(1000)
    expect(status.budgetRemaining).toBeCloseTo(0, 9)
    const empty = evaluateSlo({ objective: 99, window: '7d', samples: [], at: T, calendar })
    expect(empty).toMatchObject({ attainment: null, met: null, budgetRemaining: null, alert: 'no-data' })
  })
})

test('an evaluation reads only samples ending after its lookback: the rest change nothing', () => {
  const calendar = new OrgCalendar('America/New_York', 1)
  const at = Date.UTC(2026, 2, 10, 15)
  const sample = fc
    .record({
      endBefore: fc.integer({ min: -3 * DAY, max: 70 * DAY }),
      length: fc.integer({ min: MINUTE, max: 2 * DAY }),
      total: fc.integer({ min: 0, max: 1000 }),
      badShare: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ endBefore, length, total, badShare }) => ({
      start: at - endBefore - length,
      end: at - endBefore,
      good: total - Math.round(total * badShare * 0.01),
      total,
    }))
  fc.assert(
    fc.property(
      fc.array(sample, { maxLength: 60 }),
      fc.constantFrom<SloWindow>('7d', '28d', '30d', 'calendar-month'),
      fc.constantFrom<'ratio' | 'timeslices'>('ratio', 'timeslices'),
      (samples, window, sli) => {
        const input = { objective: 99.5, window, at, calendar, sli }
        const lookback = sloLookback(input)
        const read = samples.filter((s) => s.end > lookback)
        expect(evaluateSlo({ ...input, samples: read })).toEqual(evaluateSlo({ ...input, samples }))
      },
    ),
    { numRuns: 500 },
  )
})
