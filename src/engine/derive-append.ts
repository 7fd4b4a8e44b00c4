/**
 * Extending one service's derived facts with the deployments and incidents that came after them,
 * reading only what they reach: the new deployments' commits down to those already shipped, the
 * pull requests naming those commits, the incidents since the last deployment. The pure rules
 * (change attribution, failure links) run on that part of the history, seeded with what the
 * earlier deployments left, and give the rows a derivation of the whole history would.
 *
 * When something already derived changed under the service (a commit arrived below what shipped,
 * a deployment moved, a second production environment, an incident naming an old deployment),
 * `appendService` declines and the service is derived whole.
 */
import {
  attributeChanges,
  attributedHere,
  bareEntry,
  byFinish,
  deploymentKey,
  type ServiceScope,
} from '../metrics/change-attribution.js'
import { linkFailures } from '../metrics/dora.js'
import type { OrgFile } from '../model/org.js'
import { HOUR } from '../model/time.js'
import type { Deployment, GraphCommit, Incident, PullRequest } from '../model/types.js'
import { type DerivedReader, pullRequestOrder, type ShaCausedIncident } from '../store/derived-reader.js'
import { SHA_PREFIX } from '../store/pull-request-shas.js'
import type { StoreWriter } from '../store/writer.js'
import {
  attributionOptions,
  derivedRows,
  fingerprintOf,
  reworkOf,
  serviceScope,
  shippedCommitRows,
} from './derived.js'

/** The commits loaded for one repository: by sha, and the shas already shipped (or missing). */
interface RepoPart {
  commits: Map<string, GraphCommit>
  shipped: Set<string>
}

/** What every service extended in one derivation shares, read once. */
export class AppendContext {
  private shaCaused?: Promise<ShaCausedIncident[]>
  private unknownShas?: Promise<{ service: string; sha: string }[]>
  private incidents?: { from: number; list: Promise<Incident[]> }

  constructor(private readonly reader: DerivedReader) {}

  /** Incidents naming a cause sha, each with the services it is already blamed in. */
  shaCausedIncidents(): Promise<ShaCausedIncident[]> {
    this.shaCaused ??= this.reader.shaCausedIncidents()
    return this.shaCaused
  }

  /** The shas of shipped deployments no repository had, by service. */
  async unknownShasOf(service: string): Promise<string[]> {
    this.unknownShas ??= this.reader.unknownShaDeployments()
    return (await this.unknownShas).filter((row) => row.service === service).map((row) => row.sha)
  }

  /** Incidents detected at or after a time (read again only for an earlier time). */
  async incidentsFrom(at: number): Promise<Incident[]> {
    if (!this.incidents || this.incidents.from > at)
      this.incidents = { from: at, list: this.reader.incidentsDetectedFrom(at) }
    return (await this.incidents.list).filter((incident) => incident.detectedAt >= at)
  }
}

/**
 * Extends one service's facts; returns false when it must be derived whole instead. Writes that
 * marked it to extend have checked that nothing already derived changed (derive-marking.ts):
 * here is checked what only the derived state tells.
 */
