/**
 * The org-as-code model (`engops.yaml`): teams, people, services, SLOs, dependencies, OKRs and
 * the rest. One zod schema is the source of truth for validation, the TypeScript types and the
 * published JSON Schema (`engops schema`).
 */
import { Cron } from 'croner'
import { z } from 'zod'

const id = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids use letters, digits, ".", "_" and "-"')
const date = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected a date like 2025-01-31'), z.date()])

const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}, 'unknown IANA time zone')

export const BENCHMARK_PROFILES = ['default', 'dora-2021', 'dora-2023'] as const

export const orgSection = z.strictObject({
  name: z.string().min(1),
  timezone: timezone.default('UTC'),
  /** Month (1–12) the fiscal year starts in; quarters follow from it. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  /** Fully loaded yearly cost of one engineer, for meeting and cost views. */
  loadedCostPerEngineer: z.number().positive().optional(),
  currency: z.string().default('USD'),
  /** Where people open the dashboard (engops serve), e.g. https://engops.example.com: messages link to it. */
  dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
  benchmarkProfile: z.enum(BENCHMARK_PROFILES).default('default'),
  /** Environment names that count as production (case-insensitive). */
  productionEnvironments: z.array(z.string().min(1)).default(['production', 'prod']),
  /** Planned share of capacity by investment type, e.g. { roadmap: 0.6, tech-debt: 0.2 }. */
  capacityAllocation: z
    .strictObject({
      roadmap: z.number().min(0).max(1).optional(),
      'tech-debt': z.number().min(0).max(1).optional(),
      reliability: z.number().min(0).max(1).optional(),
      security: z.number().min(0).max(1).optional(),
      support: z.number().min(0).max(1).optional(),
    })
    .default({}),
  dora: z
    .strictObject({
      /** An incident with no recorded cause is blamed on a deployment of its service this recent. */
      incidentWindowHours: z.number().positive().default(24),
      /** A service's first deployment contains the changes of this many days before it. */
      firstDeploymentLookbackDays: z.number().positive().default(14),
    })
    .default({ incidentWindowHours: 24, firstDeploymentLookbackDays: 14 }),
  /** How OKR status is judged: gap between expected (elapsed time) and actual progress. */
  okr: z
    .strictObject({
      /** Behind by more than this share of the period: at risk. */
      atRiskGap: z.number().min(0).max(1).default(0.15),
      /** Behind by more than this: off track. */
      offTrackGap: z.number().min(0).max(1).default(0.3),
      /** From this week of the quarter an at-risk or off-track KR is flagged for escalation. */
      escalateFromWeek: z.number().int().min(1).max(13).default(8),
      /** A KR not bound to a metric needs a check-in at least this often. */
      checkinEveryDays: z.number().int().positive().default(14),
      maxObjectives: z.number().int().positive().default(3),
      maxKeyResults: z.number().int().positive().default(4),
    })
    .default({
      atRiskGap: 0.15,
      offTrackGap: 0.3,
      escalateFromWeek: 8,
      checkinEveryDays: 14,
      maxObjectives: 3,
      maxKeyResults: 4,
    }),
})

export const TEAM_TYPES = ['stream-aligned', 'platform', 'enabling', 'complicated-subsystem'] as const

export const personSchema = z.strictObject({
  id,
  name: z.string().min(1),
  /** Emails and other git identities (names) that are this person. */
  emails: z.array(z.string().min(3)).default([]),
  aliases: z.array(z.string().min(1)).default([]),
  role: z.string().optional(),
  level: z.string().optional(),
  team: id.optional(),
  manager: id.optional(),
  start: date.optional(),
  end: date.optional(),
})

export const teamSchema = z.strictObject({
  id,
  name: z.string().min(1),
  type: z.enum(TEAM_TYPES),
  members: z.array(id).default([]),
  parent: id.optional(),
  interactions: z
    .array(
      z.strictObject({
        team: id,
        mode: z.enum(['collaboration', 'x-as-a-service', 'facilitating']),
        since: date,
        until: date.optional(),
        /** How long the interaction is meant to last (default: a quarter for collaboration and facilitating). */
        expectedDays: z.number().int().positive().optional(),
        purpose: z.string().optional(),
      }),
    )
    .default([]),
  cognitiveLoad: z
    .strictObject({ intrinsic: z.number().min(1).max(10), extraneous: z.number().min(1).max(10) })
    .optional(),
  wipLimit: z.number().int().positive().optional(),
})

