/**
 * The org's calendar in every metric: time zones west and east of UTC, a February fiscal year, a
 * week with a DST change, a 31-day SLO month, and the boundaries that used to be taken in UTC or
 * by elapsed hours. Every expectation is worked out by hand in its comment.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { BusinessEvent, CostEvent, PipelineRunEvent } from '../model/events.js'
import { DAY, HOUR } from '../model/time.js'
import type { Commit, Deployment, Incident } from '../model/types.js'
import { statusFromGap } from '../operating/okrs.js'
import { ageInDays, localMidnight, OrgCalendar } from './calendar.js'
import { attributeChanges } from './change-attribution.js'
import { computeRoadmap } from './delivery.js'
import { linkFailures } from './dora.js'
import { computeDx } from './dx.js'
import { computeFlow } from './flow.js'
import { computeRelease } from './release.js'
import { computeReliability } from './reliability.js'
import { computeScoreboard } from './scoreboard.js'
import { evaluateSlo, type SliSample, windowLength } from './slo.js'
import { deployment, incident, item } from './testing-fixtures.js'

const LA = 'America/Los_Angeles'
const BERLIN = 'Europe/Berlin'

describe('months and quarters in the org’s time zone', () => {
  test('Q1 2025 in Los Angeles is January to March, not February to April', () => {
    const la = new OrgCalendar(LA)
    const q1 = la.quarter('2025-Q1')
    // Local midnight of January 1st is 08:00 UTC; of April 1st (daylight time) 07:00 UTC.
    expect(q1).toEqual({ from: Date.parse('2025-01-01T08:00:00Z'), to: Date.parse('2025-04-01T07:00:00Z') })
    expect(la.monthsIn(q1)).toEqual(['2025-01', '2025-02', '2025-03'])
    // East of UTC the same holds: Berlin's January starts at 23:00 UTC on December 31st.
    const berlin = new OrgCalendar(BERLIN)
    expect(berlin.monthsIn(berlin.quarter('2025-Q1'))).toEqual(['2025-01', '2025-02', '2025-03'])
    expect(berlin.month(Date.parse('2024-12-31T23:30:00Z'))).toBe('2025-01')
  })

  test('cost and revenue per engineer of an org in Los Angeles take its own months', () => {
    const la = new OrgCalendar(LA)
    const q1 = la.quarter('2025-Q1')
    const cost = (month: string, category: CostEvent['category'], amount: number) =>
      ({ type: 'cost', month, category, vendor: 'v', amount }) as CostEvent
    const months = ['2025-01', '2025-02', '2025-03', '2025-04']
    // April is ten times dearer: if it were counted, every figure below would be off.
    const costs = months.flatMap((m, i) => [
      cost(m, 'cloud', i === 3 ? 100_000 : 10_000),
      cost(m, 'headcount', 50_000),
    ])
    const business = months.map(
      (month, i) =>
        ({
          type: 'business',
          month,
          revenue: i === 3 ? 1_000_000 : 100_000,
          activeUsers: 1_000,
        }) as BusinessEvent,
    )
    const board = computeScoreboard({
      ...emptyInput(la, q1),
      costs,
      business,
      people: Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, start: null, end: null })),
    })
    // Three months of 10,000 cloud and 50,000 headcount, 100,000 revenue; 4 engineers, ×4 a year.
    expect(board.cost.months).toEqual(['2025-01', '2025-02', '2025-03'])
    expect(board.cost.cloud).toBe(30_000)
    expect(board.cost.revenuePerEngineer).toBe((300_000 * 4) / 4)
    expect(board.cost.costPerEngineer).toBe((150_000 * 4) / 4)
    // Monthly cloud per user: 30,000 over 3,000 user-months.
    expect(board.cost.cloudPerUser).toBe(10)
  })

  test('roadmap predictability follows the fiscal year: with a February start, 2025-Q1 is February to April', () => {
    const berlin = new OrgCalendar(BERLIN, 2)
    const q1 = berlin.quarter('2025-Q1')
    expect(q1.from).toBe(localMidnight(2025, 2, 1, BERLIN))
    expect(q1.to).toBe(localMidnight(2025, 5, 1, BERLIN))
    // Both committed items were done in March 2025: the quarter delivered everything.
    const march = (Date.parse('2025-03-10T00:00:00Z') - Date.parse('2025-03-03T00:00:00Z')) / HOUR
    const items = [
      item(
        'R1',
        [
          ['in-progress', 0],
          ['done', march],
        ],
        { committedQuarter: '2025-Q1', points: 5 },
      ),
      item(
        'R2',
        [
          ['in-progress', 0],
          ['done', march + 24],
        ],
        { committedQuarter: '2025-Q1', points: 3 },
      ),
    ]
    expect(computeRoadmap(items, q1, berlin)).toEqual({
      quarters: [{ quarter: '2025-Q1', committed: 8, delivered: 8, rate: 1 }],
      committed: 8,
      delivered: 8,
      rate: 1,
    })
  })
})

describe('rates per week and month count calendar days', () => {
  // Berlin moves to summer time on Sunday 2025-03-30: the week from Monday the 24th to Monday the
  // 31st lasts 6 days 23 hours, but is one calendar week.
  const berlin = new OrgCalendar(BERLIN)
  const week = berlin.span({
    from: localMidnight(2025, 3, 24, BERLIN),
    to: localMidnight(2025, 3, 31, BERLIN),
  })

  test('the DST week is 7 days, so one item a week is 1.0 items per week', () => {
    expect(week.to - week.from).toBe(7 * DAY - HOUR)
    expect(week.days).toBe(7)
    const doneMidweek = (Date.parse('2025-03-26T12:00:00Z') - Date.parse('2025-03-03T00:00:00Z')) / HOUR
    const flow = computeFlow(
      [
        item('A', [
          ['in-progress', doneMidweek - 5],
          ['done', doneMidweek],
        ]),
      ],
      week,
      null,
    )
    expect(flow.throughput.perWeek).toBe(1)
  })

  test('releases per week, hotfixes per month and pages per week too', () => {
    const at = Date.parse('2025-03-26T10:00:00Z')
    const release = computeRelease([deployment('d1', at, { kind: 'hotfix' })], [], week, berlin)
    expect(release.perWeek).toBe(1)
    // One hotfix in 7 days: 365.25 / 12 / 7 a month.
    expect(release.hotfixesPerMonth).toBeCloseTo(365.25 / 12 / 7, 12)
    const reliability = computeReliability({
      incidents: [incident('i1', at, { severity: 'SEV-2', resolvedAt: at + HOUR })],
      period: week,
      calendar: berlin,
      onCallTeams: 1,
      onCallPeople: 2,
      fromRota: true,
    })
    expect(reliability.pages).toMatchObject({ weeks: 1, perTeamPerWeek: 1, perPersonPerWeek: 0.5 })
  })

  test('Friday and weekend deployments are judged by the org’s local day', () => {
    // Thursday 23:30 UTC is already Friday 00:30 in Berlin (winter time), still Thursday in LA.
    const at = Date.parse('2025-03-06T23:30:00Z') - HOUR // finishes an hour after it starts
    const d = [deployment('late', at)]
    const period = { from: Date.parse('2025-03-03T00:00:00Z'), to: Date.parse('2025-03-10T00:00:00Z') }
    expect(computeRelease(d, [], berlin.span(period), berlin).fridayOrWeekend).toBe(1)
    const la = new OrgCalendar(LA)
    expect(computeRelease(d, [], la.span(period), la).fridayOrWeekend).toBe(0)
  })
})

describe('SLO windows', () => {
  const utc = new OrgCalendar('UTC')
  const aprilFirst = Date.parse('2025-04-01T00:00:00Z')

  test('a calendar month is as long as the month: March 31 days, February 28', () => {
    expect(windowLength('calendar-month', aprilFirst, utc)).toBe(31 * DAY)
    expect(windowLength('calendar-month', Date.parse('2025-03-01T00:00:00Z'), utc)).toBe(28 * DAY)
    expect(windowLength('30d', aprilFirst, utc)).toBe(30 * DAY)
    // The page threshold scales with the real month: 2 % of the budget in an hour of 744.
    const status = evaluateSlo({
      objective: 99.9,
      window: 'calendar-month',
      samples: [],
      at: aprilFirst,
      calendar: utc,
    })
    expect(status.alerts[0]?.threshold).toBeCloseTo(0.02 * 744 * 0.001, 12)
    expect(status.window).toEqual({ from: Date.parse('2025-03-01T00:00:00Z'), to: aprilFirst })
  })

  test('sli: timeslices judges good slices ÷ slices, not good ÷ total events', () => {
    // Ten daily slices at 99.9 %: nine at 999.5 of 1,000 (good slices), one at 990 (bad).
    const samples: SliSample[] = Array.from({ length: 10 }, (_, i) => ({
      start: aprilFirst - (i + 1) * DAY,
      end: aprilFirst - i * DAY,
      good: i === 4 ? 9_900 : 9_995,
      total: 10_000,
    }))
    const base = { objective: 99.9, window: '30d' as const, samples, at: aprilFirst, calendar: utc }
    const ratio = evaluateSlo(base)
    expect(ratio.attainment).toBe((9 * 9_995 + 9_900) / 100_000)
    const slices = evaluateSlo({ ...base, sli: 'timeslices' })
    expect(slices).toMatchObject({ good: 9, total: 10, attainment: 0.9, met: false })
    // With a looser slice target every slice is good.
    expect(evaluateSlo({ ...base, sli: 'timeslices', timesliceTarget: 99 }).attainment).toBe(1)
  })
})

describe('boundaries', () => {
  test('an incident exactly incidentWindowHours after a deployment is blamed on it; a millisecond later is not', () => {
    const T = Date.parse('2025-03-01T00:00:00Z')
    const commit: Commit = {
      repo: 'r',
      sha: 'a',
      parents: [],
      authorName: 'ana',
      authorEmail: 'ana@x',
      authoredAt: T - HOUR,
      committedAt: T - HOUR,
      additions: 1,
      deletions: 0,
    }
    const services = [{ id: 'api', repositories: [{ name: 'r', paths: [] }] }]
    const deployed: Deployment = { ...deployment('d1', T - 60_000), sha: 'a', finishedAt: T }
    const attribution = attributeChanges(services, [deployed], [commit], [], () => undefined, {
      isProduction: () => true,
      firstDeploymentLookbackMs: 14 * DAY,
    })
    const blamed = (detectedAt: number) => {
      const i: Incident = incident('i', detectedAt, { services: ['api'] })
      return linkFailures(attribution, [i], services, 24 * HOUR).failures.size
    }
    expect(blamed(T + 24 * HOUR)).toBe(1)
    expect(blamed(T + 24 * HOUR + 1)).toBe(0)
  })

  test('a run failing on Dec 31 and retried green on Jan 1 is one flaky run, counted in January', () => {
    const run = (attempt: number, result: PipelineRunEvent['result'], finishedAt: string) =>
      ({
        type: 'pipeline_run',
        id: 'r1',
        repo: 'shop',
        workflow: 'ci',
        attempt,
        result,
        startedAt: Date.parse(finishedAt) - 10 * 60_000,
        finishedAt: Date.parse(finishedAt),
      }) as PipelineRunEvent
    const runs = [run(1, 'failure', '2024-12-31T23:00:00Z'), run(2, 'success', '2025-01-01T01:00:00Z')]
    const utc = new OrgCalendar('UTC')
    const december = utc.span({
      from: Date.parse('2024-12-01T00:00:00Z'),
      to: Date.parse('2025-01-01T00:00:00Z'),
    })
    const january = utc.span({
      from: Date.parse('2025-01-01T00:00:00Z'),
      to: Date.parse('2025-02-01T00:00:00Z'),
    })
    expect(computeDx(runs, new Map(), [], january)).toMatchObject({
      runs: 1,
      flaky: 1,
      failed: 0,
      flakyRate: 1,
    })
    expect(computeDx(runs, new Map(), [], december)).toMatchObject({
      runs: 0,
      flaky: 0,
      failed: 0,
      flakyRate: null,
    })
  })

  test('a KR exactly 15 points behind is on track ("more than" 15 behind is at risk)', () => {
    const settings = {
      atRiskGap: 0.15,
      offTrackGap: 0.3,
      escalateFromWeek: 8,
      checkinEveryDays: 14,
      maxObjectives: 3,
      maxKeyResults: 4,
    }
    // 0.5 − 0.35 is 0.15000000000000002 in floating point.
    expect(statusFromGap(0.35, 0.5, settings)).toBe('on-track')
    expect(statusFromGap(0.3499, 0.5, settings)).toBe('at-risk')
    expect(statusFromGap(0.2, 0.5, settings)).toBe('at-risk')
    expect(statusFromGap(0.1999, 0.5, settings)).toBe('off-track')
  })

  test('dependency age is whole local days, the same for the KPI and `engops deps`', () => {
    // Opened on March 1st in Berlin (23:00 UTC the day before); 30 days and 12 hours later,
    // across the DST change, it is 30 days old.
    const opened = localMidnight(2025, 3, 1, BERLIN)
    const now = localMidnight(2025, 3, 31, BERLIN) + 12 * HOUR
    expect(ageInDays(opened, now, BERLIN)).toBe(30)
    const board = computeScoreboard({
      ...emptyInput(new OrgCalendar(BERLIN), { from: opened, to: now }),
      dependencies: [{ status: 'open', opened }],
    })
    expect(board.dependencies.medianAgeDays).toBe(30)
  })
})

describe('a property: shifting the zone and every event by the same offset changes no figure', () => {
  test('one org in UTC and the same org in a fixed-offset zone with every instant moved', () => {
    const T = Date.parse('2025-03-01T00:00:00Z')
    fc.assert(
      fc.property(fc.integer({ min: -12, max: 14 }), (hours) => {
        // Etc/GMT-5 is UTC+5 (the sign is inverted in the IANA names).
        const zone = hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`
        const shift = -hours * HOUR
        const board = (calendar: OrgCalendar, by: number) => {
          const at = (t: number) => t + by
          return computeScoreboard({
            ...emptyInput(calendar, { from: at(T), to: at(T + 31 * DAY) }),
            deployments: [0, 1, 5, 6, 12, 30].map((day) =>
              deployment(`d${day}`, at(T + day * DAY + 22 * HOUR)),
            ),
            incidents: [
              incident('i', at(T + 5 * DAY + 23 * HOUR), {
                severity: 'SEV-4',
                acknowledgedAt: at(T + 8 * DAY),
                resolvedAt: at(T + 9 * DAY),
              }),
            ],
            workItems: [
              item('A', [
                ['in-progress', 0],
                ['done', 10],
              ]),
              item('B', [
                ['in-progress', 0],
                ['done', 700],
              ]),
            ].map((w) => ({
              ...w,
              createdAt: at(w.createdAt),
              statusChanges: w.statusChanges.map((c) => ({ ...c, at: at(c.at) })),
            })),
            costs: [
              { type: 'cost', month: '2025-03', category: 'cloud', vendor: 'v', amount: 900 } as CostEvent,
            ],
            people: [
              { id: 'p', start: at(T - 10 * DAY), end: at(T + 20 * DAY) },
              { id: 'q', start: null, end: null },
            ],
            dependencies: [{ status: 'open', opened: at(T + 3 * DAY) }],
          })
        }
        const a = board(new OrgCalendar('UTC'), 0)
        const b = board(new OrgCalendar(zone), shift)
        expect(b.release).toEqual(a.release)
        expect(b.flow).toEqual(a.flow)
        expect(b.reliability).toEqual(a.reliability)
        expect(b.cost).toEqual(a.cost)
        expect(b.teamHealth.headcount).toEqual(a.teamHealth.headcount)
        expect(b.dependencies).toEqual(a.dependencies)
        expect(b.period.days).toBe(a.period.days)
      }),
      { numRuns: 27 },
    )
  })
})

/** A scoreboard input with no rows: each test adds what it needs. */
function emptyInput(
  calendar: OrgCalendar,
  period: { from: number; to: number },
): Parameters<typeof computeScoreboard>[0] {
  const stage = { n: 0, medianSeconds: null }
  return {
    period,
    dora: {
      period: { from: '', to: '', days: 0 },
      profile: 'default',
      deploymentFrequency: {
        deployments: 0,
        perDay: 0,
        perWeek: 0,
        perMonth: 0,
        deployDays: 0,
        tier: null,
        covered: false,
      },
      leadTime: {
        n: 0,
        medianSeconds: null,
        p90Seconds: null,
        tier: null,
        stages: { coding: stage, pickup: stage, review: stage, deploy: stage },
      },
      changeFailureRate: { deployments: 0, failed: 0, rate: null, tier: null },
      timeToRestore: {
        n: 0,
        medianSeconds: null,
        tier: null,
        bySeverity: { 'SEV-1': stage, 'SEV-2': stage, 'SEV-3': stage, 'SEV-4': stage },
      },
      failedDeploymentRecoveryTime: { n: 0, medianSeconds: null, tier: null },
      reworkRate: { deployments: 0, rework: 0, rate: null },
      dataQuality: {
        negativeLeadTimes: 0,
        negativeStageSpans: 0,
        negativeRestoreTimes: 0,
        deploymentsWithUnknownSha: 0,
        incidentsWithUnmatchedCause: 0,
        unresolvedIncidents: 0,
      },
    },
    workItems: [],
    sprints: [],
    pullRequests: [],
    deployments: [],
    incidents: [],
    flags: [],
    slos: [],
    personEvents: [],
    survey: [],
    requisitions: [],
    costs: [],
    business: [],
    runs: [],
    vulnerabilities: [],
    measurements: [],
    docChanges: new Map(),
    services: [],
    serviceFirsts: new Map(),
    people: [],
    onCall: { people: null, teams: 1 },
    orgTeams: [],
    wipLimit: null,
    dependencies: [],
    allocationPlan: {},
    loadedCostPerEngineer: null,
    sameAuthor: (a, b) => a === b,
    firstMergeOf: () => null,
    calendar,
  }
}