export async function appendService(
  writer: StoreWriter,
  org: OrgFile,
  service: string,
  context: AppendContext,
): Promise<boolean> {
  const reader = writer.derived
  const scope = serviceScope(org, service)
  const { isProduction } = attributionOptions(org)
  const shipping = (d: Deployment) => d.result === 'success' && isProduction(d.environment)
  const tail = await reader.lastShipped(service)
  // Never shipped: extended only while it has nothing to ship (a first deployment reads history).
  if (tail.length === 0) {
    if ((await writer.deploymentsOf([service])).some(shipping)) return false
    await writer.appendDerived({
      service,
      fingerprint: fingerprintOf(org, service),
      shipped: [],
      causes: [],
      commits: [],
      pullRequests: [],
      rework: [],
      relinked: [],
    })
    return true
  }
  const environments = await reader.shippedEnvironments(service)
  const environment = tail[0]!.environment.toLowerCase()
  const recent = (await reader.deploymentsFinishedFrom(service, tail[0]!.finishedAt)).filter(shipping)
  if (environments.length > 1 || recent.some((d) => d.environment.toLowerCase() !== environment)) return false
  const shippedKeys = new Set(tail.map((d) => deploymentKey(d)))
  const inOrder = recent.sort(byFinish)
  const last = inOrder.filter((d) => shippedKeys.has(deploymentKey(d))).at(-1)
  if (!last) return false
  const fresh = inOrder.filter((d) => !shippedKeys.has(deploymentKey(d)))
  if (fresh.some((d) => byFinish(d, last) < 0)) return false
  if (await reader.missingParentArrived(service)) return false
  for (const sha of await context.unknownShasOf(service))
    if ((await locate(reader, scope, sha)).length > 0) return false
  if (fresh.length > 0 && (await reader.incidentNamesAny(fresh.map((d) => d.id)))) return false

  const parts = await loadReached(reader, service, scope, fresh)
  const pullRequests = await loadPullRequests(reader, service, scope, fresh, parts)
  const files = new Map<string, Map<string, string[]>>()
  for (const { name, paths } of scope.repositories)
    if (paths.length > 0)
      files.set(name, await reader.filesOf(name, [...(parts.get(name)?.commits.keys() ?? [])]))
  const alreadyShipped = await reader.shippedPullRequests(
    service,
    environment,
    pullRequests.map((pr) => pr.id),
  )
  // The last deployment, as the new ones' predecessor: what it shipped is stored, and unchanged.
  const lastEntry = bareEntry(last)
  const attribution = attributeChanges(
    [scope],
    fresh,
    [...parts.values()].flatMap((part) => [...part.commits.values()]),
    pullRequests,
    (repo, sha) => files.get(repo)?.get(sha),
    attributionOptions(org, {
      shipped: (_, repo, sha) => parts.get(repo)?.shipped.has(sha) ?? false,
      deployedPullRequests: () => alreadyShipped,
      last: (_, env) => (env === environment ? lastEntry : undefined),
    }),
  )
  if (!attribution.groups.has(service)) {
    // No new deployment: new incidents may still be blamed on the last one.
    attribution.groups.set(service, [[lastEntry]])
    attribution.deployments.set(deploymentKey(last), lastEntry)
  }

  // Shas shipped here that an incident named before any deployment of this service had them.
  const shippedNow = new Set<string>()
  for (const [repo, shippedBy] of attribution.firstContaining.get(service) ?? []) {
    const graph = attribution.graph.repo(repo)
    if (graph)
      for (let at = 0; at < graph.size; at++)
        if (attributedHere(shippedBy[at])) shippedNow.add(graph.shas[at]!)
  }
  for (const { incident, blamedIn } of await context.shaCausedIncidents()) {
    if (!incident.services.includes(service) || blamedIn.has(service)) continue
    const sha = incident.causeSha ?? ''
    for (const shipped of shippedNow)
      if (shipped === sha || (sha.length >= SHA_PREFIX && shipped.startsWith(sha))) return false
  }

  // The incidents since the last deployment are blamed again: a new one may now be the latest.
  const relinked = (await context.incidentsFrom(last.finishedAt)).filter(
    (i) => i.services.includes(service) && i.causeDeployment === null && i.causeSha === null,
  )
  const links = linkFailures(attribution, relinked, [scope], org.org.dora.incidentWindowHours * HOUR)
  const rows = derivedRows(attribution, links, relinked, new Set([deploymentKey(last)]))
  const rework = reworkOf(links, lastEntry)
  for (const [repo, shippedBy] of attribution.firstContaining.get(service) ?? []) {
    const graph = attribution.graph.repo(repo)
    const part = parts.get(repo)
    if (!graph || !part) continue
    const commits = [...part.commits.values()]
    // Parents outside the loaded part (below a squash merge's own commits) may still be stored.
    const outside = commits.flatMap((c) => c.parents).filter((sha) => !part.commits.has(sha))
    const stored = await reader.storedCommits(outside.map((sha) => ({ repo, sha })))
    const isStored = (sha: string) => part.commits.has(sha) || stored.has(`${repo}\0${sha}`)
    rows.commits.push(...shippedCommitRows(service, repo, commits, shippedBy, graph, isStored))
  }
  await writer.appendDerived({
    ...rows,
    service,
    fingerprint: fingerprintOf(org, service),
    rework: [{ source: last.source, id: last.id, reason: rework?.reason ?? null, ref: rework?.ref ?? null }],
    relinked: relinked.map((i) => [i.source, i.id] as const),
  })
  return true
}

