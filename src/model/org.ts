/**
 * The org-as-code model (`engops.yaml`): teams, people, services, SLOs, dependencies, OKRs and
 * the rest. One zod schema is the source of truth for validation, the TypeScript types and the
 * published JSON Schema (`engops schema`).
 */
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
  onCall: z.string().optional(),
})

export const sloSchema = z.strictObject({
  id,
  service: id,
  name: z.string().optional(),
  /** Target percentage of good events, e.g. 99.9. */
  objective: z.number().gt(0).lt(100),
  window: z.enum(['7d', '28d', '30d', 'calendar-month']).default('30d'),
  sli: z.enum(['ratio', 'timeslices']).default('ratio'),
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
})

/** A KPI target override: a threshold with its yellow band, or a green range. */
export const targetOverrideSchema = z.union([
  z.strictObject({ op: z.enum(['<', '<=', '>', '>=']), value: z.number(), yellow: z.number() }),
  z.strictObject({ min: z.number(), max: z.number(), tolerance: z.number().min(0).default(0.1) }),
])

export const orgFileSchema = z.strictObject({
  org: orgSection,
  people: z.array(personSchema).default([]),
  teams: z.array(teamSchema).default([]),
  services: z.array(serviceSchema).default([]),
  slos: z.array(sloSchema).default([]),
  dependencies: z.array(dependencySchema).default([]),
  okrs: z.array(okrSchema).default([]),
  initiatives: z.array(initiativeSchema).default([]),
  /** Sections whose rules arrive with the operating model; kept as written until then. */
  raci: z.record(z.string(), z.unknown()).optional(),
  /** KPI target overrides by KPI id (see `engops kpis`). */
  targets: z.record(z.string(), targetOverrideSchema).default({}),
  policies: z.record(z.string(), z.unknown()).optional(),
  meetings: z.array(z.record(z.string(), z.unknown())).optional(),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
})

export type OrgFile = z.output<typeof orgFileSchema>
export type OrgSettings = OrgFile['org']
export type Person = z.output<typeof personSchema>
export type Team = z.output<typeof teamSchema>
export type Service = z.output<typeof serviceSchema>
export type BenchmarkProfileName = (typeof BENCHMARK_PROFILES)[number]

/** A service's repository reference with its monorepo path prefixes (empty: the whole repo). */
export interface ServiceRepository {
  name: string
  paths: string[]
}

export function serviceRepositories(service: Service): ServiceRepository[] {
  return service.repositories.map((ref) => (typeof ref === 'string' ? { name: ref, paths: [] } : ref))
}
