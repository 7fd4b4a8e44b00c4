import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type {
  BusinessEvent,
  CostEvent,
  PersonChangeEvent,
  PipelineRunEvent,
  RequisitionEvent,
  SurveyResponseEvent,
  VulnerabilityEvent,
} from '../model/events.js'
import { OrgCalendar } from './calendar.js'
import { computeCost } from './cost.js'
import { computeDx, isDocPath } from './dx.js'
import { computeHiring } from './hiring.js'
import { computeAllocation, computePlatform, computeSecurity } from './platform.js'
import { annualizedRate, computeTeamHealth, headcountOver, tenures } from './team-health.js'
import { at, DAY, HOUR, item, T0 } from './testing-fixtures.js'

const utc = new OrgCalendar('UTC')
const quarter = utc.span({ from: T0, to: T0 + 91 * DAY })

describe('team health', () => {
  const person = (
    kind: PersonChangeEvent['kind'],
    day: number,
    fields: Partial<PersonChangeEvent> = {},
  ): PersonChangeEvent =>
    ({
      type: 'person_event',
      id: `${kind}-${day}`,
      person: `p${day}`,
      kind,
      at: T0 + day * DAY,
      ...fields,
    }) as PersonChangeEvent
  const answer = (
    i: number,
    question: string,
    value: { score?: number; nps?: number },
    survey = 's2',
  ): SurveyResponseEvent =>
    ({
      type: 'survey_response',
      id: `${survey}-${i}-${question}`,
      survey,
      team: 'web',
      question,
      at: T0 + (survey === 's2' ? 50 : 10) * DAY,
      ...value,
    }) as SurveyResponseEvent

  test('annualized attrition over the average headcount; engagement and eNPS of the latest survey', () => {
    const events = [
      person('hire', 5),
      person('leave', 10, { voluntary: true, regrettable: true }),
      person('leave', 20, { voluntary: true, regrettable: false }),
      person('leave', 30, { voluntary: false }),
    ]
    // The org file lists the 17 who stayed and the hire p5; the leavers are known from their events.
    const people = [
      ...Array.from({ length: 17 }, (_, i) => ({ id: `e${i}`, start: null, end: null })),
      { id: 'p5', start: null, end: null },
    ]
    const headcount = headcountOver(tenures(people, events), quarter)
    // 20 at the start, 18 at the end; on average 17 + (86 + 10 + 20 + 30) / 91 days.
    const average = 17 + 146 / 91
    expect(headcount.start).toBe(20)
    expect(headcount.end).toBe(18)
    expect(headcount.average).toBeCloseTo(average, 12)
    const responses = [
      ...[5, 4, 4, 3, 4].map((score, i) => answer(i, 'engagement', { score })),
      ...[10, 9, 8, 6, 3].map((nps, i) => answer(i, 'enps', { nps })),
      answer(0, 'engagement', { score: 1 }, 's1'),
    ]
    const health = computeTeamHealth(events, responses, quarter, headcount)
    // Compounded: 1 − (1 − leavers ÷ average)^(365 ÷ 91).
    expect(health.voluntaryAttrition.leavers).toBe(2)
    expect(health.voluntaryAttrition.annualized).toBeCloseTo(1 - (1 - 2 / average) ** (365 / 91), 12)
    expect(health.regrettableAttrition.annualized).toBeCloseTo(1 - (1 - 1 / average) ** (365 / 91), 12)
    expect(health.attrition.annualized).toBeCloseTo(1 - (1 - 3 / average) ** (365 / 91), 12)
    expect(health.engagement).toEqual({ respondents: 5, score: 4, hidden: false })
    // 2 promoters, 2 detractors of 5 → 0.
    expect(health.enps).toMatchObject({ respondents: 5, promoters: 2, detractors: 2, score: 0 })
  })

  test('headcount from the org file’s start and end dates: leavers and future hires are not today’s roster', () => {
    // Over the quarter (91 days): a leaver gone on day 0 counts nothing, one leaving on day 45
    // counts 45/91, a joiner from day 61 counts 30/91, a future hire (day 200) nothing, two stay.
    const people = [
      { id: 'gone', start: T0 - 400 * DAY, end: T0 },
      { id: 'leaving', start: T0 - 400 * DAY, end: T0 + 45 * DAY },
      { id: 'joiner', start: T0 + 61 * DAY, end: null },
      { id: 'future', start: T0 + 200 * DAY, end: null },
      { id: 'a', start: null, end: null },
      { id: 'b', start: T0 - DAY, end: null },
    ]
    const headcount = headcountOver(tenures(people, []), quarter)
    expect(headcount.start).toBe(3) // leaving, a, b
    expect(headcount.end).toBe(3) // joiner, a, b
    expect(headcount.average).toBeCloseTo(2 + (45 + 30) / 91, 12)
    // An org-file date wins over an event; an event fills in a missing date.
    const events = [person('leave', 45, { person: 'a' }), person('leave', 10, { person: 'leaving' })]
    expect(tenures(people, events).find((t) => t.person === 'a')).toEqual({
      person: 'a',
      start: null,
      end: T0 + 45 * DAY,
    })
    expect(tenures(people, events).find((t) => t.person === 'leaving')?.end).toBe(T0 + 45 * DAY)
  })

  test('annualizing compounds, so attrition and retention stay within 0 and 100 %', () => {
    // A 28-day month losing 30 % of 10 people: linear scaling would claim 391 % a year (retention
    // −291 %); compounded it is 1 − 0.7^(365/28).
    expect(annualizedRate(3, 10, 28)).toBeCloseTo(1 - 0.7 ** (365 / 28), 12)
    expect(annualizedRate(0, 10, 28)).toBe(0)
    expect(annualizedRate(10, 10, 28)).toBe(1)
    expect(annualizedRate(1, 0, 28)).toBeNull()
    // A whole year is not rescaled.
    expect(annualizedRate(1, 10, 365)).toBeCloseTo(0.1, 12)
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0.5, max: 3000, noNaN: true }),
        (leavers, headcount, days) => {
          const rate = annualizedRate(leavers, headcount, days)
          return rate !== null && rate >= 0 && rate <= 1
        },
      ),
    )
  })

  test('fewer than five respondents: the scores are hidden, not shown', () => {
    const responses = [4, 5, 3].map((score, i) => answer(i, 'engagement', { score }))
    const health = computeTeamHealth([], responses, quarter, { start: 6, end: 6, average: 6 })
    expect(health.engagement).toEqual({ respondents: 3, score: null, hidden: true })
    expect(health.enps).toMatchObject({ score: null, hidden: false })
  })
})

