/**
 * The input event formats: one zod schema per event type. Files (NDJSON, JSON, CSV), the HTTP
 * API and the adapters all produce objects that must pass these schemas, so a field means the
 * same thing whichever way it arrived. Unknown fields are kept (`extra`), never rejected.
 *
 * CSV cells arrive as strings: the helpers below accept both the JSON shape and the CSV
 * spelling (`"a;b"` for a list, a JSON array or object in a cell, numbers as text).
 */
import { z } from 'zod'
import { parseIsoTime } from './time.js'

const isoTime = z.string().transform((text, ctx) => {
  const epoch = parseIsoTime(text)
  if (epoch === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 time, got "${text}"` })
    return z.NEVER
  }
  return epoch
})

const text = z.string().trim().min(1, 'must not be empty')

/** Ids may be written as numbers in JSON; they are always strings inside. */
const idText = z.union([z.string().trim().min(1, 'must not be empty'), z.number()]).transform(String)

/**
 * A number: a JSON number, or a CSV cell that spells one (`12`, `3.5`, `1e3`). Anything else —
 * `true`, `[5]`, `null`, `""` — is rejected, never coerced (true is not 1, null is not 0).
 */
function numeric(schema: z.ZodNumber = number()) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value
    const trimmed = value.trim()
    return NUMBER_CELL.test(trimmed) ? Number(trimmed) : value
  }, schema)
}

const NUMBER_CELL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function number() {
  return z.number({ error: 'expected a number' })
}

const count = numeric(number().int().nonnegative())

function cellList<T extends z.ZodType>(item: T, min = 0, minMessage?: string) {
  return z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value
      const trimmed = value.trim()
      if (trimmed === '') return []
      if (trimmed.startsWith('[')) {
        try {
          return JSON.parse(trimmed)
        } catch {
          return value
        }
      }
      return trimmed
        .split(/[;|]/)
        .map((part) => part.trim())
        .filter(Boolean)
    },
    z.array(item).min(min, minMessage),
  )
}

/** An object: as JSON, or a CSV cell holding its JSON text (a cell that is not JSON is a clear error). */
function objectCell<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'string' || !value.trim().startsWith('{')) return value
    try {
      return JSON.parse(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` })
      return z.NEVER
    }
  }, schema)
}

const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value
  const lowered = value.trim().toLowerCase()
  if (['true', 'yes', '1'].includes(lowered)) return true
  if (['false', 'no', '0'].includes(lowered)) return false
  return value
}, z.boolean())

const severity = z.preprocess(
  (value) => {
    if (typeof value === 'number') return `SEV-${value}`
    if (typeof value !== 'string') return value
    // "SEV-2", "sev2", "Sev 2" and a bare "2" (as CSV cells carry numbers) are the same severity.
    const match = /^\s*(?:sev\s*-?\s*)?([1-4])\s*$/i.exec(value)
    return match ? `SEV-${match[1]}` : value
  },
  z.enum(['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'], {
    error: 'expected a severity: SEV-1 to SEV-4 (also written sev2, SEV 2 or 2)',
  }),
)

const lowercaseEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(values))

const base = {
  /** Where the event came from; (source, id) is its identity. Defaults to the reader's source. */
  source: text.optional(),
}

export const deploymentEvent = z.looseObject({
  ...base,
  type: z.literal('deployment'),
  id: idText,
  service: text,
  environment: text,
  result: lowercaseEnum(['success', 'failure'] as const),
  startedAt: isoTime,
  finishedAt: isoTime,
  sha: text,
  kind: lowercaseEnum(['regular', 'hotfix', 'rollback'] as const).default('regular'),
  labels: cellList(text).default([]),
  /** Flagged as a performance regression (latency or throughput) after release. */
  regression: flag.optional(),
})

