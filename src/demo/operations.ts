/**
 * The demo's data beyond delivery: sprints and work items, engagement surveys, hires and leaves,
 * requisitions, monthly cost and business figures, and daily SLI samples. Stories: Beta's sprint
 * predictability slips with its reviews; payments burns its error budget in the last weeks;
 * cloud spend trends down as the optimization initiative lands.
 */
import { DAY, MINUTE } from '../model/time.js'
import type { DemoOrganization, DemoTeam } from './organization.js'
import { Random } from './random.js'

export interface OperationsSink {
  sprints: string[]
  surveys: string[]
  people: string[]
  costs: string[]
  sli: string[]
  pipelines: string[]
  security: string[]
  measurements: string[]
}

const iso = (ms: number) => new Date(ms).toISOString()
const line = (event: object) => JSON.stringify(event)
const POINTS = [1, 2, 3, 3, 5, 5, 8]

export function simulateOperations(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
  troubled: ReadonlySet<string>,
): void {
  for (const team of org.teams) simulateSprints(team, window, random, sink)
  simulateSurveys(org, window, random, sink)
  simulatePeople(org, window, random, sink)
  simulateCosts(org, window, random, sink)
  simulateSli(org, window, random, sink, troubled)
  simulateDxSurvey(org, window, random, sink)
  simulateSupportRequests(org, window, random, sink)
  simulatePipelines(org, window, random, sink)
  simulateSecurity(org, window, random, sink)
  simulateMeasurements(org, window, random, sink)
}

/** The seed's quarterly DX survey (12 questions, 1–5). Beta's code-review score sinks with its reviews. */
const DX_QUESTIONS = [
  'dx-setup',
  'dx-env-reliability',
  'dx-ci-speed',
  'dx-docs',
  'dx-code-review',
  'dx-collaboration',
  'dx-meetings',
  'dx-on-call',
  'dx-monitoring',
  'dx-deploy-confidence',
  'dx-career',
  'dx-meaningful-work',
]

function simulateDxSurvey(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  for (let at = window.start + 45 * DAY; at < window.end; at += 91 * DAY) {
    const survey = `dx-${new Date(at).toISOString().slice(0, 7)}`
    const late = at > window.end - 60 * DAY
    for (const team of org.teams) {
      team.members.forEach((_, respondent) => {
        for (const question of DX_QUESTIONS) {
          const slowReviews =
            question === 'dx-code-review' && late && team.pickupHours[1] > 3 * team.pickupHours[0]
          const base = slowReviews ? 2.4 : 3.7
          const score = Math.max(1, Math.min(5, Math.round(base + (random.next() - 0.4) * 2)))
          answer(sink, survey, team.id, respondent, question, { score }, at)
        }
      })
    }
  }
}

/** Stream teams ask the platform team for help; every request is a work item of the platform team. */
function simulateSupportRequests(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const platform = org.teams.filter((t) => t.type === 'platform')
  const askers = org.teams.filter((t) => t.type === 'stream-aligned')
  let n = 0
  for (const provider of platform) {
    for (const asker of askers) {
      for (
        let t = window.start + random.exponential(10 * DAY);
        t < window.end;
        t += random.exponential(10 * DAY)
      ) {
        const created = t
        const done = created + random.int(4, 72) * 60 * MINUTE
        sink.sprints.push(
          line({
            type: 'work_item',
            team: provider.id,
            key: `${provider.id.toUpperCase().slice(0, 6)}-REQ-${++n}`,
            itemType: 'task',
            points: 1,
            createdAt: iso(created),
            statusChanges: [
              { status: 'todo', at: iso(created) },
              { status: 'in-progress', at: iso(created + 2 * 60 * MINUTE) },
              ...(done < window.end ? [{ status: 'done', at: iso(done) }] : []),
            ],
            investment: 'support',
            requestedBy: asker.id,
          }),
        )
      }
    }
  }
}

