/**
 * Every KPI of the catalog, read from one hand-built scoreboard: a four-week period (March 2025,
 * days 0–28) with a small organization whose every number is worked out below by hand. The test
 * fails when a KPI is added without a hand-computed expectation.
 */
import { describe, expect, test } from 'vitest'
import type {
  BusinessEvent,
  CostEvent,
  FeatureFlagEvent,
  MeasurementEvent,
  PersonChangeEvent,
  PipelineRunEvent,
  RequisitionEvent,
  SliEvent,
  SprintEvent,
  SurveyResponseEvent,
  VulnerabilityEvent,
  WorkItemEvent,
} from '../model/events.js'
import type { Deployment, Incident, PullRequest } from '../model/types.js'
import { OrgCalendar } from './calendar.js'
import type { DoraSummary } from './dora.js'
import { isKpiId, KPI_CATALOG } from './kpi-catalog.js'
import { computeScoreboard, type ScoreboardInput, SOURCES } from './scoreboard.js'
import { deployment, incident as incidentAt, MEASURED } from './testing-fixtures.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MIN = 60_000
const P0 = Date.parse('2025-03-01T00:00:00Z') // a Saturday
const h = (hours: number) => P0 + hours * HOUR
const d = (days: number) => P0 + days * DAY
const period = { from: P0, to: d(28) }

const stage = (n: number, medianSeconds: number | null) => ({ n, medianSeconds })
const dora: DoraSummary = {
  period: { from: '', to: '', days: 28 },
  profile: 'default',
  deploymentFrequency: {
    deployments: 56,
    perDay: 2,
    perWeek: 14,
    perMonth: 60.875,
    deployDays: 20,
    tier: 'elite',
    covered: true,
  },
  leadTime: {
    n: 10,
    medianSeconds: 7200,
    p90Seconds: 20000,
    tier: 'elite',
    stages: { coding: stage(8, 1), pickup: stage(8, 2), review: stage(8, 3), deploy: stage(8, 1200) },
  },
  changeFailureRate: { deployments: 56, failed: 5, rate: 0.1, tier: 'high' },
  timeToRestore: {
    n: 4,
    medianSeconds: 1800,
    tier: 'elite',
    bySeverity: {
      'SEV-1': stage(1, 900),
      'SEV-2': stage(3, 2000),
      'SEV-3': stage(0, null),
      'SEV-4': stage(0, null),
    },
  },
  failedDeploymentRecoveryTime: { n: 2, medianSeconds: 3600, tier: 'high' },
  reworkRate: { deployments: 56, rework: 3, rate: 0.05 },
  dataQuality: {
    negativeLeadTimes: 0,
    negativeStageSpans: 0,
    negativeRestoreTimes: 0,
    deploymentsWithUnknownSha: 0,
    incidentsWithUnmatchedCause: 0,
    unresolvedIncidents: 0,
  },
}

const item = (key: string, changes: [string, number][], fields: Partial<WorkItemEvent> = {}): WorkItemEvent =>
  ({
    type: 'work_item',
    team: 'web',
    key,
    itemType: 'story',
    points: 3,
    createdAt: h(changes[0]![1]),
    statusChanges: changes.map(([status, hours]) => ({ status, at: h(hours) })),
    ...fields,
  }) as WorkItemEvent