export const incidentEvent = z.looseObject({
  ...base,
  type: z.literal('incident'),
  id: idText,
  services: cellList(text, 1, 'an incident names at least one service'),
  severity,
  detectedAt: isoTime,
  acknowledgedAt: isoTime.optional(),
  mitigatedAt: isoTime.optional(),
  resolvedAt: isoTime.optional(),
  causeDeployment: idText.optional(),
  causeSha: text.optional(),
  /** Who held the incident roles. */
  roles: cellList(
    z.looseObject({
      role: lowercaseEnum(['incident-commander', 'tech-lead', 'comms', 'scribe'] as const),
      person: text,
    }),
  ).default([]),
  /** Status updates sent while the incident was open. */
  statusUpdates: cellList(
    z.looseObject({ at: isoTime, audience: lowercaseEnum(['internal', 'external', 'exec'] as const) }),
  ).default([]),
  postmortem: objectCell(
    z.looseObject({
      status: lowercaseEnum(['draft', 'in-review', 'reviewed', 'closed'] as const),
      completedAt: isoTime.optional(),
      rootCause: z.string().optional(),
      contributingFactors: z.array(z.string()).default([]),
      actionItems: z
        .array(
          z.looseObject({
            title: text,
            owner: text,
            due: isoTime,
            done: flag.default(false),
            doneAt: isoTime.optional(),
          }),
        )
        .default([]),
    }),
  ).optional(),
})

const review = z.looseObject({
  author: text,
  at: isoTime,
  state: lowercaseEnum(['approved', 'changes_requested', 'commented', 'dismissed'] as const).default(
    'commented',
  ),
})

export const pullRequestEvent = z.looseObject({
  ...base,
  type: z.literal('pull_request'),
  /** Defaults to `repo#number`. */
  id: idText.optional(),
  repo: text,
  number: numeric(number().int().positive()),
  author: text,
  createdAt: isoTime,
  mergedAt: isoTime.optional(),
  closedAt: isoTime.optional(),
  mergeSha: text.optional(),
  headSha: text.optional(),
  commits: cellList(text).default([]),
  reviews: cellList(review).default([]),
  additions: count.optional(),
  deletions: count.optional(),
  draft: flag.default(false),
  labels: cellList(text).default([]),
})

const commitFile = z.strictObject({
  path: text,
  additions: count.nullable().default(null),
  deletions: count.nullable().default(null),
})

export const commitEvent = z.looseObject({
  ...base,
  type: z.literal('commit'),
  repo: text,
  sha: text,
  parents: cellList(text).default([]),
  /** A name or an email; an email (here or in `authorEmail`) maps the commit to a person. */
  author: text,
  authorEmail: text.optional(),
  authoredAt: isoTime,
  committedAt: isoTime,
  additions: count.optional(),
  deletions: count.optional(),
  /** Paths changed, or `{path, additions, deletions}` with the file's line counts. */
  files: cellList(z.union([text, commitFile])).default([]),
})

/** A tag of a repository: its name, the commit it points at and when it was made. */
export const tagEvent = z.looseObject({
  ...base,
  type: z.literal('tag'),
  repo: text,
  name: text,
  sha: text,
  at: isoTime,
})

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month like 2025-03')
const amount = numeric(number().nonnegative())

export const workItemEvent = z.looseObject({
  ...base,
  type: z.literal('work_item'),
  /** Defaults to `key`. */
  id: idText.optional(),
  team: text,
  key: text,
  itemType: lowercaseEnum(['story', 'bug', 'task', 'incident', 'tech-debt'] as const),
  points: numeric(number().nonnegative()).optional(),
  createdAt: isoTime,
  /** Status history, oldest first: `{status, at}` with status todo | in-progress | review | blocked | done. */
  statusChanges: cellList(
    z.looseObject({
      status: lowercaseEnum(['todo', 'in-progress', 'review', 'blocked', 'done'] as const),
      at: isoTime,
    }),
  ).default([]),
  sprint: text.optional(),
  /** The quarter (`2025-Q2`) this item was committed to on the roadmap, for roadmap predictability. */
  committedQuarter: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, 'expected a quarter like 2025-Q2')
    .optional(),
  foundIn: lowercaseEnum(['pre-release', 'production', 'customer'] as const).optional(),
  /** Investment type, for capacity allocation. */
  investment: lowercaseEnum([
    'roadmap',
    'tech-debt',
    'reliability',
    'security',
    'support',
  ] as const).optional(),
  /** For requests made to this team by another team (platform support requests). */
  requestedBy: text.optional(),
})

