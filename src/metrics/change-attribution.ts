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
  /** The merged pull request the change came in (its id), if any. */
  pullRequestId: string | null
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
  /** What earlier deployments already shipped, when only newer ones are attributed. */
  prior?: PriorShipping
}

/**
 * Attributing only the deployments that follow those already attributed gives the same result
 * as attributing all of them, given what the earlier ones left: the commits they reached (a walk
 * stops there), the pull requests they shipped and the last of them, which the new ones follow.
 */
export interface PriorShipping {
  shipped: (service: string, repo: string, sha: string) => boolean
  /** Per service and environment (lower case): ids of the pull requests already shipped. */
  deployedPullRequests: (service: string, environment: string) => Iterable<string>
  /** Per service and environment: the last deployment already attributed. */
  last: (service: string, environment: string) => ShippedDeployment | undefined
}

/** A deployment as an entry that shipped nothing, found nowhere, with no neighbours. */
export const bareEntry = (deployment: Deployment): ShippedDeployment => ({
  deployment,
  repo: null,
  changes: [],
  pullRequests: [],
  previous: null,
  next: null,
  first: false,
})

/** Stands in the walk for a commit an earlier deployment reached (never in a result). */
const EARLIER = bareEntry({} as Deployment)

/** Whether the deployment that first reached a commit is one attributed here (not an earlier one). */
export const attributedHere = (entry: ShippedDeployment | undefined): entry is ShippedDeployment =>
  entry !== undefined && entry !== EARLIER

export interface Attribution {
  /** Successful production deployments, keyed by `deploymentKey`. */
  deployments: Map<string, ShippedDeployment>
  /** Per service: each successful production deployment group, in finish order. */
  groups: Map<string, ShippedDeployment[][]>
  /** Per service and repo: the deployment that first contained each commit. */
  firstContaining: FirstContaining
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

/**
 * One repository's commits, each at a position, with parents resolved to positions once: the
 * walks of attribution are then integer work instead of string-keyed lookups, which at hundreds
 * of thousands of commits is most of the difference.
 */
export class RepoGraph {
  readonly shas: string[]
  readonly authoredAt: Float64Array
  readonly committedAt: Float64Array
  /** Two or more parents (known or not): a merge is not a change of its own. */
  readonly isMerge: Uint8Array
  /** Parents of position i are parents[parentStart[i] .. parentStart[i + 1]), the known ones only. */
  readonly parentStart: Int32Array
  readonly parents: Int32Array
  private readonly position = new Map<string, number>()
  /** The merged pull request each commit identifies (by merge, head or own commit sha), if any. */
  readonly pullRequestAt: (PullRequest | undefined)[]

  constructor(commits: readonly GraphCommit[]) {
    const size = commits.length
    this.shas = new Array(size)
    this.authoredAt = new Float64Array(size)
    this.committedAt = new Float64Array(size)
    this.isMerge = new Uint8Array(size)
    this.pullRequestAt = new Array(size)
    for (let i = 0; i < size; i++) {
      const commit = commits[i]!
      this.shas[i] = commit.sha
      this.authoredAt[i] = commit.authoredAt
      this.committedAt[i] = commit.committedAt
      this.isMerge[i] = commit.parents.length > 1 ? 1 : 0
      this.position.set(commit.sha, i)
    }
    this.parentStart = new Int32Array(size + 1)
    const parents: number[] = []
    for (let i = 0; i < size; i++) {
      this.parentStart[i] = parents.length
      for (const sha of commits[i]!.parents) {
        const at = this.position.get(sha)
        if (at !== undefined) parents.push(at)
      }
    }
    this.parentStart[size] = parents.length
    this.parents = Int32Array.from(parents)
  }

  get size(): number {
    return this.shas.length
  }

  /** The position of a full sha. */
  exact(sha: string): number | undefined {
    return this.position.get(sha)
  }

  /** The position of a full or unambiguous short (≥ 7 characters) sha. */
  find(sha: string): number | undefined {
    const exact = this.position.get(sha)
    if (exact !== undefined || sha.length >= 40 || sha.length < 7) return exact
    let found: number | undefined
    for (const [full, at] of this.position) {
      if (full.startsWith(sha)) {
        if (found !== undefined) return undefined
        found = at
      }
    }
    return found
  }
}

/** Commits by repository. */
export class CommitGraph {
  private readonly byRepo = new Map<string, RepoGraph>()

  constructor(commits: Iterable<GraphCommit>) {
    const grouped = new Map<string, GraphCommit[]>()
    for (const commit of commits) {
      const list = grouped.get(commit.repo)
      if (list) list.push(commit)
      else grouped.set(commit.repo, [commit])
    }
    for (const [repo, list] of grouped) this.byRepo.set(repo, new RepoGraph(list))
  }