describe('hiring', () => {
  test('time to fill, offer acceptance, funnel conversion and time to productivity', () => {
    const req = (
      id: string,
      opened: number,
      filled: number | undefined,
      stages: Record<string, number>,
      made: number,
      accepted: number,
    ): RequisitionEvent =>
      ({
        type: 'requisition',
        id,
        role: 'Engineer',
        team: 'web',
        opened: T0 + opened * DAY,
        ...(filled === undefined ? {} : { filled: T0 + filled * DAY }),
        stages,
        offersMade: made,
        offersAccepted: accepted,
      }) as RequisitionEvent
    const requisitions = [
      req('r1', -10, 30, { applied: 100, screened: 30, interviewed: 10, offered: 2 }, 2, 1),
      req('r2', 5, 55, { applied: 50, screened: 20, interviewed: 5, offered: 2 }, 2, 2),
      req('r3', 20, undefined, { applied: 50, screened: 10, interviewed: 5, offered: 0 }, 0, 0),
    ]
    const hires = [
      { type: 'person_event', id: 'h', person: 'zoe', kind: 'hire', at: T0 + 10 * DAY } as PersonChangeEvent,
    ]
    const hiring = computeHiring(requisitions, hires, quarter, (person, after) =>
      person === 'zoe' ? after + 12 * DAY : null,
    )
    // 40 and 50 days → median 45 days.
    expect(hiring.timeToFill).toMatchObject({ n: 2, median: 45 * 86400 })
    // Offer and funnel counts carry no dates: they count with the requisitions filled in the
    // period (r1 and r2), not r3 that is still open.
    expect(hiring.offers).toEqual({ made: 4, accepted: 3, acceptance: 0.75 })
    expect(hiring.funnel).toEqual([
      { from: 'applied', to: 'screened', candidates: 150, advanced: 50, conversion: 1 / 3 },
      { from: 'screened', to: 'interviewed', candidates: 50, advanced: 15, conversion: 0.3 },
      { from: 'interviewed', to: 'offered', candidates: 15, advanced: 4, conversion: 4 / 15 },
    ])
    expect(hiring.interviewToHire).toEqual({ interviewed: 15, hired: 3, rate: 0.2 })
    expect(hiring.timeToProductivity).toMatchObject({ n: 1, median: 12 * 86400 })
  })
})