export const sprintEvent = z.looseObject({
  ...base,
  type: z.literal('sprint'),
  id: idText,
  team: text,
  name: text.optional(),
  start: isoTime,
  end: isoTime,
  /** Points committed at sprint start; scope added later is `added`, not commitment. */
  committed: amount,
  completed: amount,
  /** Points completed of the scope committed at start; default: min(completed, committed). */
  completedCommitted: amount.optional(),
  added: amount.default(0),
})

export const surveyResponseEvent = z
  .looseObject({
    ...base,
    type: z.literal('survey_response'),
    id: idText,
    survey: text,
    team: text,
    question: text,
    score: numeric(number().int().min(1).max(5)).optional(),
    nps: numeric(number().int().min(0).max(10)).optional(),
    at: isoTime,
  })
  .refine((response) => response.score !== undefined || response.nps !== undefined, {
    message: 'a response has a score (1–5) or an nps (0–10)',
    path: ['score'],
  })

export const personEvent = z.looseObject({
  ...base,
  type: z.literal('person_event'),
  id: idText,
  person: text,
  kind: lowercaseEnum(['hire', 'leave', 'move'] as const),
  at: isoTime,
  team: text.optional(),
  fromTeam: text.optional(),
  voluntary: flag.optional(),
  regrettable: flag.optional(),
})

export const requisitionEvent = z.looseObject({
  ...base,
  type: z.literal('requisition'),
  id: idText,
  role: text,
  team: text,
  opened: isoTime,
  filled: isoTime.optional(),
  /** Candidates per funnel stage, e.g. {applied, screened, interviewed, offered}. */
  stages: objectCell(z.record(z.string(), count)).default({}),
  offersMade: count.default(0),
  offersAccepted: count.default(0),
})

export const costEvent = z.looseObject({
  ...base,
  type: z.literal('cost'),
  /** Defaults to `month:category:vendor:team`. */
  id: idText.optional(),
  month,
  category: lowercaseEnum(['cloud', 'tooling', 'headcount'] as const),
  vendor: text,
  team: text.optional(),
  amount,
})

export const businessEvent = z.looseObject({
  ...base,
  type: z.literal('business'),
  /** Defaults to `month`. */
  id: idText.optional(),
  month,
  revenue: amount.optional(),
  activeUsers: count.optional(),
  forecastCloudSpend: amount.optional(),
})

export const sliEvent = z.looseObject({
  ...base,
  type: z.literal('sli'),
  /** Defaults to `slo:start`. */
  id: idText.optional(),
  slo: text,
  start: isoTime,
  end: isoTime,
  good: amount,
  total: amount,
})

export const pipelineRunEvent = z.looseObject({
  ...base,
  type: z.literal('pipeline_run'),
  /** The run's id; with `attempt` it is the identity, so each retry is its own event. */
  id: idText,
  repo: text,
  workflow: text,
  result: lowercaseEnum(['success', 'failure', 'cancelled'] as const),
  queuedAt: isoTime.optional(),
  startedAt: isoTime,
  finishedAt: isoTime,
  attempt: numeric(number().int().positive()).default(1),
})

export const vulnerabilityEvent = z.looseObject({
  ...base,
  type: z.literal('vulnerability'),
  id: idText,
  service: text,
  severity: lowercaseEnum(['critical', 'high', 'medium', 'low'] as const),
  foundAt: isoTime,
  fixedAt: isoTime.optional(),
})

export const featureFlagEvent = z.looseObject({
  ...base,
  type: z.literal('feature_flag'),
  /** Defaults to `service:flag`. */
  id: idText.optional(),
  flag: text,
  service: text,
  createdAt: isoTime,
  removedAt: isoTime.optional(),
})

/**
 * A shift on an on-call rota (from PagerDuty's `/oncalls`, or any scheduler): pages are divided
 * by the people who held the scope's rotas in the period, not by everyone in the team.
 */
export const oncallShiftEvent = z
  .looseObject({
    ...base,
    type: z.literal('oncall_shift'),
    /** Defaults to `service:person:start`. */
    id: idText.optional(),
    service: text,
    /** A person of the org file by id, email or alias (else kept as given). */
    person: text,
    start: isoTime,
    end: isoTime,
    /** The rota's name, for reading. */
    schedule: text.optional(),
  })
  .refine((s) => s.end > s.start, { message: 'a shift ends after it starts', path: ['end'] })

