import type { Generated } from 'kysely'

/**
 * The store's tables as Kysely sees them. Times are UTC epoch milliseconds; lists and unknown
 * fields are JSON text so that the same schema works on SQLite and PostgreSQL.
 */
export interface CommitsTable {
  repo: string
  sha: string
  source: string
  /** Parent shas separated by spaces: compact, and the graph is always loaded whole. */
  parents: string
  author_name: string
  author_email: string | null
  authored_at: number
  committed_at: number
  additions: number | null
  deletions: number | null
  extra: string | null
}

export interface CommitFilesTable {
  repo: string
  sha: string
  path: string
  additions: number | null
  deletions: number | null
}

export interface ReleasesTable {
  repo: string
  name: string
  sha: string
  tagged_at: number
}

export interface DeploymentsTable {
  source: string
  id: string
  service: string
  environment: string
  result: string
  started_at: number
  finished_at: number
  sha: string
  kind: string
  labels: string
  regression: Generated<number>
  extra: string | null
}

export interface IncidentsTable {
  source: string
  id: string
  services: string
  severity: string
  detected_at: number
  acknowledged_at: number | null
  mitigated_at: number | null
  resolved_at: number | null
  cause_deployment: string | null
  cause_sha: string | null
  roles: Generated<string>
  status_updates: Generated<string>
  postmortem: string | null
  extra: string | null
}

export interface PullRequestsTable {
  source: string
  id: string
  repo: string
  number: number
  author: string
  created_at: number
  merged_at: number | null
  closed_at: number | null
  merge_sha: string | null
  head_sha: string | null
  commits: string
  reviews: string
  additions: number | null
  deletions: number | null
  draft: number
  labels: string
  extra: string | null
  /** When its latest review was given (null: none); kept from `reviews` by every write. */
  last_review_at: number | null
}

/**
 * Events of the other families (work items, sprints, surveys, people, hiring, cost, business,
 * SLI samples): one row each, the validated event as JSON, with the time and the team or
 * service it belongs to pulled out for filtering.
 */
export interface RecordsTable {
  type: string
  source: string
  id: string
  at: number
  scope: string | null
  payload: string
}

/** Small key → JSON value facts about past ingests (for example the ref tips already read). */
export interface IngestStateTable {
  key: string
  value: string
}

export interface ApiTokensTable {
  id: string
  name: string
  role: string
  hash: string
  created_at: number
  revoked_at: number | null
}

/** Webhook deliveries already processed, so a redelivery is acknowledged without work. */
export interface WebhookDeliveriesTable {
  provider: string
  delivery: string
  received_at: number
  events: number
}

export interface SyncCursorsTable {
  source: string
  stream: string
  cursor: string
  updated_at: number
}

export interface ScheduleRunsTable {
  schedule: string
  /** The cron slot (epoch ms) this run is for. */
  slot: number
  /** claimed (being sent), sent, failed, or skipped (a slot before engops knew the schedule). */
  status: string
  claimed_at: number
  finished_at: number | null
  detail: string | null
}

export interface AlertStatesTable {
  /** The alert's stable identity: rule and subject, e.g. kpi-status:review_pickup:team:payments. */
  key: string
  rule: string
  /** firing or resolved. */
  status: string
  /** warning or critical, as last sent. */
  severity: string
  opened_at: number
  last_sent_at: number | null
  resolved_at: number | null
  /** The last condition seen, as JSON. */
  detail: string
}

export interface DeadLettersTable {
  id: string
  destination: string
  /** What was being sent: a schedule's run or an alert. */
  subject: string
  attempts: number
  error: string
  /** The message as it was sent, as JSON. */
  payload: string
  at: number
}

export interface Database {
  commits: CommitsTable
  commit_files: CommitFilesTable
  releases: ReleasesTable
  deployments: DeploymentsTable
  incidents: IncidentsTable
  pull_requests: PullRequestsTable
  ingest_state: IngestStateTable
  records: RecordsTable
  api_tokens: ApiTokensTable
  webhook_deliveries: WebhookDeliveriesTable
  sync_cursors: SyncCursorsTable
  schedule_runs: ScheduleRunsTable
  alert_states: AlertStatesTable
  dead_letters: DeadLettersTable
  data_version: DataVersionTable
  shipped_deployments: ShippedDeploymentsTable
  incident_causes: IncidentCausesTable
  shipped_commits: ShippedCommitsTable
  shipped_pull_requests: ShippedPullRequestsTable
  pull_request_shas: PullRequestShasTable
  derived_services: DerivedServicesTable
  derived_dirty: DerivedDirtyTable
}

