/**
 * Which changes each production deployment shipped, decided by the git graph.
 *
 * For every (service, environment) the successful deployments are taken in finish order. A
 * deployment ships the commits reachable from its sha that no earlier deployment of the same
 * service and environment reached: for a linear history that is exactly "reachable from this sha
 * and not from the previous one", and a rollback to an older sha correctly ships nothing new.
 * The first deployment of a service ships only what was merged (or, without pull requests,
 * committed) within a look-back window, not all of history.
 *
 * Merge commits (two or more parents) are not changes themselves; the commits they bring in are.
 * Pull requests are matched by merge sha, head sha and their own commit shas, so squash and
 * rebase merges are attributed too; a squashed pull request's original commits (when known)
 * replace the squash commit as the changes, so lead time starts at the real first commit.
 */
import type { Deployment, GraphCommit, PullRequest } from '../model/types.js'

export interface ServiceScope {
  id: string
  repositories: { name: string; paths: string[] }[]
}

export interface Change {
  repo: string
  sha: string
  authoredAt: number
  pullRequest: PullRequest | null
}

export interface ShippedDeployment {
  deployment: Deployment
  /** The repository in which the deployed sha was found; null when no ingested repository has it. */
  repo: string | null
  changes: Change[]
  pullRequests: PullRequest[]
  previous: ShippedDeployment | null
  next: ShippedDeployment | null
  /** First successful deployment of its service and environment. */
  first: boolean
}

export interface AttributionOptions {
  isProduction: (environment: string) => boolean
  firstDeploymentLookbackMs: number
}

export interface Attribution {
  /** Successful production deployments, keyed by `deploymentKey`. */
  deployments: Map<string, ShippedDeployment>
  /** Per service: each successful production deployment group, in finish order. */
  groups: Map<string, ShippedDeployment[][]>
  /** Per service and repo: the deployment that first contained each sha. */
  firstContaining: Map<string, Map<GraphCommit, ShippedDeployment>>
  graph: CommitGraph
  /** Per merged pull request (by id): when its first known commit was authored. */
  firstCommitAt: Map<string, number>
  unknownShaDeployments: number
}

/**
 * The part of an attribution the metrics read once incidents are linked: the graph and the
 * per-commit index are only needed to attribute, and are the bulk of its memory.
 */
export type DeploymentAttribution = Pick<
  Attribution,
  'deployments' | 'groups' | 'firstCommitAt' | 'unknownShaDeployments'
>

export const deploymentKey = (deployment: Pick<Deployment, 'source' | 'id'>) =>
  `${deployment.source}\0${deployment.id}`

/** Pull requests by repository and by every sha that identifies them (merge, head, own commits). */
class PullRequestIndex {
  private readonly byRepo = new Map<string, Map<string, PullRequest>>()

  add(repo: string, sha: string, pr: PullRequest): void {
    let shas = this.byRepo.get(repo)
    if (!shas) {
      shas = new Map()
      this.byRepo.set(repo, shas)
    }
    if (!shas.has(sha)) shas.set(sha, pr)
  }

  get(repo: string, sha: string): PullRequest | undefined {
    return this.byRepo.get(repo)?.get(sha)
  }
}

/** Commits by repository and sha, with lookup by unambiguous short sha. */
export class CommitGraph {
  private readonly byRepo = new Map<string, Map<string, GraphCommit>>()

  constructor(commits: Iterable<GraphCommit>) {
    for (const commit of commits) {
      let repo = this.byRepo.get(commit.repo)
      if (!repo) {
        repo = new Map()
        this.byRepo.set(commit.repo, repo)
      }
      repo.set(commit.sha, commit)
    }
  }

  get(repo: string, sha: string): GraphCommit | undefined {
    const commits = this.byRepo.get(repo)
    if (!commits) return undefined
    const exact = commits.get(sha)
    if (exact || sha.length >= 40 || sha.length < 7) return exact
    let found: GraphCommit | undefined
    for (const [full, commit] of commits) {
      if (full.startsWith(sha)) {
        if (found) return undefined
        found = commit
      }
    }
    return found
  }
}