export const repositoryRef = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    /** Path prefixes of this service inside a monorepo; a change counts when it touches one. */
    paths: z.array(z.string().min(1)).default([]),
  }),
])

export const serviceSchema = z.strictObject({
  id,
  name: z.string().optional(),
  owner: id,
  tier: z.number().int().min(1).max(4),
  repositories: z.array(repositoryRef).default([]),
  system: z.string().optional(),
  lifecycle: z.enum(['experimental', 'production', 'deprecated']).default('production'),
  pavedRoad: z.boolean().optional(),
  runbook: z.string().optional(),
  /** The name of the on-call rotation (matched against alerting tools' service names). */
  onCall: z.string().optional(),
  /** The people on the service's on-call rota: on-call load is divided among them. */
  onCallPeople: z.array(id).default([]),
})

export const sloSchema = z.strictObject({
  id,
  service: id,
  name: z.string().optional(),
  /** Target percentage of good events, e.g. 99.9. */
  objective: z.number().gt(0).lt(100),
  window: z.enum(['7d', '28d', '30d', 'calendar-month']).default('30d'),
  /** `ratio`: good ÷ total events; `timeslices`: each SLI sample is a slice, good when it meets `timesliceTarget`. */
  sli: z.enum(['ratio', 'timeslices']).default('ratio'),
  /** For `sli: timeslices`, the percentage a slice must meet to count as good (default: the objective). */
  timesliceTarget: z.number().gt(0).max(100).optional(),
  description: z.string().optional(),
})

export const dependencySchema = z.strictObject({
  id: id.optional(),
  provider: id,
  consumer: id,
  what: z.string().min(1),
  type: z.enum(['blocking', 'non-blocking', 'soft']).default('blocking'),
  status: z.enum(['open', 'in-progress', 'done', 'blocked']).default('open'),
  risk: z.enum(['low', 'medium', 'high']).default('medium'),
  opened: date.optional(),
  neededBy: date.optional(),
  owner: id.optional(),
  escalated: z.boolean().default(false),
  strategy: z.string().optional(),
})

export const keyResultSchema = z.strictObject({
  id,
  title: z.string().min(1),
  baseline: z.number().optional(),
  target: z.number().optional(),
  current: z.number().optional(),
  unit: z.string().optional(),
  direction: z.enum(['increase', 'decrease']).optional(),
  weight: z.number().positive().default(1),
  /** Binds the KR to a live metric, e.g. `lead_time_p50`, so it updates itself. */
  metric: z.string().optional(),
  scope: z.string().optional(),
})

export const okrSchema = z.strictObject({
  id,
  /** Weight of this objective in its parent's progress. */
  weight: z.number().positive().default(1),
  level: z.enum(['company', 'department', 'team']),
  owner: id,
  parent: id.optional(),
  period: z.string().regex(/^\d{4}-Q[1-4]$/, 'expected a quarter like 2025-Q2'),
  objective: z.string().min(1),
  keyResults: z.array(keyResultSchema).default([]),
})

export const initiativeSchema = z.strictObject({
  id,
  name: z.string().min(1),
  owner: z.string().min(1),
  status: z.enum(['on-track', 'at-risk', 'off-track', 'blocked', 'done']).default('on-track'),
  start: date.optional(),
  end: date.optional(),
  impact: z.string().optional(),
  okrs: z.array(id).default([]),
  milestones: z
    .array(z.strictObject({ name: z.string().min(1), due: date, done: date.optional() }))
    .default([]),
})

export const RACI_LETTERS = ['A', 'R', 'C', 'I'] as const

/** Overrides of the default RACI matrix: extra roles, rows replaced or added by name. */
export const raciSchema = z.strictObject({
  /** Role ids in column order; default the nine of the seed. */
  roles: z.array(z.string().min(1)).optional(),
  /** Responsibility → { role: letters }, e.g. { cto: A, hoe: R } or "A/R". */
  responsibilities: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Drop the default rows and use only these. */
  replaceDefault: z.boolean().default(false),
})