const workItems = [
  item('A', [
    ['todo', 0],
    ['in-progress', 2],
    ['review', 10],
    ['done', 12],
  ]), // cycle 10 h, active 8 h, wait 2 h
  item(
    'B',
    [
      ['todo', 0],
      ['in-progress', 0],
      ['blocked', 4],
      ['in-progress', 24],
      ['done', 30],
    ],
    { points: 5, itemType: 'tech-debt' },
  ), // cycle 30 h, active 10 h, wait 20 h
  item('C', [
    ['todo', 0],
    ['in-progress', 50],
  ]), // in progress at the end
  item('B1', [['todo', 1]], { itemType: 'bug', points: 1, foundIn: 'pre-release' }),
  item('B2', [['todo', 2]], { itemType: 'bug', points: 1, foundIn: 'production' }),
  item('B3', [['todo', 3]], { itemType: 'bug', points: 1, foundIn: 'customer' }),
  item('R1', [['todo', 1]], { itemType: 'task', requestedBy: 'alpha' }),
  item('R2', [['todo', 2]], { itemType: 'task', requestedBy: 'alpha' }),
  item('R3', [['todo', 3]], { itemType: 'task', requestedBy: 'beta' }),
]
const sprints: SprintEvent[] = [
  {
    type: 'sprint',
    id: 's1',
    team: 'web',
    start: d(0),
    end: d(14),
    committed: 40,
    completed: 36,
    completedCommitted: 30,
    added: 6,
  },
  { type: 'sprint', id: 's2', team: 'web', start: d(14), end: d(28), committed: 40, completed: 32, added: 0 },
]
const pr = (number: number, fields: Partial<PullRequest>): PullRequest => ({
  source: 't',
  id: `shop#${number}`,
  repo: 'shop',
  number,
  author: 'ana',
  createdAt: h(0),
  mergedAt: null,
  closedAt: null,
  mergeSha: null,
  headSha: null,
  commits: [],
  reviews: [],
  additions: null,
  deletions: null,
  draft: false,
  labels: [],
  ...fields,
})
const pullRequests = [
  pr(1, {
    createdAt: h(0),
    reviews: [
      { author: 'ana', at: h(1), state: 'commented' },
      { author: 'bob', at: h(4), state: 'approved' },
    ],
    mergedAt: h(5),
    additions: 90,
    deletions: 10,
  }),
  pr(2, {
    createdAt: h(10),
    reviews: [{ author: 'bob', at: h(40), state: 'approved' }],
    mergedAt: h(41),
    additions: 300,
    deletions: 100,
  }),
  pr(3, {
    createdAt: h(20),
    reviews: [{ author: 'ana', at: h(21), state: 'approved' }],
    mergedAt: h(22),
    additions: 5,
    deletions: 0,
  }),
]
const deploy = (id: string, day: number, fields: Partial<Deployment> = {}) => deployment(id, d(day), fields)
const deployments = [
  deploy('d1', 0), // Saturday
  deploy('d2', 1, { regression: true }), // Sunday, rolled back by d3
  deploy('d3', 1.5, { kind: 'rollback' }), // Sunday
  deploy('d4', 4), // Wednesday
  deploy('d5', 5, { kind: 'hotfix' }), // Thursday
  deploy('d6', 6, { result: 'failure' }),
  deploy('d7', 8), // Sunday
]
const incident = (id: string, fields: Partial<Incident>) => incidentAt(id, h(0), fields)
const incidents = [
  incident('i1', {
    severity: 'SEV-1',
    acknowledgedAt: h(0) + 4 * MIN,
    mitigatedAt: h(0) + 20 * MIN,
    resolvedAt: h(1),
    statusUpdates: [
      { at: h(0) + 10 * MIN, audience: 'internal' },
      { at: h(0) + 15 * MIN, audience: 'exec' },
      { at: h(0) + 18 * MIN, audience: 'external' },
    ],
    postmortem: {
      status: 'reviewed',
      contributingFactors: [],
      actionItems: [{ title: 'x', owner: 'ana', due: h(24), done: false }],
    },
  }),
  incident('i2', {
    severity: 'SEV-2',
    detectedAt: h(10),
    acknowledgedAt: h(10) + 20 * MIN,
    resolvedAt: h(13),
  }),
  incident('i3', {
    severity: 'SEV-3',
    detectedAt: h(20),
    acknowledgedAt: h(20) + 30 * MIN,
    resolvedAt: h(22),
    postmortem: {
      status: 'draft',
      contributingFactors: [],
      actionItems: [{ title: 'y', owner: 'bob', due: d(30), done: false }],
    },
  }),
  incident('i4', { severity: 'SEV-4', detectedAt: h(30), acknowledgedAt: h(31), resolvedAt: h(40) }),
]
const flags: FeatureFlagEvent[] = [
  { type: 'feature_flag', flag: 'old', service: 'api', createdAt: d(-40) },
  { type: 'feature_flag', flag: 'fresh', service: 'api', createdAt: d(10) },
  { type: 'feature_flag', flag: 'gone', service: 'api', createdAt: d(-60), removedAt: d(-1) },
]
// 27 days of 995 good of 1,000 and one of 985: 150 bad of 28,000.
const sli: SliEvent[] = Array.from({ length: 28 }, (_, i) => ({
  type: 'sli',
  slo: 'api-availability',
  start: d(i),
  end: d(i + 1),
  good: i === 3 ? 985 : 995,
  total: 1000,
}))
const person = (
  id: string,
  kind: PersonChangeEvent['kind'],
  day: number,
  fields: Partial<PersonChangeEvent> = {},
): PersonChangeEvent =>
  ({ type: 'person_event', id, person: id, kind, at: d(day), ...fields }) as PersonChangeEvent