describe('cost', () => {
  test('per engineer (annualized), per user, per deploy, cloud variance and tooling', () => {
    const months = new OrgCalendar('UTC').monthsIn({
      from: Date.parse('2025-01-01T00:00:00Z'),
      to: Date.parse('2025-04-01T00:00:00Z'),
    })
    expect(months).toEqual(['2025-01', '2025-02', '2025-03'])
    const cost = (month: string, category: CostEvent['category'], amount: number): CostEvent =>
      ({ type: 'cost', month, category, vendor: 'v', amount }) as CostEvent
    const costs = months.flatMap((m) => [
      cost(m, 'cloud', 10_000),
      cost(m, 'tooling', 2_000),
      cost(m, 'headcount', 150_000),
    ])
    costs.push(cost('2024-12', 'cloud', 99_999))
    const business: BusinessEvent[] = months.map(
      (month) =>
        ({
          type: 'business',
          month,
          revenue: 600_000,
          activeUsers: 50_000,
          forecastCloudSpend: 9_600,
        }) as BusinessEvent,
    )
    const summary = computeCost(costs, business, months, 10, 120, null)
    expect(summary).toMatchObject({
      cloud: 30_000,
      tooling: 6_000,
      headcount: 450_000,
      revenue: 1_800_000,
      revenuePerEngineer: 720_000,
      costPerEngineer: 180_000,
      cloudPerUser: 0.2,
      costPerDeploy: 300,
      toolingPerEngineer: 2_400,
    })
    expect(summary.cloudVariance).toBeCloseTo(400 / 9_600, 12)
  })
})

describe('developer experience', () => {
  const run = (
    id: string,
    attempt: number,
    result: PipelineRunEvent['result'],
    minutes: number,
  ): PipelineRunEvent =>
    ({
      type: 'pipeline_run',
      id,
      repo: 'shop',
      workflow: 'ci',
      result,
      attempt,
      startedAt: at(attempt),
      finishedAt: at(attempt) + minutes * 60_000,
    }) as PipelineRunEvent

  test('build time percentiles, flaky and failure rates, doc freshness, survey by question', () => {
    const runs = [
      run('a', 1, 'success', 4),
      run('b', 1, 'failure', 6),
      run('b', 2, 'success', 5),
      run('c', 1, 'failure', 10),
      run('d', 1, 'cancelled', 1),
    ]
    const docs = new Map([
      ['README.md', [T0 + 80 * DAY]],
      ['docs/setup.md', [T0 - 30 * DAY]],
      ['docs/old.md', [T0 - 100 * DAY]],
    ])
    const survey = [3, 4, 4, 5, 4].map(
      (score, i) =>
        ({
          type: 'survey_response',
          id: `d${i}`,
          survey: 'dx',
          team: 'web',
          question: 'dx-ci-speed',
          score,
          at: at(10),
        }) as SurveyResponseEvent,
    )
    survey.push({
      type: 'survey_response',
      id: 'x',
      survey: 'dx',
      team: 'web',
      question: 'dx-docs',
      score: 2,
      at: at(10),
    } as SurveyResponseEvent)
    const dx = computeDx(runs, docs, survey, quarter)
    // Completed runs: 4, 6, 5, 10 minutes → p50 5.5 min; p95 at rank 2.85 → 6 + 0.85 × 4 = 9.4 min.
    expect(dx.builds).toMatchObject({ n: 4, p50Seconds: 330 })
    expect(dx.builds.p95Seconds).toBeCloseTo(9.4 * 60, 9)
    expect(dx).toMatchObject({ runs: 4, flaky: 1, flakyRate: 0.25, failed: 1, failureRate: 0.25 })
    // Fresh within 90 days of the period's end (T0 + 91 d): README (11 d before), not setup.md (121 d).
    expect(dx.docs).toEqual({ paths: 3, fresh: 1, freshness: 1 / 3 })
    expect(dx.survey).toEqual([
      { question: 'dx-ci-speed', respondents: 5, score: 4 },
      { question: 'dx-docs', respondents: 1, score: null },
    ])
    expect([isDocPath('docs/a.txt'), isDocPath('src/x.ts'), isDocPath('CHANGELOG.md')]).toEqual([
      true,
      false,
      true,
    ])
  })
})