/** The policy gates of `engops check`, by id (their rules live in operating/gates.ts). */
export const GATE_IDS = [
  'service-owner',
  'slos-and-runbooks',
  'slos-before-ga',
  'wip-bets',
  'raci',
  'okr-lint',
  'dependency-hygiene',
  'postmortems-overdue',
  'postmortem-quality',
  'change-freeze',
  'error-budget',
] as const

export type GateId = (typeof GATE_IDS)[number]

const gateSetting = z.union([
  z.boolean(),
  z.strictObject({ enabled: z.boolean().default(true), severity: z.enum(['error', 'warning']).optional() }),
])

export const policiesSchema = z.strictObject({
  /** Per gate id: false to disable, or { severity }. An unknown id is an error, not a silent no-op. */
  gates: z.partialRecord(z.enum(GATE_IDS), gateSetting).default({}),
  /** Service tiers that need SLOs and a runbook. */
  sloTiers: z.array(z.number().int().min(1).max(4)).default([1, 2]),
  /** Active initiatives ("bets") a team may own at once. */
  maxBetsPerTeam: z.number().int().positive().default(2),
  /** Days after resolution by which a postmortem is due, by severity. */
  postmortemDueDays: z
    .strictObject({ sev1: z.number().positive(), sev2: z.number().positive(), sev3: z.number().positive() })
    .default({ sev1: 5, sev2: 5, sev3: 10 }),
  /** A blocking dependency blocked this long without escalation is "dependency as excuse". */
  dependencyExcuseDays: z.number().int().positive().default(14),
  /** A team that this many other teams wait on (distinct consumers of its open blocking dependencies) is a hub. */
  hubThreshold: z.number().int().min(2).default(3),
  /** Windows in which production deployments are not allowed (the change calendar). */
  changeFreezes: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        from: date,
        to: date,
        services: z.array(id).default([]),
      }),
    )
    .default([]),
  /** Days of history the data gates look at (deployments in freezes, error-budget policy). */
  lookbackDays: z.number().int().positive().default(30),
})

export const meetingSchema = z.strictObject({
  name: z.string().min(1),
  frequency: z.enum(['daily', 'weekly', 'biweekly', 'monthly', 'quarterly']),
  durationMinutes: z.number().positive(),
  /** Number of attendees, or the teams / people who attend. */
  attendees: z.union([z.number().int().positive(), z.array(id).min(1)]),
  purpose: z.string().optional(),
  /** Decisions made, or the meeting only shares status (which async does as well). */
  kind: z.enum(['decision', 'planning', 'alignment', 'status', 'learning', 'social']).optional(),
  team: id.optional(),
})

export const toolSchema = z.strictObject({
  name: z.string().min(1),
  category: z.string().min(1),
  costPerYear: z.number().min(0),
  seats: z.number().int().positive().optional(),
})

const likelihood = z.enum(['low', 'medium', 'high'])

export const riskSchema = z.strictObject({
  id,
  title: z.string().min(1),
  owner: z.string().min(1),
  likelihood: likelihood.default('medium'),
  impact: likelihood.default('medium'),
  mitigation: z.string().optional(),
  status: z.enum(['open', 'mitigating', 'accepted', 'closed']).default('open'),
})

const window = z.strictObject({ from: date, to: date })

export const EXPERIMENT_METRICS = [
  'lead_time',
  'pr_cycle_time',
  'review_pickup',
  'pr_size',
  'item_cycle_time',
  'build_duration',
  'deploys_per_day',
] as const

export const experimentSchema = z.strictObject({
  id,
  team: id.optional(),
  hypothesis: z.string().min(1),
  change: z.string().min(1),
  metric: z.enum(EXPERIMENT_METRICS),
  /** Which way is better; default: lower for times and sizes, higher for deploys per day. */
  better: z.enum(['lower', 'higher']).optional(),
  baseline: window,
  experiment: window,
})

/** A KPI target override: a threshold with its yellow band, or a green range. */
export const targetOverrideSchema = z.union([
  z.strictObject({ op: z.enum(['<', '<=', '>', '>=']), value: z.number(), yellow: z.number() }),
  z.strictObject({ min: z.number(), max: z.number(), tolerance: z.number().min(0).default(0.1) }),
])