const answer = (i: number, question: string, value: { score?: number; nps?: number }): SurveyResponseEvent =>
  ({
    type: 'survey_response',
    id: `s-${i}-${question}`,
    survey: 's',
    team: 'web',
    question,
    at: d(5),
    ...value,
  }) as SurveyResponseEvent
const survey = [
  ...[5, 4, 4, 3, 4].map((score, i) => answer(i, 'engagement', { score })),
  ...[10, 9, 8, 6, 3].map((nps, i) => answer(i, 'enps', { nps })),
  ...[3, 4, 4, 5, 4].map((score, i) => answer(i, 'dx-ci-speed', { score })),
  answer(0, 'dx-docs', { score: 2 }),
]
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
    opened: d(opened),
    ...(filled === undefined ? {} : { filled: d(filled) }),
    stages,
    offersMade: made,
    offersAccepted: accepted,
  }) as RequisitionEvent
const cost = (month: string, category: CostEvent['category'], amount: number): CostEvent =>
  ({ type: 'cost', month, category, vendor: 'v', amount }) as CostEvent
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
    startedAt: h(attempt),
    finishedAt: h(attempt) + minutes * MIN,
  }) as PipelineRunEvent
const vuln = (
  id: string,
  severity: VulnerabilityEvent['severity'],
  found: number,
  fixed?: number,
): VulnerabilityEvent =>
  ({
    type: 'vulnerability',
    id,
    service: 'api',
    severity,
    foundAt: d(found),
    ...(fixed === undefined ? {} : { fixedAt: d(fixed) }),
  }) as VulnerabilityEvent
const measurements: MeasurementEvent[] = [
  { type: 'measurement', kpi: 'alert_precision', at: d(3), value: 0.9 },
  ...Object.entries(MEASURED).map(
    ([kpi, value]) => ({ type: 'measurement', kpi, at: d(10), value }) as MeasurementEvent,
  ),
]

const input: ScoreboardInput = {
  period,
  dora,
  workItems,
  sprints,
  pullRequests,
  deployments,
  incidents,
  flags,
  slos: [
    { id: 'api-availability', service: 'api', objective: 99, window: '28d', sli: 'ratio', samples: sli },
  ],
  personEvents: [person('p5', 'hire', 5), person('p9', 'leave', 10, { voluntary: true, regrettable: true })],
  survey,
  requisitions: [
    req('r1', -10, 20, { applied: 100, screened: 30, interviewed: 10, offered: 2 }, 2, 1),
    req('r2', 5, 25, { applied: 50, screened: 20, interviewed: 5, offered: 2 }, 2, 2),
    req('r3', 20, undefined, { applied: 50, screened: 10, interviewed: 5, offered: 0 }, 0, 0),
  ],
  costs: [
    cost('2025-03', 'cloud', 10_000),
    cost('2025-03', 'tooling', 2_000),
    cost('2025-03', 'headcount', 150_000),
    cost('2025-02', 'cloud', 99_999),
  ],
  business: [
    {
      type: 'business',
      month: '2025-03',
      revenue: 600_000,
      activeUsers: 2_000,
      forecastCloudSpend: 9_600,
    } as BusinessEvent,
  ],
  runs: [
    run('a', 1, 'success', 4),
    run('b', 1, 'failure', 6),
    run('b', 2, 'success', 5),
    run('c', 1, 'failure', 10),
    run('d', 1, 'cancelled', 1),
  ],
  vulnerabilities: [
    vuln('c1', 'critical', 0, 5),
    vuln('c2', 'critical', 0, 9),
    vuln('h1', 'high', 10, 20),
    vuln('h2', 'high', 10),
    vuln('m1', 'medium', 60),
  ],
  measurements,
  // Judged as of the period's end: old.md's later change does not freshen it, new.md did not exist yet.
  docChanges: new Map([
    ['shop:README.md', [d(-200), d(20)]],
    ['shop:docs/setup.md', [d(-30)]],
    ['shop:docs/old.md', [d(-100), d(40)]],
    ['shop:docs/new.md', [d(35)]],
  ]),
  services: [
    { id: 'a', lifecycle: 'production', pavedRoad: true },
    { id: 'b', lifecycle: 'production', pavedRoad: false },
    { id: 'c', lifecycle: 'production', pavedRoad: true },
    { id: 'd', lifecycle: 'production' },
    { id: 'old', lifecycle: 'deprecated', pavedRoad: false },
  ],
  serviceFirsts: new Map([
    ['a', { firstCommit: d(1), firstDeploy: d(3) }],
    ['b', { firstCommit: d(-10), firstDeploy: d(-2) }],
    ['c', { firstCommit: d(0), firstDeploy: d(0) + 6 * HOUR }],
  ]),
  // 19 people all along, p5 hired on day 5 and p9 leaving on day 10 (dates from their events).
  people: [
    ...Array.from({ length: 19 }, (_, i) => ({ id: `e${i}`, start: d(-300), end: null })),
    { id: 'p5', start: null, end: null },
    { id: 'p9', start: null, end: null },
  ],
  onCall: { people: 6, teams: 1 },
  orgTeams: ['web', 'alpha', 'beta', 'gamma'],
  wipLimit: 2,
  dependencies: [
    { status: 'open', opened: d(18) },
    { status: 'in-progress', opened: d(0) },
    { status: 'done', opened: d(-50) },
  ],
  allocationPlan: { roadmap: 0.5, 'tech-debt': 0.5 },
  loadedCostPerEngineer: null,
  sameAuthor: (a, b) => a === b,
  firstMergeOf: (who, after) => (who === 'p5' ? after + 12 * DAY : null),
  calendar: new OrgCalendar('UTC'),
}