function simulatePipelines(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const repos = [...new Set(org.services.map((s) => s.repo))]
  let n = 0
  for (const repo of repos) {
    const median = (repo === 'platform' ? 11 : 6) * MINUTE
    for (
      let t = window.start + random.exponential(DAY / 2);
      t < window.end;
      t += random.exponential(DAY / 2)
    ) {
      const id = `${repo}-run-${++n}`
      let started = t
      for (let attempt = 1; attempt <= 3; attempt++) {
        const duration = Math.max(MINUTE, random.logNormal(median, 0.5))
        const finished = started + duration
        if (finished >= window.end) break
        // Most runs pass; a few fail for real; some fail and then pass on retry (flaky).
        const outcome = random.next()
        const result =
          attempt > 1 ? (outcome < 0.8 ? 'success' : 'failure') : outcome < 0.87 ? 'success' : 'failure'
        sink.pipelines.push(
          line({
            type: 'pipeline_run',
            id,
            attempt,
            repo,
            workflow: 'ci',
            result,
            queuedAt: iso(started - MINUTE),
            startedAt: iso(started),
            finishedAt: iso(finished),
          }),
        )
        if (result === 'success' || random.chance(0.5)) break
        started = finished + 2 * MINUTE
      }
    }
  }
}

function simulateSecurity(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  let n = 0
  const severities = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low'] as const
  const sla = { critical: 7, high: 30, medium: 90, low: 180 }
  for (const service of org.services) {
    for (
      let t = window.start + random.exponential(45 * DAY);
      t < window.end;
      t += random.exponential(45 * DAY)
    ) {
      const severity = random.pick(severities)
      // Usually well inside the SLA, sometimes late.
      const fixedAt = t + random.logNormal(sla[severity] * 0.4 * DAY, 0.6)
      sink.security.push(
        line({
          type: 'vulnerability',
          id: `VULN-${++n}`,
          service: service.id,
          severity,
          foundAt: iso(t),
          ...(fixedAt < window.end ? { fixedAt: iso(fixedAt) } : {}),
        }),
      )
    }
    for (
      let t = window.start + random.exponential(20 * DAY);
      t < window.end;
      t += random.exponential(20 * DAY)
    ) {
      const removedAt = t + random.logNormal(25 * DAY, 0.6)
      sink.security.push(
        line({
          type: 'feature_flag',
          flag: `flag-${++n}`,
          service: service.id,
          createdAt: iso(t),
          ...(removedAt < window.end && random.chance(0.85) ? { removedAt: iso(removedAt) } : {}),
        }),
      )
    }
  }
}

/** Monthly values of the KPIs engops cannot read directly, as a team would feed them. */
function simulateMeasurements(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const orgLevel: [kpi: string, value: () => number][] = [
    ['alert_precision', () => 0.86 + random.next() * 0.1],
    ['backup_restore', () => (random.chance(0.85) ? 1 : 0.95)],
    ['dev_nps', () => 25 + random.next() * 25],
    ['metric_spec_coverage', () => 0.85 + random.next() * 0.15],
    ['data_freshness', () => 0.97 + random.next() * 0.03],
    ['data_tests_pass', () => 0.93 + random.next() * 0.07],
    ['data_mttr', () => ((30 + random.next() * 60) * MINUTE) / 1000],
    ['semantic_layer_usage', () => 0.6 + random.next() * 0.3],
    ['hot_path_p95', () => 0.8 + random.next() * 0.4],
    ['kr_delta_per_week', () => 0.7 + random.next() * 0.5],
    ['activation', () => 0.85 + random.next() * 0.3],
    ['idea_to_decision', () => ((7 + random.next() * 14) * DAY) / 1000],
    ['cfr_post_release_delta', () => (random.next() - 0.3) * 0.05],
    ['dev_env_setup', () => ((10 + random.next() * 20) * MINUTE) / 1000],
    ['context_switching', () => 0.7 + random.next() * 0.8],
    ['dependency_risk_index', () => 0.1 + random.next() * 0.2],
    ['manager_effectiveness', () => 3.6 + random.next() * 0.8],
    ['stakeholder_satisfaction', () => 3.7 + random.next() * 0.8],
  ]
  const perTeam: [kpi: string, value: () => number][] = [
    ['preview_env_p95', () => ((3 + random.next() * 4) * MINUTE) / 1000],
    ['rollback_time', () => ((2 + random.next() * 6) * MINUTE) / 1000],
  ]
  for (let at = window.start + 14 * DAY; at < window.end; at += 7 * DAY) {
    for (const [kpi, value] of orgLevel)
      sink.measurements.push(line({ type: 'measurement', kpi, at: iso(at), value: round(value()) }))
    for (const team of org.teams) {
      for (const [kpi, value] of perTeam)
        sink.measurements.push(
          line({ type: 'measurement', kpi, team: team.id, at: iso(at), value: round(value()) }),
        )
    }
  }
}