describe('platform, security and allocation', () => {
  test('paved-road adoption, onboarding time and support requests per team per month', () => {
    const services = [
      { id: 'a', lifecycle: 'production', pavedRoad: true },
      { id: 'b', lifecycle: 'production', pavedRoad: false },
      { id: 'c', lifecycle: 'production', pavedRoad: true },
      { id: 'd', lifecycle: 'production' },
      { id: 'old', lifecycle: 'deprecated', pavedRoad: false },
    ]
    const firsts = new Map([
      ['a', { firstCommit: T0 + DAY, firstDeploy: T0 + 3 * DAY }],
      ['b', { firstCommit: T0 - 10 * DAY, firstDeploy: T0 - 2 * DAY }],
      ['c', { firstCommit: T0, firstDeploy: T0 + 6 * HOUR }],
    ])
    const items = [
      item('P1', [['todo', 1]], { requestedBy: 'alpha' }),
      item('P2', [['todo', 2]], { requestedBy: 'alpha' }),
      item('P3', [['todo', 3]], { requestedBy: 'beta' }),
      item('P4', [['todo', 4]]),
    ]
    services.push({ id: 'lab', lifecycle: 'experimental', pavedRoad: false })
    const period = utc.span({ from: T0, to: T0 + (365.25 / 12) * DAY })
    const platform = computePlatform(services, firsts, items, period, ['web', 'alpha', 'beta', 'gamma'])
    // Production services only: the experimental and the deprecated one do not count.
    expect(platform.pavedRoad).toEqual({ services: 4, onRoad: 2, adoption: 0.5 })
    expect(platform.onboarding).toMatchObject({ n: 2, median: 27 * 3600 })
    // 3 requests to web; alpha, beta and gamma could ask (gamma asked nothing): 1 per team per month.
    expect(platform.supportRequests).toMatchObject({ requests: 3, teams: 3, perTeamPerMonth: 1 })
  })

  test('vulnerabilities fixed within their SLA; open ones count once their SLA runs out', () => {
    const vuln = (
      id: string,
      severity: VulnerabilityEvent['severity'],
      foundDay: number,
      fixedDay?: number,
    ): VulnerabilityEvent =>
      ({
        type: 'vulnerability',
        id,
        service: 'api',
        severity,
        foundAt: T0 + foundDay * DAY,
        ...(fixedDay === undefined ? {} : { fixedAt: T0 + fixedDay * DAY }),
      }) as VulnerabilityEvent
    const security = computeSecurity(
      [
        vuln('c1', 'critical', 0, 5),
        vuln('c2', 'critical', 0, 9),
        vuln('h1', 'high', 10, 20),
        vuln('h2', 'high', 10),
        vuln('m1', 'medium', 60),
      ],
      quarter,
    )
    expect(security.bySeverity.critical).toEqual({ due: 2, withinSla: 1, rate: 0.5 })
    // h2 is still open and its 30 days ran out on day 40: a breach.
    expect(security.bySeverity.high).toEqual({ due: 2, withinSla: 1, rate: 0.5 })
    expect(security.bySeverity.medium).toEqual({ due: 0, withinSla: 0, rate: null })
    expect(security).toMatchObject({ due: 4, withinSla: 2, rate: 0.5, open: 2 })
  })

  test('capacity allocation by investment against the plan', () => {
    const items = [
      item(
        'R',
        [
          ['in-progress', 0],
          ['done', 5],
        ],
        { points: 6 },
      ),
      item(
        'T',
        [
          ['in-progress', 0],
          ['done', 5],
        ],
        { points: 2, itemType: 'tech-debt' },
      ),
      item(
        'B',
        [
          ['in-progress', 0],
          ['done', 5],
        ],
        { points: 1, itemType: 'bug' },
      ),
      item(
        'S',
        [
          ['in-progress', 0],
          ['done', 5],
        ],
        { points: 1, investment: 'security' },
      ),
    ]
    const allocation = computeAllocation(items, quarter, { roadmap: 0.7, 'tech-debt': 0.2 })
    expect(allocation.points).toBe(10)
    expect(allocation.byInvestment.roadmap).toEqual({ points: 6, share: 0.6, planned: 0.7, gap: 0.6 - 0.7 })
    expect(allocation.byInvestment['tech-debt']).toEqual({ points: 2, share: 0.2, planned: 0.2, gap: 0 })
    expect(allocation.byInvestment.reliability).toMatchObject({ points: 1, share: 0.1, planned: null })
  })
})