/** The reports engops builds (their builders live in report/catalog.ts). */
export const REPORT_NAMES = [
  'monthly',
  'weekly',
  'qbr',
  'reliability-huddle',
  'wip-deps-sweep',
  'eng-finance',
  'eng-product',
  'baseline',
  'team',
  'scorecard',
] as const
export type ReportName = (typeof REPORT_NAMES)[number]

/** A five-field cron expression (minute hour day-of-month month day-of-week), as croner reads it. */
const cronExpression = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    if (text.split(/\s+/).length !== 5) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 9 * * MON")`,
      })
      return
    }
    try {
      new Cron(text, { paused: true })
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}": ${(error as Error).message.replace(/^CronPattern: /, '')}`,
      })
    }
  })

/** The formats a scheduled report is sent in (chat destinations send their own layout). */
export const SCHEDULE_FORMATS = ['md', 'html', 'json'] as const

/** A report built and sent on a cron schedule, in the org's time zone. */
export const scheduleSchema = z.strictObject({
  id,
  report: z.enum(REPORT_NAMES),
  cron: cronExpression,
  /** For email and webhooks: the body's format (Slack and Teams get their own layout). */
  format: z.enum(SCHEDULE_FORMATS).default('md'),
  /** The team the report is scoped to (the team report's team). */
  team: id.optional(),
  /** The role of a scorecard report. */
  role: z.string().min(1).optional(),
  /** Destination ids. */
  to: z.array(id).min(1),
  enabled: z.boolean().default(true),
})

/** The name of an environment variable (secrets are never written in engops.yaml). */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable, e.g. SLACK_WEBHOOK')

/** Where schedules and alerts send: every secret comes from an environment variable. */
export const destinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id, kind: z.literal('slack'), urlEnv: envName }),
  z.strictObject({ id, kind: z.literal('msteams'), urlEnv: envName }),
  z.strictObject({
    id,
    kind: z.literal('email'),
    /** smtp://user:pass@host:587 or smtps://…: 465. */
    smtpUrlEnv: envName,
    from: z.string().min(1).default('engops <engops@localhost>'),
    to: z.array(z.string().min(3)).min(1),
  }),
  z.strictObject({ id, kind: z.literal('webhook'), urlEnv: envName, secretEnv: envName.optional() }),
])

/** What an alert rule watches (README "Alerts"). */
export const ALERT_KINDS = [
  'kpi-status',
  'slo-burn',
  'error-budget',
  'okr-status',
  'okr-escalation',
  'dependency-overdue',
  'postmortem-overdue',
  'gate-failing',
] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

/** A quiet period: minutes, hours or days, e.g. 30m, 4h, 7d. */
const quietPeriod = z.string().regex(/^\d+(m|h|d)$/, 'a period like 30m, 4h or 7d')

/**
 * An alert rule. A rule whose id is a default's changes that default (switch it off, re-scope it,
 * send it elsewhere); any other id is a rule of its own and names its kind.
 */
export const alertRuleSchema = z.strictObject({
  id,
  kind: z.enum(ALERT_KINDS).optional(),
  enabled: z.boolean().optional(),
  /**
   * `org`: the whole organization (a KPI judged org-wide); `{ team }` or `{ service }`: only that
   * team's or service's alerts. Default: every team's KPIs, and everything else.
   */
  scope: z
    .union([z.literal('org'), z.strictObject({ team: id.optional(), service: id.optional() })])
    .optional(),
  /** kpi-status: the KPI ids watched. */
  kpis: z.array(z.string().min(1)).optional(),
  /** Destination ids (default: the alerts' `to`). */
  to: z.array(id).optional(),
  /** A firing alert is sent again at most this often. */
  quiet: quietPeriod.optional(),
})

export const alertsSchema = z.union([
  z.literal('default'),
  z.strictObject({
    /** The default rules of the seed rituals (README "Alerts"). */
    defaults: z.boolean().default(true),
    /** Where rules send unless they say (default: every chat and webhook destination). */
    to: z.array(id).optional(),
    /** How often alerts are evaluated besides when data arrives. */
    everyMinutes: z.number().int().min(1).max(1440).default(15),
    rules: z.array(alertRuleSchema).default([]),
  }),
])

