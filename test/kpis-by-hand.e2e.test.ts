/**
 * Every KPI of the catalog, end to end: a small organization's git history and events for March
 * 2025 (UTC, 31 days) go through `engops ingest` into a real store, and `engops kpis --json` must
 * give, for every KPI, the value and sample size worked out by hand below — DORA included, from
 * the commit graph and the deployments, not from a summary the test wrote.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { KpiResult } from '../src/engine/engine.js'
import { KPI_CATALOG } from '../src/metrics/kpi-catalog.js'
import { MEASURED } from '../src/metrics/testing-fixtures.js'
import { engops, engopsJson, makeRepo, ndjson, ROOT, tempDir } from './helpers.js'

const H = 3600
const D = 24 * H
/** Calendar weeks and months of March (31 days). */
const WEEKS = 31 / 7
const MONTHS = 31 / (365.25 / 12)

let dir: string
let cleanup: () => void
let kpis: Map<string, KpiResult>

const ORG = `org:
  name: Acme
  timezone: UTC
  capacityAllocation: { roadmap: 0.5, tech-debt: 0.5 }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], team: web, start: 2024-01-01 }
  - { id: bob, name: Bob, emails: [bob@example.com], team: web, start: 2024-01-01 }
  - { id: cy, name: Cy, emails: [cy@example.com], team: web, start: 2024-01-01 }
  - { id: dee, name: Dee, emails: [dee@example.com], team: web, start: 2025-03-18 }
  - { id: fay, name: Fay, emails: [fay@example.com], team: web, start: 2024-01-01, end: 2025-03-18 }
  - { id: eve, name: Eve, emails: [eve@example.com], team: plat, start: 2024-01-01 }
teams:
  - { id: web, name: Web, type: stream-aligned, wipLimit: 2 }
  - { id: plat, name: Platform, type: platform, wipLimit: 3 }
services:
  - { id: api, owner: web, tier: 2, repositories: [shop], pavedRoad: true, onCallPeople: [ana, bob], runbook: https://x/api }
  - { id: worker, owner: web, tier: 3, repositories: [jobs], pavedRoad: false }
  - { id: lab, owner: web, tier: 4, lifecycle: experimental, pavedRoad: false }
slos:
  - { id: api-availability, service: api, objective: 99, window: 28d }
dependencies:
  - { provider: plat, consumer: web, what: Queue, status: open, opened: 2025-03-14 }
  - { provider: plat, consumer: web, what: Cache, status: in-progress, opened: 2025-03-04 }
  - { provider: plat, consumer: web, what: Auth, status: done, opened: 2025-01-04 }
`

beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
  writeFileSync(join(dir, 'engops.yaml'), ORG)
  const shopDir = join(dir, 'shop')
  const jobsDir = join(dir, 'jobs')
  mkdirSync(shopDir)
  mkdirSync(jobsDir)
  // shop: docs/old.md last changed in October (stale), docs/setup.md in February (fresh),
  // README.md with s6 on March 20th; after March, old.md changes again and new.md appears.
  const [, , s0, s1, s2, s3, s4, s5, s6, s7] = makeRepo(shopDir, [
    { at: '2024-10-01T10:00:00Z', file: 'docs/old.md' },
    { at: '2025-02-10T10:00:00Z', file: 'docs/setup.md' },
    { at: '2025-02-20T10:00:00Z' },
    { at: '2025-02-24T09:00:00Z' },
    { at: '2025-03-04T09:00:00Z' },
    { at: '2025-03-05T10:00:00Z' },
    { at: '2025-03-09T08:00:00Z', author: 'bob@example.com' },
    { at: '2025-03-11T09:00:00Z' },
    { at: '2025-03-20T09:00:00Z', file: 'README.md' },
    { at: '2025-03-21T08:00:00Z', author: 'bob@example.com' },
    { at: '2025-04-10T10:00:00Z', file: 'docs/new.md' },
    { at: '2025-04-15T10:00:00Z', file: 'docs/old.md' },
  ])
  const [j1] = makeRepo(jobsDir, [{ at: '2025-03-10T00:00:00Z' }])
  for (const repo of ['shop', 'jobs']) expect(engops(['ingest', 'git', repo], dir).code).toBe(0)
  void s0

  const deploy = (id: string, service: string, sha: string | undefined, finishedAt: string, extra = {}) => ({
    type: 'deployment',
    id,
    service,
    environment: 'production',
    result: 'success',
    startedAt: new Date(Date.parse(finishedAt) - 10 * 60_000).toISOString(),
    finishedAt,
    sha,
    ...extra,
  })
  const incident = (id: string, fields: object) => ({ type: 'incident', id, ...fields })
  const at = (text: string) => `2025-${text}:00Z`
  const item = (key: string, changes: [string, string][], fields: object = {}) => ({
    type: 'work_item',
    team: 'web',
    key,
    itemType: 'story',
    points: 3,
    createdAt: at(changes[0]![1]),
    statusChanges: changes.map(([status, when]) => ({ status, at: at(when) })),
    ...fields,
  })
  const run = (id: string, attempt: number, result: string, minutes: number) => ({
    type: 'pipeline_run',
    id,
    attempt,
    repo: 'shop',
    workflow: 'ci',
    result,
    startedAt: at('03-12T10:00'),
    finishedAt: new Date(Date.parse(at('03-12T10:00')) + minutes * 60_000).toISOString(),
  })
  const answer = (i: number, question: string, value: object) => ({
    type: 'survey_response',
    id: `s-${i}-${question}`,
    survey: 'q1',
    team: 'web',
    question,
    at: at('03-10T12:00'),
    ...value,
  })
  const events = [
    // api: D0 before March (its first deployment), then D1–D7; D4 failed. worker: W1, its first.
    deploy('D0', 'api', s1, at('02-24T12:00')),
    deploy('D1', 'api', s3, at('03-05T12:00'), { regression: false }),
    deploy('D2', 'api', s4, at('03-10T10:00'), { regression: true }),
    deploy('D3', 'api', s5, at('03-11T10:00'), { kind: 'hotfix' }),
    deploy('D4', 'api', s5, at('03-13T09:00'), { result: 'failure' }),
    deploy('W1', 'worker', j1, at('03-11T00:00')),
    deploy('D5', 'api', s6, at('03-21T09:00')),
    deploy('D6', 'api', s7, at('03-22T12:00')),
    deploy('D7', 'api', s6, at('03-23T09:00'), { kind: 'rollback' }),
    // After March: D8 rolls D7 back, so March's last release did not hold either.
    deploy('D8', 'api', s5, at('04-02T09:00'), { kind: 'rollback' }),
    // I1: SEV-2 ten hours after D2, updates on cadence for all three audiences, postmortem done.
    incident('I1', {
      services: ['api'],
      severity: 'SEV-2',
      detectedAt: at('03-10T20:00'),
      acknowledgedAt: at('03-10T20:10'),
      mitigatedAt: at('03-10T21:50'),
      resolvedAt: at('03-10T22:00'),
      statusUpdates: [
        ...['20:20', '20:45', '21:10', '21:35'].map((t) => ({ at: at(`03-10T${t}`), audience: 'internal' })),
        ...['20:30', '21:20'].map((t) => ({ at: at(`03-10T${t}`), audience: 'external' })),
        { at: at('03-10T21:00'), audience: 'exec' },
      ],
      postmortem: {
        status: 'reviewed',
        completedAt: at('03-12T12:00'),
        actionItems: [
          {
            title: 'Add canary checks',
            owner: 'ana',
            due: at('03-20T00:00'),
            done: true,
            doneAt: at('03-18T00:00'),
          },
        ],
      },
    }),
    // I2: SEV-1, no exec update in 40 minutes (30 allowed); its postmortem is a draft with an overdue item.
    incident('I2', {
      services: ['api'],
      severity: 'SEV-1',
      detectedAt: at('03-20T00:00'),
      acknowledgedAt: at('03-20T00:04'),
      mitigatedAt: at('03-20T00:40'),
      resolvedAt: at('03-20T01:00'),
      statusUpdates: [
        { at: at('03-20T00:10'), audience: 'internal' },
        { at: at('03-20T00:25'), audience: 'internal' },
        { at: at('03-20T00:20'), audience: 'external' },
      ],
      postmortem: {
        status: 'draft',
        actionItems: [{ title: 'Fix the retry storm', owner: 'bob', due: at('03-25T00:00'), done: false }],
      },
    }),
    incident('I3', {
      services: ['worker'],
      severity: 'SEV-3',
      detectedAt: at('03-12T10:00'),
      acknowledgedAt: at('03-12T10:45'),
      resolvedAt: at('03-12T14:00'),
      statusUpdates: [
        { at: at('03-12T11:00'), audience: 'internal' },
        { at: at('03-12T12:30'), audience: 'internal' },
      ],
    }),
    // I4: SEV-4 on Friday afternoon, acknowledged Monday morning: the next business day.
    incident('I4', {
      services: ['api'],
      severity: 'SEV-4',
      detectedAt: at('03-14T16:00'),
      acknowledgedAt: at('03-17T09:00'),
      resolvedAt: at('03-17T12:00'),
    }),
    {
      type: 'pull_request',
      repo: 'shop',
      number: 1,
      author: 'ana@example.com',
      createdAt: at('03-04T09:30'),
      mergedAt: at('03-05T10:30'),
      mergeSha: s3,
      commits: [s2, s3],
      reviews: [{ author: 'bob@example.com', at: at('03-04T13:30'), state: 'approved' }],
      additions: 90,
      deletions: 10,
    },
    {
      type: 'pull_request',
      repo: 'shop',
      number: 2,
      author: 'bob@example.com',
      createdAt: at('03-09T09:00'),
      mergedAt: at('03-10T09:30'),
      mergeSha: s4,
      commits: [s4],
      reviews: [{ author: 'cy@example.com', at: at('03-10T09:00'), state: 'approved' }],
      additions: 300,
      deletions: 100,
    },
    {
      type: 'pull_request',
      repo: 'shop',
      number: 3,
      author: 'ana@example.com',
      createdAt: at('03-20T09:30'),
      mergedAt: at('03-20T11:00'),
      mergeSha: s6,
      commits: [s6],
      reviews: [{ author: 'ana@example.com', at: at('03-20T10:00'), state: 'approved' }],
      additions: 5,
      deletions: 0,
    },
    {
      type: 'pull_request',
      repo: 'shop',
      number: 4,
      author: 'bob@example.com',
      draft: true,
      createdAt: at('03-21T09:00'),
      mergedAt: at('03-22T11:00'),
      mergeSha: s7,
      commits: [s7],
      reviews: [{ author: 'ana@example.com', at: at('03-21T10:00'), state: 'approved' }],
      additions: 50,
      deletions: 0,
    },
    {
      type: 'pull_request',
      repo: 'shop',
      number: 5,
      author: 'dee@example.com',
      createdAt: at('03-25T09:00'),
      mergedAt: at('03-30T00:00'),
      reviews: [{ author: 'ana@example.com', at: at('03-25T11:00'), state: 'approved' }],
      additions: 20,
      deletions: 0,
    },
    item(
      'A',
      [
        ['todo', '03-04T00:00'],
        ['in-progress', '03-04T02:00'],
        ['review', '03-04T10:00'],
        ['done', '03-04T12:00'],
      ],
      { committedQuarter: '2025-Q1' },
    ),
    item(
      'B',
      [
        ['todo', '03-05T00:00'],
        ['in-progress', '03-05T00:00'],
        ['blocked', '03-05T04:00'],
        ['in-progress', '03-06T00:00'],
        ['done', '03-06T06:00'],
      ],
      { itemType: 'tech-debt', points: 5 },
    ),
    item(
      'C',
      [
        ['todo', '03-04T00:00'],
        ['in-progress', '03-28T00:00'],
      ],
      { committedQuarter: '2025-Q1' },
    ),
    item('D', [
      ['todo', '03-04T00:00'],
      ['in-progress', '03-29T00:00'],
      ['review', '03-30T00:00'],
    ]),
    item('B1', [['todo', '03-06T00:00']], { itemType: 'bug', points: 1, foundIn: 'pre-release' }),
    item('B2', [['todo', '03-07T00:00']], { itemType: 'bug', points: 1, foundIn: 'production' }),
    item('B3', [['todo', '03-08T00:00']], { itemType: 'bug', points: 1, foundIn: 'customer' }),
    item('B4', [['todo', '03-09T00:00']], { itemType: 'bug', points: 1 }),
    ...['R1', 'R2', 'R3'].map((key, i) =>
      item(key, [['todo', `03-1${i}T00:00`]], { team: 'plat', itemType: 'task', requestedBy: 'web' }),
    ),
    {
      type: 'sprint',
      id: 'S1',
      team: 'web',
      start: at('03-04T00:00'),
      end: at('03-18T00:00'),
      committed: 40,
      completed: 36,
      completedCommitted: 30,
      added: 6,
    },
    {
      type: 'sprint',
      id: 'S2',
      team: 'web',
      start: at('03-18T00:00'),
      end: at('04-01T00:00'),
      committed: 40,
      completed: 32,
    },
    // 28 daily samples in the 28-day window before April 1st; March 10th has 15 bad of 1,000.
    ...Array.from({ length: 28 }, (_, i) => ({
      type: 'sli',
      slo: 'api-availability',
      start: new Date(Date.parse(at('03-04T00:00')) + i * D * 1000).toISOString(),
      end: new Date(Date.parse(at('03-04T00:00')) + (i + 1) * D * 1000).toISOString(),
      good: i === 6 ? 985 : 995,
      total: 1000,
    })),
    { type: 'person_event', id: 'h-dee', person: 'dee', kind: 'hire', at: at('03-18T00:00'), team: 'web' },
    {
      type: 'person_event',
      id: 'l-fay',
      person: 'fay',
      kind: 'leave',
      at: at('03-18T00:00'),
      team: 'web',
      voluntary: true,
      regrettable: true,
    },
    ...[5, 4, 4, 3, 4].map((score, i) => answer(i, 'engagement', { score })),
    ...[10, 9, 8, 6, 3].map((nps, i) => answer(i, 'enps', { nps })),
    ...[3, 4, 4, 5, 4].map((score, i) => answer(i, 'dx-ci-speed', { score })),
    answer(0, 'dx-docs', { score: 2 }),
    {
      type: 'requisition',
      id: 'r1',
      role: 'Engineer',
      team: 'web',
      opened: at('02-10T00:00'),
      filled: at('03-12T00:00'),
      stages: { applied: 100, screened: 30, interviewed: 10, offered: 2 },
      offersMade: 2,
      offersAccepted: 1,
    },
    {
      type: 'requisition',
      id: 'r2',
      role: 'Engineer',
      team: 'web',
      opened: at('03-05T00:00'),
      filled: at('03-25T00:00'),
      stages: { applied: 50, screened: 20, interviewed: 5, offered: 2 },
      offersMade: 2,
      offersAccepted: 2,
    },
    {
      type: 'requisition',
      id: 'r3',
      role: 'Engineer',
      team: 'web',
      opened: at('03-20T00:00'),
      stages: { applied: 50, screened: 10, interviewed: 5, offered: 0 },
    },
    { type: 'cost', month: '2025-03', category: 'cloud', vendor: 'aws', amount: 10_000 },
    { type: 'cost', month: '2025-03', category: 'tooling', vendor: 'github', amount: 2_000 },
    { type: 'cost', month: '2025-03', category: 'headcount', vendor: 'payroll', amount: 150_000 },
    { type: 'cost', month: '2025-02', category: 'cloud', vendor: 'aws', amount: 99_999 },
    { type: 'business', month: '2025-03', revenue: 600_000, activeUsers: 2_000, forecastCloudSpend: 9_600 },
    run('a', 1, 'success', 4),
    run('b', 1, 'failure', 6),
    run('b', 2, 'success', 5),
    run('c', 1, 'failure', 10),
    run('d', 1, 'cancelled', 1),
    {
      type: 'vulnerability',
      id: 'c1',
      service: 'api',
      severity: 'critical',
      foundAt: at('03-04T00:00'),
      fixedAt: at('03-09T00:00'),
    },
    {
      type: 'vulnerability',
      id: 'c2',
      service: 'api',
      severity: 'critical',
      foundAt: at('03-04T00:00'),
      fixedAt: at('03-13T00:00'),
    },
    {
      type: 'vulnerability',
      id: 'h1',
      service: 'api',
      severity: 'high',
      foundAt: at('03-14T00:00'),
      fixedAt: at('03-24T00:00'),
    },
    { type: 'vulnerability', id: 'h2', service: 'api', severity: 'high', foundAt: at('02-20T00:00') },
    { type: 'feature_flag', flag: 'old', service: 'api', createdAt: at('02-01T00:00') },
    { type: 'feature_flag', flag: 'fresh', service: 'api', createdAt: at('03-20T00:00') },
    {
      type: 'feature_flag',
      flag: 'gone',
      service: 'api',
      createdAt: at('01-01T00:00'),
      removedAt: at('03-10T00:00'),
    },
    { type: 'measurement', kpi: 'alert_precision', at: at('03-05T00:00'), value: 0.9 },
    ...Object.entries(MEASURED).map(([kpi, value]) => ({
      type: 'measurement',
      kpi,
      at: at('03-10T00:00'),
      value,
    })),
  ]
  const ingest = engops(['ingest', 'events', ndjson(join(dir, 'events.ndjson'), events)], dir)
  if (ingest.code !== 0) throw new Error(ingest.stderr)
  const result = engopsJson<{ kpis: KpiResult[] }>(
    ['kpis', '--from', '2025-03-01', '--to', '2025-04-01'],
    dir,
  )
  kpis = new Map(result.kpis.map((kpi) => [kpi.id, kpi]))
})
afterAll(() => cleanup())