/**
 * Where a deployed sha is, as attribution's `locate` finds it: the first of the service's
 * repositories holding it (a short sha must be unambiguous). Every commit it could be is returned,
 * so that the loaded part of the graph is as ambiguous as the whole.
 */
async function locate(reader: DerivedReader, scope: ServiceScope, sha: string): Promise<GraphCommit[]> {
  for (const { name } of scope.repositories) {
    const exact = await reader.graphCommits(name, [sha])
    if (exact.length > 0) return exact
    if (sha.length >= 40 || sha.length < SHA_PREFIX) continue
    const candidates = await reader.graphCommitsStartingWith(name, sha)
    if (candidates.length === 1) return candidates
  }
  return []
}

/**
 * The commits the new deployments reach that no earlier deployment did, walked down from their
 * shas by parents, each repository's walk stopping at commits already shipped (loaded too: they
 * bound the walk) or missing from the store.
 */
async function loadReached(
  reader: DerivedReader,
  service: string,
  scope: ServiceScope,
  fresh: readonly Deployment[],
): Promise<Map<string, RepoPart>> {
  const parts = new Map<string, RepoPart>()
  const partOf = (repo: string) => {
    let part = parts.get(repo)
    if (!part) {
      part = { commits: new Map(), shipped: new Set() }
      parts.set(repo, part)
    }
    return part
  }
  const frontier = new Map<string, GraphCommit[]>()
  for (const deployment of fresh) {
    for (const commit of await locate(reader, scope, deployment.sha)) {
      frontier.set(commit.repo, [...(frontier.get(commit.repo) ?? []), commit])
    }
  }
  while (frontier.size > 0) {
    const [repo, found] = frontier.entries().next().value as [string, GraphCommit[]]
    frontier.delete(repo)
    const part = partOf(repo)
    const fresh = found.filter((c) => !part.commits.has(c.sha))
    for (const commit of fresh) part.commits.set(commit.sha, commit)
    const shipped =
      (
        await reader.marks(
          [service],
          repo,
          fresh.map((c) => c.sha),
        )
      ).get(service) ?? new Set()
    for (const sha of shipped) part.shipped.add(sha)
    const parents = new Set<string>()
    for (const commit of fresh) {
      if (shipped.has(commit.sha)) continue
      for (const parent of commit.parents) if (!part.commits.has(parent)) parents.add(parent)
    }
    if (parents.size > 0) {
      const next = await reader.graphCommits(repo, [...parents])
      if (next.length > 0) frontier.set(repo, next)
    }
  }
  return parts
}

/**
 * The merged pull requests naming the reached commits (or an unknown deployed sha), in the order
 * they claim commits, with their own commits loaded into the part (a squash merge ships those).
 */
async function loadPullRequests(
  reader: DerivedReader,
  service: string,
  scope: ServiceScope,
  fresh: readonly Deployment[],
  parts: Map<string, RepoPart>,
): Promise<PullRequest[]> {
  const byKey = new Map<string, PullRequest>()
  for (const { name } of scope.repositories) {
    const part = parts.get(name)
    const shas = [...(part?.commits.keys() ?? [])].filter((sha) => !part?.shipped.has(sha))
    shas.push(...fresh.map((d) => d.sha))
    for (const pr of await reader.pullRequestsNaming(name, shas)) byKey.set(`${pr.source}\0${pr.id}`, pr)
  }
  const pullRequests = [...byKey.values()].filter((pr) => pr.mergedAt !== null).sort(pullRequestOrder)
  for (const pr of pullRequests) {
    const part = parts.get(pr.repo)
    if (!part) continue
    const wanted: GraphCommit[] = []
    for (const sha of pr.commits) {
      if (part.commits.has(sha)) continue
      if (sha.length >= 40 || sha.length < SHA_PREFIX)
        wanted.push(...(await reader.graphCommits(pr.repo, [sha])))
      else wanted.push(...(await reader.graphCommitsStartingWith(pr.repo, sha)))
    }
    const added = wanted.filter((c) => !part.commits.has(c.sha))
    for (const commit of added) part.commits.set(commit.sha, commit)
    const shipped =
      (
        await reader.marks(
          [service],
          pr.repo,
          added.map((c) => c.sha),
        )
      ).get(service) ?? new Set()
    for (const sha of shipped) part.shipped.add(sha)
  }
  return pullRequests
}