/*
 * Derived facts: computed from the events above when they arrive (engine/derived.ts), so that a
 * question reads the rows of its period instead of the whole history. Never written by anything
 * else; `engops rebuild` recomputes them all and gives the same rows.
 */

/**
 * Each successful production deployment: the changes and pull requests it shipped, and the rework
 * that marks it failed (the incidents blamed on it are `incident_causes`).
 */
export interface ShippedDeploymentsTable {
  source: string
  id: string
  service: string
  /** Lower case: a service's deployments to one environment ship in finish order. */
  environment: string
  finished_at: number
  /** The repository in which the deployed sha was found; null when no ingested repository has it. */
  repo: string | null
  /** 1 for the first successful deployment of its service and environment. */
  is_first: number
  /** JSON [[repo, sha, authoredAt, pull request id | null], …]: the changes it shipped. */
  changes: string
  /** JSON [[source, id, first commit authoredAt | null], …]: the merged pull requests it shipped. */
  pull_requests: string
  /** 'hotfix' or 'rollback' when the next deployment reworked it, with that deployment's id. */
  rework_reason: string | null
  rework_ref: string | null
}

/** Which deployments each incident is blamed on (a row per cause, owned by the deployment's service). */
export interface IncidentCausesTable {
  incident_source: string
  incident_id: string
  /** Order of the causes of one incident: by the incident's service list, as they were found. */
  position: number
  service: string
  deployment_source: string
  deployment_id: string
  reason: string
}

/**
 * Per service, every commit its production deployments reached, with the deployment that first
 * did: a new deployment walks the graph only down to these. A row without a deployment is a
 * parent those commits name that is not in the store: its arrival changes what was shipped.
 */
export interface ShippedCommitsTable {
  service: string
  repo: string
  sha: string
  deployment_source: string | null
  deployment_id: string | null
}

/** The pull requests (by id) already shipped to each service and environment: each ships once. */
export interface ShippedPullRequestsTable {
  service: string
  environment: string
  pull_request: string
}

/** Each sha a pull request names (merge, head, its commits), kept with the pull request. */
export interface PullRequestShasTable {
  repo: string
  sha: string
  /** The sha's first seven characters: a commit finds the pull requests naming it, by full or short sha. */
  prefix: string
  source: string
  id: string
}

/**
 * The services whose facts are derived, each with the fingerprint of the org-file settings they
 * were derived under: a changed service (repositories, paths) or rule is derived again.
 */
export interface DerivedServicesTable {
  service: string
  fingerprint: string
}

/**
 * Services whose events changed since their facts were derived (a write marks, a derivation
 * clears). `full` 0: only newer events arrived, and the service's facts are extended from where
 * they stand; 1: something already derived changed, and the service is derived again whole.
 */
export interface DerivedDirtyTable {
  service: string
  full: Generated<number>
}

/** One row: a counter every write transaction moves, so other processes notice new data. */
export interface DataVersionTable {
  id: number
  version: number
}

/** Every table of data, for whole-store views (counts, snapshots, clearing); not data_version. */
export const TABLES = [
  'commits',
  'commit_files',
  'releases',
  'deployments',
  'incidents',
  'pull_requests',
  'ingest_state',
  'records',
  'api_tokens',
  'webhook_deliveries',
  'sync_cursors',
] as const satisfies readonly (keyof Database)[]

/** The rituals' bookkeeping: emptied with the data, never counted as data. */
export const RITUAL_TABLES = [
  'schedule_runs',
  'alert_states',
  'dead_letters',
] as const satisfies readonly (keyof Database)[]

/** The tables of derived facts: emptied with the data, never counted as data. */
export const DERIVED_TABLES = [
  'shipped_deployments',
  'incident_causes',
  'shipped_commits',
  'shipped_pull_requests',
  'pull_request_shas',
  'derived_services',
  'derived_dirty',
] as const satisfies readonly (keyof Database)[]