/** Time-weighted headcount: 19 + p5's 23 days + p9's 10 days of 28. */
const HEADCOUNT = 19 + 33 / 28
/** One leaver in 28 days, compounded to a year. */
const annual = (n: number, headcount: number) => 1 - (1 - n / headcount) ** (365 / 28)
const months = 28 / (365.25 / 12)

/** id → [value, n], each worked out by hand from the data above. */
const EXPECTED: Record<string, [number | null, number]> = {
  // DORA: read straight from the summary.
  deploy_frequency: [2, 56],
  lead_time_p50: [7200, 10],
  change_failure_rate: [0.1, 56],
  mttr: [1800, 4],
  mttr_sev1: [900, 1],
  failed_deployment_recovery: [3600, 2],
  rework_rate: [0.05, 56],
  deploy_time_p50: [1200, 8],
  // Flow: A and B finished (10 h and 30 h), C still in progress against a limit of 2.
  cycle_time_p50: [20 * 3600, 2],
  throughput: [2 / 4, 2],
  wip_ratio: [0.5, 1],
  flow_efficiency: [18 / 40, 2],
  wait_time_p50: [11 * 3600, 2],
  // Reviews: turnarounds 4 h and 30 h; sizes 100, 400, 5; #3 reviewed only by its author.
  review_turnaround_p50: [17 * 3600, 2],
  review_sla_share: [0.5, 2],
  review_turnaround_p90: [(4 + 0.9 * 26) * 3600, 2],
  pr_size_p50: [100, 3],
  merged_without_review: [1 / 3, 3],
  prs_per_engineer_week: [3 / HEADCOUNT / 4, HEADCOUNT],
  // Delivery: only s1 says how much of its commitment was done (30 of 40); s2 is left out, not
  // guessed; velocity (36 + 32) ÷ 2; no quarter ends in March.
  velocity: [34, 2],
  sprint_predictability: [30 / 40, 1],
  roadmap_predictability: [null, 0],
  dependency_aging: [(10 + 28) / 2, 2],
  // Quality: 3 bugs over 8 points done; 2 escaped of 3; 1 from a customer among 2,000 users.
  bug_rate: [(3 / 8) * 100, 1],
  escaped_defects: [2, 3],
  defect_escape_rate: [2 / 3, 3],
  customer_bug_rate: [0.5, 1],
  // SLOs: 27,850 good of 28,000 meets 99 %; burn (150 / 28,000) ÷ 0.01.
  slo_attainment: [1, 1],
  availability: [27_850 / 28_000, 1],
  error_budget_burn: [150 / 28_000 / 0.01, 1],
  // Incidents: i1 SEV-1, i2 SEV-2, i3 SEV-3, i4 SEV-4 (see reliability.test.ts for the same set).
  incidents_sev1_2: [2, 1],
  mtta: [25 * 60, 4],
  response_time_compliance: [3 / 4, 4],
  update_cadence_compliance: [4 / 7, 7],
  postmortem_completion_sev1_2: [1 / 2, 2],
  postmortem_completion_sev3: [0, 1],
  overdue_action_items: [1, 2],
  pages_per_team_week: [3 / 1 / 4, 1],
  pages_per_person_week: [3 / 6 / 4, 6],
  // Release: six successful releases (d6 failed); d2 rolled back; four on Friday–Sunday.
  release_frequency: [(6 / 28) * 7, 6],
  release_success_rate: [5 / 6, 6],
  rollback_rate: [1 / 6, 6],
  hotfix_frequency: [(1 / 28) * (365.25 / 12), 6],
  stale_flags: [1, 2],
  friday_weekend_deploys: [4 / 6, 6],
  performance_regression_rate: [1 / 6, 6],
  // Capacity: roadmap 3 of 8 points against 0.5, tech debt 5 of 8 against 0.5.
  allocation_deviation: [0.125, 8],
  // Platform: 2 of 4 production services on the paved road; onboarding 48 h and 6 h; 3 requests
  // to web from the 3 other teams that could ask (gamma asked nothing and still counts).
  platform_adoption: [0.5, 4],
  service_onboarding_time: [27 * 3600, 2],
  support_requests: [3 / 3 / months, 3],
  // Security: c1 and h1 in time, c2 late; h2's SLA runs out after the period, m1 comes later.
  vulnerability_sla: [2 / 3, 3],
  // Team health: 20 at the end, one hire and one regrettable voluntary leave; average 19 + 33/28.
  retention: [1 - annual(1, HEADCOUNT), 20],
  voluntary_attrition: [annual(1, HEADCOUNT), 20],
  regrettable_attrition: [annual(1, HEADCOUNT), 20],
  engagement: [4, 5],
  enps: [0, 5],
  // Hiring: r1 and r2 filled after 30 and 20 days; their 3 of 4 offers accepted; 3 hires of 15
  // interviewed (r3 is still open: its counts wait for its outcome).
  time_to_fill: [25 * 86400, 2],
  offer_acceptance: [0.75, 4],
  funnel_conversion: [3 / 15, 15],
  time_to_productivity: [12 * 86400, 1],
  // Cost: one month, annualized over the average headcount; cloud + tooling over 6 releases.
  revenue_per_engineer: [(600_000 * 12) / HEADCOUNT, HEADCOUNT],
  cost_per_engineer: [(150_000 * 12) / HEADCOUNT, HEADCOUNT],
  cloud_spend: [10_000, 1],
  cloud_per_user: [5, 1],
  cost_per_deploy: [12_000 / 6, 56],
  cloud_variance: [400 / 9_600, 1],
  tooling_per_engineer: [(2_000 * 12) / HEADCOUNT, HEADCOUNT],
  // DX: completed runs of 4, 6, 5 and 10 minutes; run b flaky, run c failed; 2 of 3 docs fresh.
  build_time_p50: [5.5 * 60, 4],
  build_time_p95: [9.4 * 60, 4],
  flaky_rate: [1 / 4, 4],
  pipeline_failure_rate: [1 / 4, 4],
  doc_freshness: [2 / 3, 3],
  dx_survey: [4, 1],
  // Measurements: the latest value in the period (alert precision was measured twice).
  ...Object.fromEntries(
    Object.entries(MEASURED).map(([kpi, value]) => [
      kpi,
      [value, kpi === 'alert_precision' ? 2 : 1] as [number, number],
    ]),
  ),
}