/**
 * A source `engops sync` reads: its id, its connector's kind, and the connector's own options
 * (checked against the connector's schema when the file is loaded; see src/connectors).
 */
export const sourceSchema = z.looseObject({ id, kind: z.string().min(1) })

export const orgFileSchema = z.strictObject({
  org: orgSection,
  people: z.array(personSchema).default([]),
  teams: z.array(teamSchema).default([]),
  services: z.array(serviceSchema).default([]),
  slos: z.array(sloSchema).default([]),
  dependencies: z.array(dependencySchema).default([]),
  okrs: z.array(okrSchema).default([]),
  initiatives: z.array(initiativeSchema).default([]),
  raci: raciSchema.optional(),
  /** KPI target overrides by KPI id (see `engops kpis`). */
  targets: z.record(z.string(), targetOverrideSchema).default({}),
  policies: policiesSchema.default(policiesSchema.parse({})),
  meetings: z.array(meetingSchema).default([]),
  tools: z.array(toolSchema).default([]),
  risks: z.array(riskSchema).default([]),
  experiments: z.array(experimentSchema).default([]),
  sources: z.array(sourceSchema).default([]),
  /**
   * A software catalog read each time the file is loaded (a file or folder, relative to this
   * file): its groups, users and components join teams, people and services; an entry of this
   * file with the same id keeps the fields it sets.
   */
  catalog: z.strictObject({ backstage: z.string().min(1) }).optional(),
  /** Reports sent on their own, on a cron schedule in the org's time zone. */
  schedules: z.array(scheduleSchema).default([]),
  /** Where schedules and alerts are sent. */
  destinations: z.array(destinationSchema).default([]),
  /** Alerts: `default` for the seed rituals' rules, or `{ defaults, to, everyMinutes, rules }`. */
  alerts: alertsSchema.optional(),
})

export type OrgFile = z.output<typeof orgFileSchema>
export type OrgSettings = OrgFile['org']
export type Person = z.output<typeof personSchema>
export type Team = z.output<typeof teamSchema>
export type Service = z.output<typeof serviceSchema>
export type Dependency = z.output<typeof dependencySchema>
export type Okr = z.output<typeof okrSchema>
export type KeyResult = z.output<typeof keyResultSchema>
export type Initiative = z.output<typeof initiativeSchema>
export type RaciConfig = z.output<typeof raciSchema>
export type Policies = z.output<typeof policiesSchema>
export type Meeting = z.output<typeof meetingSchema>
export type Tool = z.output<typeof toolSchema>
export type Risk = z.output<typeof riskSchema>
export type Experiment = z.output<typeof experimentSchema>
export type SourceConfig = z.output<typeof sourceSchema>
export type Schedule = z.output<typeof scheduleSchema>
export type Destination = z.output<typeof destinationSchema>
export type AlertRuleConfig = z.output<typeof alertRuleSchema>
export type AlertsConfig = z.output<typeof alertsSchema>
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number]
export type BenchmarkProfileName = (typeof BENCHMARK_PROFILES)[number]

/**
 * Team membership has one rule: a person belongs to the team named by their `team` and to every
 * team that lists them in `members`. Returns the org with both sides filled in — every team's
 * `members` includes the people naming it, and a person without `team` listed by exactly one
 * team gets that team — so nothing downstream has to look at both.
 */
export function withMembership(org: OrgFile): OrgFile {
  const listedIn = new Map<string, string[]>()
  for (const team of org.teams)
    for (const member of team.members) listedIn.set(member, [...(listedIn.get(member) ?? []), team.id])
  const people = org.people.map((person) => {
    const teams = listedIn.get(person.id) ?? []
    return person.team === undefined && teams.length === 1 ? { ...person, team: teams[0] } : person
  })
  const teams = org.teams.map((team) => {
    const members = new Set(team.members)
    for (const person of org.people) if (person.team === team.id) members.add(person.id)
    return { ...team, members: [...members] }
  })
  return { ...org, people, teams }
}

/** A service's repository reference with its monorepo path prefixes (empty: the whole repo). */
export interface ServiceRepository {
  name: string
  paths: string[]
}

export function serviceRepositories(service: Service): ServiceRepository[] {
  return service.repositories.map((ref) => (typeof ref === 'string' ? { name: ref, paths: [] } : ref))
}