/** A value for a KPI engops does not read directly (alert precision, backup restores, …). */
export const measurementEvent = z
  .looseObject({
    ...base,
    type: z.literal('measurement'),
    /** Defaults to `kpi:team-or-service:at`. */
    id: idText.optional(),
    kpi: text,
    team: text.optional(),
    service: text.optional(),
    at: isoTime,
    value: numeric(),
  })
  .refine((m) => !(m.team && m.service), {
    message: 'a measurement belongs to a team or a service, not both',
    path: ['service'],
  })

/** A manual OKR check-in: the KR's value, the owner's confidence and a comment. */
export const okrCheckinEvent = z
  .looseObject({
    ...base,
    type: z.literal('okr_checkin'),
    /** Defaults to `kr:at`. */
    id: idText.optional(),
    kr: text,
    value: numeric().optional(),
    confidence: lowercaseEnum(['on-track', 'at-risk', 'off-track'] as const).optional(),
    comment: z.string().optional(),
    by: text.optional(),
    at: isoTime,
  })
  .refine((c) => c.value !== undefined || c.confidence !== undefined || c.comment !== undefined, {
    message: 'a check-in records a value, a confidence or a comment',
    path: ['value'],
  })

/** Every event type the reader knows, keyed by its `type`. Later event families add entries here. */
export const eventSchemas = {
  deployment: deploymentEvent,
  incident: incidentEvent,
  pull_request: pullRequestEvent,
  commit: commitEvent,
  tag: tagEvent,
  work_item: workItemEvent,
  sprint: sprintEvent,
  survey_response: surveyResponseEvent,
  person_event: personEvent,
  requisition: requisitionEvent,
  cost: costEvent,
  business: businessEvent,
  sli: sliEvent,
  pipeline_run: pipelineRunEvent,
  vulnerability: vulnerabilityEvent,
  feature_flag: featureFlagEvent,
  measurement: measurementEvent,
  okr_checkin: okrCheckinEvent,
  oncall_shift: oncallShiftEvent,
} as const

export type EventType = keyof typeof eventSchemas
export type WorkItemEvent = z.output<typeof workItemEvent>
export type SprintEvent = z.output<typeof sprintEvent>
export type SurveyResponseEvent = z.output<typeof surveyResponseEvent>
export type PersonChangeEvent = z.output<typeof personEvent>
export type RequisitionEvent = z.output<typeof requisitionEvent>
export type CostEvent = z.output<typeof costEvent>
export type BusinessEvent = z.output<typeof businessEvent>
export type SliEvent = z.output<typeof sliEvent>
export type PipelineRunEvent = z.output<typeof pipelineRunEvent>
export type VulnerabilityEvent = z.output<typeof vulnerabilityEvent>
export type FeatureFlagEvent = z.output<typeof featureFlagEvent>
export type MeasurementEvent = z.output<typeof measurementEvent>
export type OkrCheckinEvent = z.output<typeof okrCheckinEvent>
export type OncallShiftEvent = z.output<typeof oncallShiftEvent>
export type DeploymentEvent = z.output<typeof deploymentEvent>
export type IncidentEvent = z.output<typeof incidentEvent>
export type PullRequestEvent = z.output<typeof pullRequestEvent>
export type CommitEvent = z.output<typeof commitEvent>
export type EngopsEvent = { [K in EventType]: z.output<(typeof eventSchemas)[K]> }[EventType]

/** Event types kept in the generic record table (everything but the DORA core). */
export type RecordEventType = Exclude<
  EventType,
  'deployment' | 'incident' | 'pull_request' | 'commit' | 'tag'
>
export type RecordEvent = Extract<EngopsEvent, { type: RecordEventType }>

export const eventTypes = Object.keys(eventSchemas) as EventType[]

/** The fields a schema declares; everything else on an event is kept as `extra`. */
export function knownFields(type: EventType): Set<string> {
  return new Set(Object.keys(eventSchemas[type].shape))
}