const round = (value: number) => Math.round(value * 10_000) / 10_000

function firstMonday(at: number): number {
  const day = new Date(at)
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
  return midnight + ((8 - day.getUTCDay()) % 7) * DAY
}

function simulateSprints(
  team: DemoTeam,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const prefix = team.id
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 6)
  let key = 0
  let sprintNumber = 0
  for (let start = firstMonday(window.start); start + 14 * DAY <= window.end; start += 14 * DAY) {
    const end = start + 14 * DAY
    sprintNumber++
    const sprintId = `${team.id}-sprint-${sprintNumber}`
    // Beta's predictability slips in the last two months, with its reviews.
    const slipping = team.pickupHours[1] > 3 * team.pickupHours[0] && start > window.end - 60 * DAY
    const predictability = slipping ? 0.55 + random.next() * 0.15 : 0.75 + random.next() * 0.2
    const capacity = Math.round(team.members.length * (4 + random.next() * 2))
    const items: { points: number; itemType: string; foundIn?: string; committed: boolean }[] = []
    let committed = 0
    while (committed < capacity) {
      const bug = random.chance(0.2)
      const points = random.pick(POINTS)
      committed += points
      items.push({
        points,
        itemType: bug ? 'bug' : random.chance(0.1) ? 'tech-debt' : 'story',
        ...(bug ? { foundIn: random.pick(['pre-release', 'pre-release', 'production', 'customer']) } : {}),
        committed: true,
      })
    }
    let added = 0
    const extra = random.int(0, 2)
    for (let i = 0; i < extra; i++) {
      const points = random.pick(POINTS)
      added += points
      items.push({ points, itemType: 'bug', foundIn: 'production', committed: false })
    }
    let completed = 0
    let completedCommitted = 0
    const target = committed * predictability
    for (const item of items) {
      const created = item.committed ? start - random.int(1, 20) * DAY : start + random.int(1, 10) * DAY
      const began = Math.max(created, start) + random.int(0, 6) * DAY + random.int(60, 600) * MINUTE
      const done = item.committed ? completed + item.points <= target : random.chance(0.5)
      if (done && item.committed) completedCommitted += item.points
      const reviewAt = began + random.int(1, 3) * DAY
      const doneAt = Math.min(reviewAt + random.int(2, 30) * 60 * MINUTE, end - MINUTE)
      if (done) completed += item.points
      const statusChanges = [
        { status: 'todo', at: iso(created) },
        { status: 'in-progress', at: iso(Math.min(began, end - 3 * MINUTE)) },
        ...(done
          ? [
              { status: 'review', at: iso(Math.min(reviewAt, end - 2 * MINUTE)) },
              { status: 'done', at: iso(Math.max(doneAt, Math.min(reviewAt, end - 2 * MINUTE) + MINUTE)) },
            ]
          : // Unfinished work goes back to the backlog when the sprint ends.
            [{ status: 'todo', at: iso(end) }]),
      ]
      sink.sprints.push(
        line({
          type: 'work_item',
          team: team.id,
          key: `${prefix}-${++key}`,
          itemType: item.itemType,
          points: item.points,
          createdAt: iso(created),
          statusChanges,
          sprint: sprintId,
          ...(item.foundIn ? { foundIn: item.foundIn } : {}),
          ...(item.itemType === 'story' && item.committed && random.chance(0.4)
            ? { committedQuarter: quarterOf(start) }
            : {}),
          ...(item.itemType === 'story' && random.chance(0.08) ? { investment: 'security' } : {}),
        }),
      )
    }
    sink.sprints.push(
      line({
        type: 'sprint',
        id: sprintId,
        team: team.id,
        name: `Sprint ${sprintNumber}`,
        start: iso(start),
        end: iso(end),
        committed,
        completed,
        completedCommitted,
        added,
      }),
    )
  }
  simulateRunningSprint(team, window, prefix, key, sink)
}

