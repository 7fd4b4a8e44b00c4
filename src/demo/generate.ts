/**
 * `engops demo`: writes a deterministic, realistic organization — `engops.yaml` and event files
 * with six months (small) or twelve months (large) of history — into a directory. Same seed and
 * end date, same files. The stories a leader would recognise:
 * - Beta's lead time regresses over the last two months because its reviews slowed down;
 * - payments (Beta) burns its error budget: more failed changes and incidents in the last weeks;
 * - the company OKR on lead time is at risk;
 * - Platform is a hub team that several others are blocked on;
 * - Beta carries more work in progress than its WIP limit in the sprint still running.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { EngopsError } from '../model/errors.js'
import { DAY } from '../model/time.js'
import { type EventSink, simulateRepository } from './history.js'
import { type OperationsSink, simulateOperations } from './operations.js'
import { type DemoOrganization, largeOrganization, smallOrganization } from './organization.js'
import { Random } from './random.js'

export interface DemoOptions {
  dir: string
  scale: 'small' | 'large'
  seed: number
  /** Last day of history, YYYY-MM-DD (UTC), included whole; default: up to now. */
  end?: string
}

export interface DemoResult {
  configFile: string
  eventFiles: string[]
  teams: number
  people: number
  services: number
  /** The end of the generated history: "now" for the demo's default period. */
  now: number
}

export function generateDemo(options: DemoOptions): DemoResult {
  const end = demoEnd(options.end)
  const months = options.scale === 'large' ? 12 : 6
  const start = end - Math.round((months * 365.25) / 12) * DAY
  const random = new Random(options.seed)
  const org = options.scale === 'large' ? largeOrganization(random) : smallOrganization()
  const sink: EventSink = { commits: [], pullRequests: [], deployments: [], incidents: [] }
  const people = new Map(org.people.map((person) => [person.id, person]))
  const teams = new Map(org.teams.map((team) => [team.id, team]))
  const repos = new Map<string, DemoOrganization['services']>()
  for (const service of org.services) repos.set(service.repo, [...(repos.get(service.repo) ?? []), service])
  const counters = { incident: 0 }
  const troubled = new Set(options.scale === 'small' ? ['payments'] : [])
  for (const [repo, services] of repos) {
    const team = teams.get(services[0]!.owner)!
    const teamRepos = new Set(org.services.filter((s) => s.owner === team.id).map((s) => s.repo)).size
    simulateRepository(
      {
        repo,
        team,
        services,
        people,
        start,
        end,
        troubled,
        // File paths (monorepo attribution, docs freshness) for the small demo; the large one stays lean.
        withFiles: options.scale === 'small' || services.some((service) => service.path !== undefined),
        teamRepos,
      },
      random,
      sink,
      counters,
    )
  }

  const operations: OperationsSink = {
    sprints: [],
    surveys: [],
    people: [],
    costs: [],
    sli: [],
    pipelines: [],
    security: [],
    measurements: [],
  }
  simulateOperations(org, { start, end }, random, operations, troubled)

  mkdirSync(options.dir, { recursive: true })
  const configFile = join(options.dir, 'engops.yaml')
  writeFileSync(configFile, orgYaml(org, options, end))
  const eventFiles: string[] = []
  const okrCheckins = options.scale === 'small' ? demoCheckins(end) : []
  for (const [name, lines] of Object.entries({ ...sink, ...operations, okrCheckins })) {
    const file = join(options.dir, `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ndjson`)
    writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : '')
    eventFiles.push(file)
  }
  return {
    configFile,
    eventFiles,
    teams: org.teams.length,
    people: org.people.length,
    services: org.services.length,
    now: end - 1,
  }
}

function demoEnd(text: string | undefined): number {
  // Without --end the history runs up to this minute, so nothing lies in the future.
  if (text === undefined) return Math.floor(Date.now() / 60_000) * 60_000
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) throw new EngopsError('USAGE', `--end "${text}" is not a date (YYYY-MM-DD)`)
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) + DAY
}

