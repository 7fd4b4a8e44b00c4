/**
 * Domain records as the store returns them and the metrics consume them. Times are UTC epoch
 * milliseconds; optional facts are `null` when unknown.
 */
export type Severity = 'SEV-1' | 'SEV-2' | 'SEV-3' | 'SEV-4'
export const SEVERITIES: readonly Severity[] = ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4']

export type DeploymentKind = 'regular' | 'hotfix' | 'rollback'

export interface Deployment {
  source: string
  id: string
  service: string
  environment: string
  result: 'success' | 'failure'
  startedAt: number
  finishedAt: number
  sha: string
  kind: DeploymentKind
  labels: string[]
  /** Flagged as a performance regression after release; null when the source does not say. */
  regression: boolean | null
}

export interface Incident {
  source: string
  id: string
  services: string[]
  severity: Severity
  detectedAt: number
  acknowledgedAt: number | null
  mitigatedAt: number | null
  resolvedAt: number | null
  causeDeployment: string | null
  causeSha: string | null
  roles: { role: IncidentRole; person: string }[]
  statusUpdates: { at: number; audience: 'internal' | 'external' | 'exec' }[]
  postmortem: Postmortem | null
}

export type IncidentRole = 'incident-commander' | 'tech-lead' | 'comms' | 'scribe'

export interface ActionItem {
  title: string
  owner: string
  due: number
  done: boolean
  doneAt?: number
}

export interface Postmortem {
  status: 'draft' | 'in-review' | 'reviewed' | 'closed'
  completedAt?: number
  rootCause?: string
  contributingFactors: string[]
  actionItems: ActionItem[]
}

export interface Review {
  author: string
  at: number
  state: string
}

export interface PullRequest {
  source: string
  id: string
  repo: string
  number: number
  author: string
  createdAt: number
  mergedAt: number | null
  closedAt: number | null
  mergeSha: string | null
  headSha: string | null
  commits: string[]
  reviews: Review[]
  additions: number | null
  deletions: number | null
  draft: boolean
  labels: string[]
}

export interface Commit {
  repo: string
  sha: string
  parents: string[]
  authorName: string
  authorEmail: string | null
  authoredAt: number
  committedAt: number
  additions: number | null
  deletions: number | null
}

/** What the change graph needs of a commit. */
export type GraphCommit = Pick<Commit, 'repo' | 'sha' | 'parents' | 'authoredAt' | 'committedAt'>

export interface CommitFile {
  repo: string
  sha: string
  path: string
  additions: number | null
  deletions: number | null
}

export interface Release {
  repo: string
  name: string
  sha: string
  taggedAt: number
}