/**
 * The sprint still running when the history ends: its items are in progress or in review, so the
 * WIP sweep has something to weigh. Beta, whose reviews slowed down, carries more than its limit.
 * A random stream of its own keeps every other figure of the demo as it was.
 */
function simulateRunningSprint(
  team: DemoTeam,
  window: { start: number; end: number },
  prefix: string,
  firstKey: number,
  sink: OperationsSink,
) {
  const random = new Random(team.id.split('').reduce((h, c) => h * 31 + c.charCodeAt(0), 7))
  let start = firstMonday(window.start)
  while (start + 14 * DAY <= window.end) start += 14 * DAY
  if (start >= window.end) return
  const slipping = team.pickupHours[1] > 3 * team.pickupHours[0]
  const open = Math.max(1, team.wipLimit + (slipping ? 3 : random.int(-2, 0)))
  let key = firstKey
  for (let i = 0; i < open; i++) {
    const created = start - random.int(1, 10) * DAY
    const began = Math.min(
      start + random.int(0, 4) * DAY + random.int(60, 600) * MINUTE,
      window.end - 30 * MINUTE,
    )
    const inReview = random.chance(0.4)
    sink.sprints.push(
      line({
        type: 'work_item',
        team: team.id,
        key: `${prefix}-${++key}`,
        itemType: random.chance(0.2) ? 'bug' : 'story',
        points: random.pick(POINTS),
        createdAt: iso(created),
        statusChanges: [
          { status: 'todo', at: iso(created) },
          { status: 'in-progress', at: iso(began) },
          ...(inReview
            ? [
                {
                  status: 'review',
                  at: iso(Math.min(began + random.int(1, 3) * DAY, window.end - 10 * MINUTE)),
                },
              ]
            : []),
        ],
        sprint: `${team.id}-sprint-current`,
      }),
    )
  }
}