function quarterOf(epoch: number): { label: string; start: string; end: string } {
  const date = new Date(epoch)
  const q = Math.floor(date.getUTCMonth() / 3)
  return {
    label: `${date.getUTCFullYear()}-Q${q + 1}`,
    start: new Date(Date.UTC(date.getUTCFullYear(), q * 3, 1)).toISOString().slice(0, 10),
    end: new Date(Date.UTC(date.getUTCFullYear(), q * 3 + 3, 0)).toISOString().slice(0, 10),
  }
}

function orgYaml(org: DemoOrganization, options: DemoOptions, end: number): string {
  const quarter = quarterOf(end - 1)
  const small = options.scale === 'small'
  const document: Record<string, unknown> = {
    org: {
      name: org.name,
      timezone: 'UTC',
      benchmarkProfile: 'default',
      loadedCostPerEngineer: 210000,
      capacityAllocation: {
        roadmap: 0.6,
        'tech-debt': 0.15,
        reliability: 0.15,
        security: 0.05,
        support: 0.05,
      },
    },
    people: org.people.map((p) => ({
      id: p.id,
      name: p.name,
      emails: [p.email],
      role: p.role,
      ...(p.team ? { team: p.team } : {}),
      ...(p.manager ? { manager: p.manager } : {}),
    })),
    teams: org.teams.map((t) => ({
      id: t.id,
      name: t.name,
      type: t.type,
      members: t.members,
      wipLimit: t.wipLimit,
      ...(small && t.id === 'alpha'
        ? { interactions: [{ team: 'platform', mode: 'x-as-a-service', since: '2024-01-01' }] }
        : {}),
      ...(small && t.id === 'devex'
        ? { interactions: [{ team: 'beta', mode: 'facilitating', since: quarter.start }] }
        : {}),
      ...(small && t.id === 'beta' ? { cognitiveLoad: { intrinsic: 6, extraneous: 4 } } : {}),
    })),
    services: org.services.map((s) => ({
      id: s.id,
      owner: s.owner,
      tier: s.tier,
      repositories: s.path ? [{ name: s.repo, paths: [s.path] }] : [s.repo],
      ...(s.tier <= 2 ? { runbook: `https://runbooks.acme.example/${s.id}` } : {}),
      // Three in four services are on the paved road: adoption is close to, not at, 80 %.
      pavedRoad: (s.id.length + s.tier) % 4 !== 0,
    })),
    slos: org.services
      .filter((s) => s.tier <= 2)
      .map((s) => ({
        id: `${s.id}-availability`,
        service: s.id,
        objective: s.tier === 1 ? 99.9 : 99.5,
        window: '30d',
      })),
  }
  if (small) {
    document.dependencies = [
      {
        id: 'dep-1',
        provider: 'platform',
        consumer: 'alpha',
        what: 'Service mesh mTLS for storefront',
        type: 'blocking',
        status: 'open',
        risk: 'high',
        opened: isoDay(end - 40 * DAY),
        neededBy: isoDay(end + 10 * DAY),
      },
      {
        id: 'dep-2',
        provider: 'platform',
        consumer: 'beta',
        what: 'PCI-compliant secrets store for payments',
        type: 'blocking',
        status: 'blocked',
        risk: 'high',
        opened: isoDay(end - 55 * DAY),
        neededBy: isoDay(end - 5 * DAY),
      },
      {
        id: 'dep-3',
        provider: 'platform',
        consumer: 'gamma',
        what: 'Kubernetes namespace quotas',
        type: 'blocking',
        status: 'in-progress',
        risk: 'medium',
        opened: isoDay(end - 20 * DAY),
        neededBy: isoDay(end + 20 * DAY),
      },
      {
        id: 'dep-4',
        provider: 'platform',
        consumer: 'ml',
        what: 'GPU node pool',
        type: 'blocking',
        status: 'open',
        risk: 'medium',
        opened: isoDay(end - 30 * DAY),
        neededBy: isoDay(end + 30 * DAY),
      },
      {
        id: 'dep-5',
        provider: 'ml',
        consumer: 'alpha',
        what: 'Recommendations API v2',
        type: 'non-blocking',
        status: 'in-progress',
        risk: 'low',
        opened: isoDay(end - 15 * DAY),
        neededBy: isoDay(end + 25 * DAY),
      },
    ]
    document.okrs = [
      {
        id: 'company-speed',
        level: 'company',
        owner: 'Acme',
        period: quarter.label,
        objective: 'Ship customer value faster without breaking things',
        keyResults: [
          {
            id: 'kr-lead-time',
            title: 'Median lead time below 1 day',
            baseline: 2.5,
            target: 1,
            current: 2.8,
            unit: 'days',
            direction: 'decrease',
            metric: 'lead_time_p50',
          },
          {
            id: 'kr-cfr',
            title: 'Change failure rate below 5%',
            baseline: 12,
            target: 5,
            current: 9,
            unit: '%',
            direction: 'decrease',
            metric: 'change_failure_rate',
          },
        ],
      },
      {
        id: 'eng-reliability',
        level: 'department',
        owner: 'vp-eng',
        parent: 'company-speed',
        period: quarter.label,
        objective: 'Make payments boringly reliable',
        keyResults: [
          {
            id: 'kr-payments-slo',
            title: 'Payments availability 99.9%',
            baseline: 99.5,
            target: 99.9,
            current: 99.6,
            unit: '%',
            direction: 'increase',
          },
        ],
      },
      {
        id: 'beta-reviews',
        level: 'team',
        owner: 'beta',
        parent: 'company-speed',
        period: quarter.label,
        objective: 'Get reviews moving again',
        keyResults: [
          {
            id: 'kr-beta-pickup',
            title: 'Review pickup under 4 hours',
            baseline: 30,
            target: 4,
            current: 28,
            unit: 'hours',
            direction: 'decrease',
          },
        ],
      },
    ]
    document.initiatives = [
      {
        id: 'microservices',
        name: 'Microservices migration',
        owner: 'platform',
        status: 'on-track',
        start: quarter.start,
        end: isoDay(end + 120 * DAY),
        impact: '30% faster deploys',
        okrs: ['company-speed'],
        milestones: [
          { name: 'Service mesh in production', due: isoDay(end - 20 * DAY), done: isoDay(end - 22 * DAY) },
          { name: 'Payments extracted', due: isoDay(end + 40 * DAY) },
        ],
      },
      {
        id: 'review-sla',
        name: 'Review SLA (< 24 h)',
        owner: 'beta',
        status: 'at-risk',
        start: quarter.start,
        end: quarter.end,
        impact: 'Lead time back under 2 days',
        okrs: ['beta-reviews'],
        milestones: [{ name: 'Auto-assign reviewers', due: isoDay(end - 10 * DAY) }],
      },
      {
        id: 'dev-productivity',
        name: 'Developer productivity',
        owner: 'devex',
        status: 'on-track',
        start: quarter.start,
        end: isoDay(end + 60 * DAY),
        impact: '20% faster builds',
      },
      {
        id: 'soc2',
        name: 'Security audit (SOC2)',
        owner: 'eng-ops',
        status: 'blocked',
        impact: 'Compliance (required)',
      },
    ]
    document.policies = {
      // An upcoming freeze: the gate passes today and will hold deployments back then.
      changeFreezes: [
        {
          name: 'Black Friday freeze',
          from: isoDay(end + 10 * DAY),
          to: isoDay(end + 17 * DAY),
          services: [],
        },
      ],
    }
    document.risks = [
      {
        id: 'soc2-vendor',
        title: 'SOC2 audit blocked on the vendor',
        owner: 'eng-ops',
        likelihood: 'high',
        impact: 'high',
        mitigation: 'Escalate to the CFO; a second auditor as fallback',
      },
    ]
    document.meetings = [
      {
        name: 'All-hands',
        frequency: 'weekly',
        durationMinutes: 60,
        attendees: 32,
        kind: 'alignment',
        purpose: 'Alignment',
      },
      {
        name: 'Sprint planning',
        frequency: 'biweekly',
        durationMinutes: 90,
        attendees: ['alpha', 'beta', 'gamma'],
        kind: 'planning',
        purpose: 'Plan the sprint',
      },
      {
        name: 'Architecture review',
        frequency: 'weekly',
        durationMinutes: 60,
        attendees: 12,
        kind: 'decision',
        purpose: 'RFC approval',
      },
      {
        name: 'Status sync',
        frequency: 'daily',
        durationMinutes: 30,
        attendees: 6,
        kind: 'status',
        purpose: 'Updates',
      },
    ]
    document.tools = [
      { name: 'GitHub', category: 'code hosting', costPerYear: 8400, seats: 32 },
      { name: 'Linear', category: 'issue tracking', costPerYear: 3100, seats: 32 },
      { name: 'Jira', category: 'issue tracking', costPerYear: 4600, seats: 40 },
      { name: 'Datadog', category: 'observability', costPerYear: 42000 },
      { name: 'PagerDuty', category: 'incident management', costPerYear: 9800, seats: 20 },
      { name: 'Slack', category: 'communication', costPerYear: 3500, seats: 32 },
      { name: 'Notion', category: 'documentation', costPerYear: 3100, seats: 32 },
    ]
    document.experiments = [
      {
        id: 'beta-review-rotation',
        team: 'beta',
        hypothesis: 'If Beta rotates a daily reviewer, review pickup drops',
        change: 'Daily review rotation',
        metric: 'review_pickup',
        baseline: { from: isoDay(end - 150 * DAY), to: isoDay(end - 121 * DAY) },
        experiment: { from: isoDay(end - 30 * DAY), to: isoDay(end - DAY) },
      },
      {
        id: 'alpha-small-prs',
        team: 'alpha',
        hypothesis: 'If Alpha caps PRs at 400 lines, lead time drops',
        change: 'PR size limit',
        metric: 'lead_time',
        baseline: { from: isoDay(end - 90 * DAY), to: isoDay(end - 61 * DAY) },
        experiment: { from: isoDay(end - 30 * DAY), to: isoDay(end - DAY) },
      },
    ]
  }
  const header = `# Demo organization generated by "engops demo --scale ${options.scale} --seed ${options.seed}".\n# It is deterministic: the same seed and end date give the same files.\n`
  return header + stringify(document, { lineWidth: 0 })
}