describe('the KPI catalog on a hand-computed scoreboard', () => {
  const board = computeScoreboard(input)

  test('every KPI is named once, pairs with a KPI that exists, and sits in its family’s file', () => {
    const ids = KPI_CATALOG.map((kpi) => kpi.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const kpi of KPI_CATALOG) if (kpi.paired) expect(isKpiId(kpi.paired), kpi.id).toBe(true)
    expect(isKpiId('lead_time_p50')).toBe(true)
    expect(isKpiId('lead_time_p05')).toBe(false)
  })

  test('every KPI has a hand-computed expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(KPI_CATALOG.map((kpi) => kpi.id).sort())
  })

  for (const kpi of KPI_CATALOG) {
    test(`${kpi.id}`, () => {
      const [value, n] = EXPECTED[kpi.id] ?? [undefined, undefined]
      const reading = kpi.read(board)
      expect(reading.n).toBeCloseTo(n!, 9)
      if (value === null) expect(reading.value).toBeNull()
      else expect(reading.value).toBeCloseTo(value!, 9)
    })
  }
})

describe('a source that was never ingested', () => {
  test('counts are "no data", not a reassuring zero', () => {
    const empty = computeScoreboard({
      ...input,
      deployments: [],
      incidents: [],
      workItems: [],
      pullRequests: [],
      flags: [],
      costs: [],
      personEvents: [],
      people: input.people.map((p) => ({ ...p, start: null })),
    })
    const ids = [
      'deploy_frequency',
      'throughput',
      'wip_ratio',
      'escaped_defects',
      'prs_per_engineer_week',
      'incidents_sev1_2',
      'overdue_action_items',
      'pages_per_team_week',
      'pages_per_person_week',
      'release_frequency',
      'hotfix_frequency',
      'stale_flags',
      'retention',
      'voluntary_attrition',
      'regrettable_attrition',
      'cloud_spend',
    ]
    for (const id of ids)
      expect(KPI_CATALOG.find((kpi) => kpi.id === id)!.read(empty), id).toMatchObject({ value: null, n: 0 })
    const read = (id: string) => KPI_CATALOG.find((kpi) => kpi.id === id)!.read(empty)
    expect(read('retention').note).toBe(SOURCES.people)
    expect(read('deploy_frequency').note).toBe(SOURCES.deployments)
    expect(read('cloud_spend').note).toBe(SOURCES.costs)
  })

  test('a period before any data: no reassuring 100 % retention, zero attrition or zero cloud spend', () => {
    // The same organization a year earlier: every source starts later.
    const early = computeScoreboard({ ...input, period: { from: d(-365), to: d(-337) } })
    for (const id of [
      'retention',
      'voluntary_attrition',
      'cloud_spend',
      'incidents_sev1_2',
      'release_frequency',
      'escaped_defects',
      'customer_bug_rate',
      'update_cadence_compliance',
    ]) {
      const reading = KPI_CATALOG.find((kpi) => kpi.id === id)!.read(early)
      expect(reading.value, id).toBeNull()
      expect(reading.note, id).toMatch(/^no |carry no/)
    }
  })

  test('fields no source fills are no data, with the field named', () => {
    const bare = computeScoreboard({
      ...input,
      deployments: deployments.map((d) => ({ ...d, regression: null })),
      incidents: incidents.map((i) => ({ ...i, statusUpdates: [], postmortem: null })),
      services: input.services.map(({ pavedRoad: _, ...s }) => s),
    })
    const read = (id: string) => KPI_CATALOG.find((kpi) => kpi.id === id)!.read(bare)
    expect(read('performance_regression_rate')).toEqual({ value: null, n: 0, note: SOURCES.regressions })
    expect(read('update_cadence_compliance')).toEqual({ value: null, n: 0, note: SOURCES.statusUpdates })
    expect(read('postmortem_completion_sev1_2')).toEqual({ value: null, n: 0, note: SOURCES.postmortems })
    expect(read('platform_adoption')).toEqual({ value: null, n: 0, note: SOURCES.pavedRoad })
    // The incidents themselves still count: zero action items overdue is not claimed either.
    expect(read('incidents_sev1_2').value).toBe(2)
  })

  test('on-call load falls back to the scope’s engineers, and says so, when no rota is named', () => {
    const board = computeScoreboard({ ...input, onCall: { people: null, teams: 1 } })
    const reading = KPI_CATALOG.find((kpi) => kpi.id === 'pages_per_person_week')!.read(board)
    expect(reading.value).toBeCloseTo(3 / HEADCOUNT / 4, 12)
    expect(reading.note).toBe(
      'no on-call shifts or onCallPeople for the services: divided by the 20.2 engineers of the scope',
    )
  })

  test('sprint predictability leaves out, and names, sprints that do not report completedCommitted', () => {
    const reading = KPI_CATALOG.find((kpi) => kpi.id === 'sprint_predictability')!.read(
      computeScoreboard(input),
    )
    expect(reading.note).toBe('1 of 2 sprints do not report completedCommitted and are left out')
  })
})