function quarterOf(at: number): string {
  const date = new Date(at)
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`
}

/** One anonymous survey answer: a 1–5 score or a 0–10 NPS. */
function answer(
  sink: OperationsSink,
  survey: string,
  team: string,
  respondent: number,
  question: string,
  value: { score: number } | { nps: number },
  at: number,
): void {
  sink.surveys.push(
    line({
      type: 'survey_response',
      id: `${survey}:${team}:${respondent}:${question}`,
      survey,
      team,
      question,
      ...value,
      at: iso(at),
    }),
  )
}

const QUESTIONS = ['engagement', 'growth', 'tooling', 'workload', 'manager']

function simulateSurveys(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  let quarter = 0
  for (let at = window.start + 30 * DAY; at < window.end; at += 91 * DAY) {
    quarter++
    const survey = `engagement-${new Date(at).toISOString().slice(0, 7)}`
    for (const team of org.teams) {
      const mood = 3.6 + random.next() * 0.7 + quarter * 0.05
      team.members.forEach((_, respondent) => {
        if (random.chance(0.1)) return // not everyone answers
        for (const question of QUESTIONS) {
          const score = Math.max(1, Math.min(5, Math.round(mood + (random.next() - 0.5) * 2)))
          answer(sink, survey, team.id, respondent, question, { score }, at)
        }
        const nps = Math.max(0, Math.min(10, Math.round(mood * 2 + (random.next() - 0.5) * 4)))
        answer(sink, survey, team.id, respondent, 'enps', { nps }, at)
      })
    }
  }
}

function simulatePeople(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  let requisition = 0
  for (const team of org.teams) {
    // The newest member of every team joined during the window.
    const newest = team.members.at(-1)!
    sink.people.push(
      line({
        type: 'person_event',
        id: `hire-${newest}`,
        person: newest,
        kind: 'hire',
        team: team.id,
        at: iso(window.start + random.int(5, 120) * DAY),
      }),
    )
    if (random.chance(0.35)) {
      const voluntary = random.chance(0.8)
      sink.people.push(
        line({
          type: 'person_event',
          id: `leave-${team.id}-${requisition}`,
          person: `${team.id}-alumnus-${requisition}`,
          kind: 'leave',
          team: team.id,
          voluntary,
          regrettable: voluntary && random.chance(0.5),
          at: iso(window.start + random.int(10, 170) * DAY),
        }),
      )
    }
    for (let r = random.int(1, 3); r > 0; r--) {
      const opened = window.start + random.int(0, 150) * DAY
      const filled = random.chance(0.7) ? opened + random.int(25, 80) * DAY : undefined
      const applied = random.int(40, 160)
      const screened = Math.round(applied * (0.2 + random.next() * 0.2))
      const interviewed = Math.round(screened * (0.3 + random.next() * 0.3))
      const offersMade = filled !== undefined && filled < window.end ? random.int(1, 2) : random.int(0, 1)
      sink.people.push(
        line({
          type: 'requisition',
          id: `req-${++requisition}`,
          role: random.pick(['Senior Engineer', 'Engineer', 'Staff Engineer', 'Engineering Manager', 'SRE']),
          team: team.id,
          opened: iso(opened),
          ...(filled !== undefined && filled < window.end ? { filled: iso(filled) } : {}),
          stages: { applied, screened, interviewed, offered: offersMade },
          offersMade,
          offersAccepted: filled !== undefined && filled < window.end ? 1 : 0,
        }),
      )
    }
  }
}

const TOOLS: [vendor: string, perEngineer: number][] = [
  ['GitHub', 21],
  ['Datadog', 95],
  ['PagerDuty', 41],
  ['Linear', 10],
  ['Slack', 15],
  ['Notion', 12],
]

function simulateCosts(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const engineers = org.people.filter((person) => person.team).length
  const months: string[] = []
  for (let at = window.start; at < window.end; at += 28 * DAY) {
    const month = new Date(at).toISOString().slice(0, 7)
    if (months.at(-1) !== month) months.push(month)
  }
  months.forEach((month, i) => {
    // The cloud optimization initiative takes ~2% off every month.
    const trend = 1 - 0.02 * i
    let cloud = 0
    for (const team of org.teams) {
      const services = org.services.filter((service) => service.owner === team.id).length
      const amount = Math.round(services * 9000 * trend * (0.9 + random.next() * 0.2))
      cloud += amount
      sink.costs.push(line({ type: 'cost', month, category: 'cloud', vendor: 'AWS', team: team.id, amount }))
      sink.costs.push(
        line({
          type: 'cost',
          month,
          category: 'headcount',
          vendor: 'payroll',
          team: team.id,
          amount: Math.round((team.members.length * 210000) / 12),
        }),
      )
    }
    for (const [vendor, perEngineer] of TOOLS) {
      sink.costs.push(
        line({ type: 'cost', month, category: 'tooling', vendor, amount: perEngineer * engineers }),
      )
    }
    sink.costs.push(
      line({
        type: 'business',
        month,
        revenue: Math.round(engineers * 62000 * (1 + 0.015 * i)),
        activeUsers: Math.round(engineers * 4200 * (1 + 0.03 * i)),
        forecastCloudSpend: Math.round(cloud * (1.02 + random.next() * 0.04)),
      }),
    )
  })
}

function simulateSli(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
  troubled: ReadonlySet<string>,
) {
  for (const service of org.services.filter((s) => s.tier <= 2)) {
    const objective = service.tier === 1 ? 99.9 : 99.5
    const budget = 1 - objective / 100
    // Daily samples, and hourly ones for the last three days so the short burn-rate windows have data.
    const hourlyFrom = Math.floor((window.end - 3 * DAY) / DAY) * DAY
    const emit = (start: number, length: number) => {
      const burning = troubled.has(service.id) && start > window.end - 30 * DAY
      const errorRate = budget * (burning ? 1.8 + random.next() * 1.5 : 0.1 + random.next() * 0.6)
      const total = Math.round((random.int(80_000, 120_000) * length) / DAY)
      sink.sli.push(
        line({
          type: 'sli',
          slo: `${service.id}-availability`,
          start: iso(start),
          end: iso(start + length),
          good: Math.round(total * (1 - errorRate)),
          total,
        }),
      )
    }
    for (let day = Math.floor(window.start / DAY) * DAY; day + DAY <= window.end; day += DAY) {
      if (day < hourlyFrom) emit(day, DAY)
      else for (let hour = day; hour < day + DAY; hour += 3_600_000) emit(hour, 3_600_000)
    }
  }
}