function byFinish(a: Deployment, b: Deployment): number {
  return a.finishedAt - b.finishedAt || a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function attributeChanges(
  services: readonly ServiceScope[],
  deployments: readonly Deployment[],
  commits: Iterable<GraphCommit>,
  pullRequests: readonly PullRequest[],
  filesOf: (repo: string, sha: string) => readonly string[] | undefined,
  options: AttributionOptions,
): Attribution {
  const graph = new CommitGraph(commits)
  const prBySha = new PullRequestIndex()
  for (const pr of pullRequests) {
    if (pr.mergedAt === null) continue
    for (const sha of [pr.mergeSha, pr.headSha, ...pr.commits]) {
      if (sha) prBySha.add(pr.repo, sha, pr)
    }
  }
  const firstCommitAt = new Map<string, number>()
  for (const pr of pullRequests) {
    if (pr.mergedAt === null) continue
    let first: number | undefined
    for (const sha of pr.commits) {
      const at = graph.get(pr.repo, sha)?.authoredAt
      if (at !== undefined && (first === undefined || at < first)) first = at
    }
    if (first !== undefined) firstCommitAt.set(pr.id, first)
  }
  const serviceById = new Map(services.map((service) => [service.id, service]))

  const grouped = new Map<string, Deployment[]>()
  for (const deployment of deployments) {
    if (deployment.result !== 'success' || !options.isProduction(deployment.environment)) continue
    const key = `${deployment.service}\0${deployment.environment.toLowerCase()}`
    const list = grouped.get(key) ?? []
    list.push(deployment)
    grouped.set(key, list)
  }

  const attribution: Attribution = {
    deployments: new Map(),
    groups: new Map(),
    firstContaining: new Map(),
    graph,
    firstCommitAt,
    unknownShaDeployments: 0,
  }

  for (const list of grouped.values()) {
    list.sort(byFinish)
    const serviceId = list[0]!.service
    const repos = serviceById.get(serviceId)?.repositories ?? []
    let shipped = attribution.firstContaining.get(serviceId)
    if (!shipped) {
      shipped = new Map()
      attribution.firstContaining.set(serviceId, shipped)
    }
    const deployedPrs = new Set<string>()
    const group: ShippedDeployment[] = []
    let previous: ShippedDeployment | null = null
    for (const deployment of list) {
      const entry: ShippedDeployment = {
        deployment,
        repo: null,
        changes: [],
        pullRequests: [],
        previous,
        next: null,
        first: previous === null,
      }
      if (previous) previous.next = entry
      shipChanges(entry, repos, graph, prBySha, deployedPrs, shipped, filesOf, options)
      if (entry.repo === null) attribution.unknownShaDeployments++
      attribution.deployments.set(deploymentKey(deployment), entry)
      group.push(entry)
      previous = entry
    }
    const groups = attribution.groups.get(serviceId) ?? []
    groups.push(group)
    attribution.groups.set(serviceId, groups)
  }
  return attribution
}

function shipChanges(
  entry: ShippedDeployment,
  repos: ServiceScope['repositories'],
  graph: CommitGraph,
  prBySha: PullRequestIndex,
  deployedPrs: Set<string>,
  shipped: Map<GraphCommit, ShippedDeployment>,
  filesOf: (repo: string, sha: string) => readonly string[] | undefined,
  options: AttributionOptions,
): void {
  const { deployment } = entry
  const located = locate(deployment.sha, repos, graph)
  const lookbackStart = deployment.finishedAt - options.firstDeploymentLookbackMs
  const prDeployable = (pr: PullRequest) =>
    !deployedPrs.has(pr.id) && (!entry.first || (pr.mergedAt !== null && pr.mergedAt >= lookbackStart))

  if (!located) {
    // Not in any ingested history: a pull request whose merge or head sha is the deployed sha is
    // still known to have shipped here.
    for (const { name } of repos) {
      const pr = prBySha.get(name, deployment.sha)
      if (pr && prDeployable(pr)) {
        deployedPrs.add(pr.id)
        entry.pullRequests.push(pr)
      }
    }
    return
  }

  const { repo, paths, commit: head } = located
  entry.repo = repo
  const touchesService = (sha: string) => {
    if (paths.length === 0) return true
    const files = filesOf(repo, sha)
    return files?.some((file) => paths.some((prefix) => file.startsWith(prefix))) ?? false
  }
  const stack: GraphCommit[] = [head]
  const visited: GraphCommit[] = []
  while (stack.length > 0) {
    const commit = stack.pop()!
    // Commits are keyed by identity: one graph object per (repo, sha).
    if (shipped.has(commit)) continue
    shipped.set(commit, entry)
    visited.push(commit)
    for (const parent of commit.parents) {
      const parentCommit = graph.get(repo, parent)
      if (parentCommit && !shipped.has(parentCommit)) stack.push(parentCommit)
    }
  }

  // Pull requests first: the changes of a squashed pull request are its own commits.
  const squashed = new Set<string>()
  for (const commit of visited) {
    const pr = prBySha.get(repo, commit.sha)
    if (!pr || !prDeployable(pr)) continue
    deployedPrs.add(pr.id)
    entry.pullRequests.push(pr)
    if (pr.mergeSha !== commit.sha && pr.mergeSha !== null && !commit.sha.startsWith(pr.mergeSha)) continue
    for (const sha of pr.commits) {
      const original = graph.get(repo, sha)
      if (!original || shipped.has(original)) continue
      shipped.set(original, entry)
      squashed.add(commit.sha)
      if (touchesService(sha))
        entry.changes.push({ repo, sha, authoredAt: original.authoredAt, pullRequest: pr })
    }
  }
  for (const commit of visited) {
    // A merge commit is not a change of its own: the commits it brings in are.
    if (commit.parents.length > 1 || squashed.has(commit.sha) || !touchesService(commit.sha)) continue
    const pr = prBySha.get(repo, commit.sha) ?? null
    if (entry.first) {
      const recent = pr
        ? pr.mergedAt !== null && pr.mergedAt >= lookbackStart
        : commit.committedAt >= lookbackStart
      if (!recent) continue
    }
    entry.changes.push({ repo, sha: commit.sha, authoredAt: commit.authoredAt, pullRequest: pr })
  }
}

function locate(
  sha: string,
  repos: ServiceScope['repositories'],
  graph: CommitGraph,
): { repo: string; paths: string[]; commit: GraphCommit } | undefined {
  for (const { name, paths } of repos) {
    const commit = graph.get(name, sha)
    if (commit) return { repo: name, paths, commit }
  }
  return undefined
}

/** The deployment of `service` that first contained `sha`, if any. */
export function firstDeploymentContaining(
  attribution: Attribution,
  service: string,
  repos: ServiceScope['repositories'],
  sha: string,
): ShippedDeployment | undefined {
  const shipped = attribution.firstContaining.get(service)
  if (!shipped) return undefined
  for (const { name } of repos) {
    const commit = attribution.graph.get(name, sha)
    const hit = commit ? shipped.get(commit) : undefined
    if (hit) return hit
  }
  return undefined
}