/**
 * OKR check-ins: the payments KR is checked in weekly; Beta's review KR was last checked in three
 * weeks ago ("set and forget", which okr lint and the check gate catch).
 */
function demoCheckins(end: number): string[] {
  const lines: string[] = []
  const day = (n: number) => new Date(end - n * DAY + 10 * 3_600_000).toISOString()
  ;[49, 42, 35, 28, 21, 14, 7, 2].forEach((n, i) => {
    lines.push(
      JSON.stringify({
        type: 'okr_checkin',
        kr: 'kr-payments-slo',
        value: [99.52, 99.55, 99.6, 99.62, 99.64, 99.58, 99.6, 99.6][i],
        confidence: n <= 14 ? 'at-risk' : 'on-track',
        comment: n <= 14 ? 'Budget burning since the last two releases' : 'Steady',
        by: 'vp-eng',
        at: day(n),
      }),
    )
  })
  lines.push(
    JSON.stringify({
      type: 'okr_checkin',
      kr: 'kr-beta-pickup',
      value: 28,
      confidence: 'at-risk',
      comment: 'Two reviewers out; rotation starts next sprint',
      by: 'beta',
      at: day(21),
    }),
  )
  return lines
}

function isoDay(epoch: number): string {
  return new Date(epoch).toISOString().slice(0, 10)
}