/** Average headcount: ana, bob, cy, eve all month; dee from the 18th (14 days), fay until it (17). */
const HEADCOUNT = 4 + 14 / 31 + 17 / 31
/** One leaver in 31 days among 5, compounded to a year. */
const ATTRITION = 1 - (1 - 1 / 5) ** (365 / 31)

/** id → [value, n], each worked out by hand from the history above. */
const EXPECTED: Record<string, [number | null, number]> = {
  // DORA. Successful production deployments in March: D1 D2 D3 W1 D5 D6 D7 (D4 failed).
  deploy_frequency: [7 / 31, 7],
  // Changes: s2 27 h and s3 2 h (D1), s4 26 h (D2), s5 1 h (D3), j1 24 h (W1, worker's first
  // deployment), s6 24 h (D5), s7 28 h (D6); D7 re-deploys s6 and ships nothing new.
  // Sorted 1, 2, 24, 24, 26, 27, 28 h.
  lead_time_p50: [24 * H, 7],
  // D2 failed (I1 came 10 h later with no cause; the hotfix D3 followed it), D6 (rolled back by D7),
  // D7 (rolled back by D8 in April: a failure is known when its rework comes, whenever that is).
  change_failure_rate: [3 / 7, 7],
  // Restore: I1 2 h, I2 1 h, I3 4 h, I4 68 h → (2 + 4) / 2.
  mttr: [3 * H, 4],
  mttr_sev1: [1 * H, 1],
  // I1 blamed on D2 (finished 10:00, resolved 22:00).
  failed_deployment_recovery: [12 * H, 1],
  // D3 (a hotfix) and D7 (a rollback) are rework themselves.
  rework_rate: [2 / 7, 7],
  // Merge → live: PR#2 0.5 h, PR#4 1 h, PR#1 1.5 h, PR#3 22 h.
  deploy_time_p50: [1.25 * H, 4],
  // Flow: A 10 h (8 active), B 30 h (10 active); C in progress and D in review against 2 + 3.
  cycle_time_p50: [20 * H, 2],
  throughput: [2 / WEEKS, 2],
  wip_ratio: [2 / 5, 1],
  flow_efficiency: [18 / 40, 2],
  wait_time_p50: [11 * H, 2],
  // Reviews: turnarounds 2 h (PR#5), 4 h (PR#1), 24 h (PR#2); PR#3 self-reviewed; PR#4 a draft.
  review_turnaround_p50: [4 * H, 3],
  review_sla_share: [1, 3],
  review_turnaround_p90: [(4 + 0.8 * 20) * H, 3],
  pr_size_p50: [(20 + 100) / 2, 4],
  merged_without_review: [1 / 4, 4],
  prs_per_engineer_week: [4 / HEADCOUNT / WEEKS, HEADCOUNT],
  // Delivery: S1 did 30 of its 40; S2 does not say (left out); velocity (36 + 32) / 2; Q1 ends
  // with A (3 points) done and C (3) not; dependencies 18 and 28 days old on April 1st.
  velocity: [34, 2],
  sprint_predictability: [0.75, 1],
  roadmap_predictability: [0.5, 1],
  dependency_aging: [23, 2],
  // Quality: 4 bugs over 8 points done; 2 escaped of 3 of known origin; 1 customer bug, 2,000 users.
  bug_rate: [50, 1],
  escaped_defects: [2, 4],
  defect_escape_rate: [2 / 3, 3],
  customer_bug_rate: [0.5, 1],
  // SLO: 27,850 good of 28,000 over the 28-day window meets 99 %.
  slo_attainment: [1, 1],
  availability: [27_850 / 28_000, 1],
  error_budget_burn: [150 / 28_000 / 0.01, 1],
  // Incidents: acks 4, 10, 45 min and 65 h; all in time; cadence kept 3 + 2 + 1 of 3 + 3 + 1.
  incidents_sev1_2: [2, 1],
  mtta: [27.5 * 60, 4],
  response_time_compliance: [1, 4],
  update_cadence_compliance: [6 / 7, 7],
  postmortem_completion_sev1_2: [1 / 2, 2],
  postmortem_completion_sev3: [0, 1],
  overdue_action_items: [1, 1],
  // 3 pages (SEV-1 to 3); web owns the services; ana and bob are on api's rota.
  pages_per_team_week: [3 / 1 / WEEKS, 1],
  pages_per_person_week: [3 / 2 / WEEKS, 2],
  // Release: 7 releases; D6 rolled back (by D7), and D7 (by D8, in April); D3 a hotfix; D5 Friday, D6 Saturday, D7 Sunday; D1 and
  // D2 report regressions (one); flags: old is stale, fresh is young, gone was removed.
  release_frequency: [7 / WEEKS, 7],
  release_success_rate: [5 / 7, 7],
  rollback_rate: [1 / 7, 7],
  hotfix_frequency: [1 / MONTHS, 7],
  stale_flags: [1, 2],
  friday_weekend_deploys: [3 / 7, 7],
  performance_regression_rate: [1 / 2, 2],
  // Capacity: roadmap 3 of 8 points and tech debt 5 of 8 against halves.
  allocation_deviation: [0.125, 8],
  // Platform: api on the paved road, worker not, lab experimental; worker onboarded in a day;
  // 3 requests to plat from web, the one team that could ask.
  platform_adoption: [0.5, 2],
  service_onboarding_time: [D, 1],
  support_requests: [3 / 1 / MONTHS, 1],
  // Security: c1 and h1 in time, c2 late, h2 still open past its 30 days.
  vulnerability_sla: [2 / 4, 4],
  // Team health: 5 at the end; fay left (voluntary, regrettable).
  retention: [1 - ATTRITION, 5],
  voluntary_attrition: [ATTRITION, 5],
  regrettable_attrition: [ATTRITION, 5],
  engagement: [4, 5],
  enps: [0, 5],
  // Hiring: r1 (30 days) and r2 (20 days) filled; 3 of 4 offers accepted; 3 hires of 15
  // interviewed; dee merged her first pull request 12 days after joining.
  time_to_fill: [25 * D, 2],
  offer_acceptance: [0.75, 4],
  funnel_conversion: [3 / 15, 15],
  time_to_productivity: [12 * D, 1],
  // Cost: March, annualized over the average headcount of 5; cloud + tooling over 7 releases.
  revenue_per_engineer: [(600_000 * 12) / HEADCOUNT, HEADCOUNT],
  cost_per_engineer: [(150_000 * 12) / HEADCOUNT, HEADCOUNT],
  cloud_spend: [10_000, 1],
  cloud_per_user: [5, 1],
  cost_per_deploy: [12_000 / 7, 7],
  cloud_variance: [400 / 9_600, 1],
  tooling_per_engineer: [(2_000 * 12) / HEADCOUNT, HEADCOUNT],
  // DX: runs of 4, 6, 5, 10 minutes (and a cancelled one); b flaky, c failed; 2 of 3 docs fresh.
  build_time_p50: [5.5 * 60, 4],
  build_time_p95: [9.4 * 60, 4],
  flaky_rate: [1 / 4, 4],
  pipeline_failure_rate: [1 / 4, 4],
  doc_freshness: [2 / 3, 3],
  dx_survey: [4, 1],
  ...Object.fromEntries(
    Object.entries(MEASURED).map(([kpi, value]) => [kpi, [value, kpi === 'alert_precision' ? 2 : 1]]),
  ),
}

describe('every KPI from events, computed by hand', () => {
  test('every KPI has an expectation, and the README lists every KPI in the catalog’s order', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(KPI_CATALOG.map((kpi) => kpi.id).sort())
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const listed = [...readme.matchAll(/^\| [^|]+ \| `([a-z0-9_]+)` \|/gm)].map((m) => m[1])
    expect(listed).toEqual(KPI_CATALOG.map((kpi) => kpi.id))
  })

  for (const kpi of KPI_CATALOG) {
    test(kpi.id, () => {
      const [value, n] = EXPECTED[kpi.id] ?? [undefined, undefined]
      const result = kpis.get(kpi.id)
      expect(result, kpi.id).toBeDefined()
      expect(result?.n).toBeCloseTo(n ?? Number.NaN, 9)
      if (value === null) expect(result?.value).toBeNull()
      else expect(result?.value).toBeCloseTo(value ?? Number.NaN, 9)
    })
  }
})