  repo(name: string): RepoGraph | undefined {
    return this.byRepo.get(name)
  }
}

/**
 * Per service and repository, the deployment that first contained each commit (by position in
 * the repository's graph).
 */
export type FirstContaining = Map<string, Map<string, (ShippedDeployment | undefined)[]>>

/** Finish order: the order in which a service's deployments to one environment ship. */
export function byFinish(a: Deployment, b: Deployment): number {
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
  // Each merged pull request is pinned on the commits its shas name (merge, head, own commits;
  // the first pull request to name a commit keeps it). Shas outside the ingested history are
  // kept aside: a deployment of such a sha still ships the pull request that names it.
  const outsideHistory = new Map<string, PullRequest>()
  const firstCommitAt = new Map<string, number>()
  for (const pr of pullRequests) {
    if (pr.mergedAt === null) continue
    const repoGraph = graph.repo(pr.repo)
    for (const sha of [pr.mergeSha, pr.headSha, ...pr.commits]) {
      if (!sha) continue
      const at = repoGraph?.exact(sha)
      if (at === undefined) {
        const key = `${pr.repo}\0${sha}`
        if (!outsideHistory.has(key)) outsideHistory.set(key, pr)
      } else if (repoGraph!.pullRequestAt[at] === undefined) repoGraph!.pullRequestAt[at] = pr
    }
    if (!repoGraph) continue
    let first: number | undefined
    for (const sha of pr.commits) {
      const at = repoGraph.find(sha)
      const authoredAt = at === undefined ? undefined : repoGraph.authoredAt[at]
      if (authoredAt !== undefined && (first === undefined || authoredAt < first)) first = authoredAt
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

  // Groups in environment order, whatever order the deployments came in.
  for (const key of [...grouped.keys()].sort()) {
    const list = grouped.get(key)!
    list.sort(byFinish)
    const serviceId = list[0]!.service
    const environment = list[0]!.environment.toLowerCase()
    const repos = serviceById.get(serviceId)?.repositories ?? []
    let shipped = attribution.firstContaining.get(serviceId)
    if (!shipped) {
      shipped = new Map()
      attribution.firstContaining.set(serviceId, shipped)
    }
    const prior = options.prior
    const deployedPrs = new Set<string>(prior?.deployedPullRequests(serviceId, environment))
    const group: ShippedDeployment[] = []
    let previous: ShippedDeployment | null = prior?.last(serviceId, environment) ?? null
    if (previous) {
      group.push(previous)
      attribution.deployments.set(deploymentKey(previous.deployment), previous)
    }
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
      shipChanges(entry, repos, graph, outsideHistory, deployedPrs, shipped, filesOf, options)
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
  outsideHistory: Map<string, PullRequest>,
  deployedPrs: Set<string>,
  shipped: Map<string, (ShippedDeployment | undefined)[]>,
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
      const pr = outsideHistory.get(`${name}\0${deployment.sha}`)
      if (pr && prDeployable(pr)) {
        deployedPrs.add(pr.id)
        entry.pullRequests.push(pr)
      }
    }
    return
  }

  const { repo, paths, graph: commits, head } = located
  entry.repo = repo
  const touchesService = (sha: string) => {
    if (paths.length === 0) return true
    const files = filesOf(repo, sha)
    return files?.some((file) => paths.some((prefix) => file.startsWith(prefix))) ?? false
  }
  let shippedBy = shipped.get(repo)
  if (!shippedBy) {
    shippedBy = new Array(commits.size)
    const { prior } = options
    if (prior) {
      for (let at = 0; at < commits.size; at++)
        if (prior.shipped(deployment.service, repo, commits.shas[at]!)) shippedBy[at] = EARLIER
    }
    shipped.set(repo, shippedBy)
  }
  const { parentStart, parents } = commits
  const stack: number[] = [head]
  const visited: number[] = []
  while (stack.length > 0) {
    const at = stack.pop()!
    if (shippedBy[at] !== undefined) continue
    shippedBy[at] = entry
    visited.push(at)
    for (let p = parentStart[at]!; p < parentStart[at + 1]!; p++) {
      if (shippedBy[parents[p]!] === undefined) stack.push(parents[p]!)
    }
  }

  // Pull requests first: the changes of a squashed pull request are its own commits.
  const squashed = new Set<number>()
  for (const at of visited) {
    const pr = commits.pullRequestAt[at]
    if (!pr || !prDeployable(pr)) continue
    deployedPrs.add(pr.id)
    entry.pullRequests.push(pr)
    const sha = commits.shas[at]!
    if (pr.mergeSha !== sha && pr.mergeSha !== null && !sha.startsWith(pr.mergeSha)) continue
    for (const commitSha of pr.commits) {
      const original = commits.find(commitSha)
      if (original === undefined || shippedBy[original] !== undefined) continue
      shippedBy[original] = entry
      squashed.add(at)
      if (touchesService(commitSha)) {
        entry.changes.push({
          repo,
          sha: commitSha,
          authoredAt: commits.authoredAt[original]!,
          pullRequestId: pr.id,
        })
      }
    }
  }
  for (const at of visited) {
    const sha = commits.shas[at]!
    // A merge commit is not a change of its own: the commits it brings in are.
    if (commits.isMerge[at] === 1 || squashed.has(at) || !touchesService(sha)) continue
    const pr = commits.pullRequestAt[at] ?? null
    if (entry.first) {
      const recent = pr
        ? pr.mergedAt !== null && pr.mergedAt >= lookbackStart
        : commits.committedAt[at]! >= lookbackStart
      if (!recent) continue
    }
    entry.changes.push({ repo, sha, authoredAt: commits.authoredAt[at]!, pullRequestId: pr?.id ?? null })
  }
}

function locate(
  sha: string,
  repos: ServiceScope['repositories'],
  graph: CommitGraph,
): { repo: string; paths: string[]; graph: RepoGraph; head: number } | undefined {
  for (const { name, paths } of repos) {
    const repoGraph = graph.repo(name)
    const head = repoGraph?.find(sha)
    if (head !== undefined) return { repo: name, paths, graph: repoGraph!, head }
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
    const at = attribution.graph.repo(name)?.find(sha)
    const hit = at === undefined ? undefined : shipped.get(name)?.[at]
    if (attributedHere(hit)) return hit
  }
  return undefined
}
