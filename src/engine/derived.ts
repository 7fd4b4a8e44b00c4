/**
 * Derived facts: which changes and pull requests each production deployment shipped, why it
 * failed, which deployments each incident is blamed on and when each pull request's first commit
 * was authored, kept in the store beside the events so that a question reads its period's rows
 * instead of recomputing the whole history.
 *
 * They are derived per service, from its deployments, its repositories' commits and pull requests
 * and the incidents that concern it, by the pure rules of metrics/ (change attribution, failure
 * links). A service's facts depend on nothing else, so deriving only the services a write touched
 * gives the same rows as deriving every service (`engops rebuild`), which the tests check.
 */
import {
  type Attribution,
  type AttributionOptions,
  attributeChanges,
  attributedHere,
  deploymentKey,
  type PriorShipping,
  type RepoGraph,
  type ServiceScope,
  type ShippedDeployment,
} from '../metrics/change-attribution.js'
import { type DeploymentFailure, type FailureLinks, incidentKey, linkFailures } from '../metrics/dora.js'
import { type OrgFile, serviceRepositories } from '../model/org.js'
import { DAY, HOUR } from '../model/time.js'
import type { GraphCommit, Incident } from '../model/types.js'
import { pullRequestOrder } from '../store/derived-reader.js'
import type { StoreReader } from '../store/reader.js'
import type { DerivedRows, StoreWriter } from '../store/writer.js'
import { AppendContext, appendService } from './derive-append.js'

/**
 * Bumped whenever a rule of derivation changes: every service's fingerprint changes with it, so
 * an upgraded engops derives everything again before it answers (as `engops rebuild` would).
 */
const DERIVATION_VERSION = 2

/** Services derived together: a round holds only their share of the history in memory. */
const SERVICES_PER_ROUND = 25

/** The settings a service's facts depend on: when they change, the service is derived again. */
export function fingerprintOf(org: OrgFile, service: string): string {
  const found = org.services.find((s) => s.id === service)
  return JSON.stringify({
    version: DERIVATION_VERSION,
    repositories: found ? serviceRepositories(found) : [],
    production: [...new Set(org.org.productionEnvironments.map((env) => env.toLowerCase()))].sort(),
    lookbackDays: org.org.dora.firstDeploymentLookbackDays,
    incidentWindowHours: org.org.dora.incidentWindowHours,
  })
}

/**
 * Services whose facts are out of date: those marked by a write (to extend, or to derive whole),
 * and those derived under other settings or never (whole).
 */
export async function staleServices(
  reader: StoreReader,
  org: OrgFile,
): Promise<{ extend: string[]; whole: string[] }> {
  const { fingerprints, dirty } = await reader.derivedState()
  const whole = new Set<string>()
  const extend = new Set<string>()
  for (const [service, full] of dirty) (full ? whole : extend).add(service)
  for (const service of new Set([...org.services.map((s) => s.id), ...fingerprints.keys()])) {
    if (fingerprints.get(service) !== fingerprintOf(org, service)) whole.add(service)
  }
  for (const service of whole) extend.delete(service)
  return { extend: [...extend].sort(), whole: [...whole].sort() }
}

/**
 * Brings out-of-date services up to date inside the writer's transaction, holding the derivation
 * lock (another process deriving the same services waits, then finds nothing stale). A service
 * marked to extend whose history changed underneath is derived whole instead. Past `deadline`
 * (epoch ms) it stops after the service or round at hand and says there is `more`: each service's
 * facts stand alone, so the rest can follow in transactions of their own, and no transaction keeps
 * other writers waiting for long.
 */
export async function deriveStale(
  writer: StoreWriter,
  org: OrgFile,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ extended: number; whole: number; more: boolean }> {
  await writer.lockDerivation()
  const { extend, whole } = await staleServices(writer, org)
  let extended = 0
  const context = new AppendContext(writer.derived)
  for (const [i, service] of extend.entries()) {
    // One service at least: every slice makes progress.
    if (i > 0 && Date.now() > deadline) return { extended, whole: 0, more: true }
    if (await appendService(writer, org, service, context)) extended++
    else whole.push(service)
  }
  const derived = await deriveServices(writer, org, whole.sort(), deadline)
  return { extended, whole: derived, more: derived < whole.length }
}

/** `engops rebuild`: every service that is in the org file, deployed or was derived, from its events. */
export async function deriveEverything(writer: StoreWriter, org: OrgFile): Promise<string[]> {
  await writer.lockDerivation()
  const { fingerprints, dirty } = await writer.derivedState()
  const all = new Set([
    ...org.services.map((s) => s.id),
    ...(await writer.deployingServices()),
    ...fingerprints.keys(),
    ...dirty.keys(),
  ])
  const services = [...all].sort()
  await deriveServices(writer, org, services)
  return services
}

/** Derives services whole, a round at a time, until done or past the deadline (one round at least); how many were. */
async function deriveServices(
  writer: StoreWriter,
  org: OrgFile,
  services: readonly string[],
  deadline = Number.POSITIVE_INFINITY,
): Promise<number> {
  if (services.length === 0) return 0
  const incidents = await writer.listIncidents()
  let start = 0
  while (start < services.length && (start === 0 || Date.now() <= deadline)) {
    await deriveRound(writer, org, services.slice(start, start + SERVICES_PER_ROUND), incidents)
    start += SERVICES_PER_ROUND
  }
  return Math.min(start, services.length)
}

async function deriveRound(
  writer: StoreWriter,
  org: OrgFile,
  ids: readonly string[],
  allIncidents: readonly Incident[],
): Promise<void> {
  const scopes = ids.map((id) => serviceScope(org, id))
  const repos = [...new Set(scopes.flatMap((s) => s.repositories.map((r) => r.name)))]
  const pathRepos = [
    ...new Set(scopes.flatMap((s) => s.repositories.filter((r) => r.paths.length > 0).map((r) => r.name))),
  ]
  const deployments = await writer.deploymentsOf(ids)
  const pullRequests = (await writer.listPullRequests({ repos, commits: true })).sort(pullRequestOrder)
  const commits = await writer.listCommitGraph(repos)
  const files = await writer.listCommitFiles(pathRepos)
  const filesBySha = new Map<string, string[]>()
  for (const file of files) {
    const key = `${file.repo}\0${file.sha}`
    const list = filesBySha.get(key)
    if (list) list.push(file.path)
    else filesBySha.set(key, [file.path])
  }
  const attribution = attributeChanges(
    scopes,
    deployments,
    commits,
    pullRequests,
    (repo, sha) => filesBySha.get(`${repo}\0${sha}`),
    attributionOptions(org),
  )
  // The incidents that concern these services: in them, or naming one of their deployments.
  const inRound = new Set(ids)
  const deploymentIds = new Set(deployments.map((d) => d.id))
  const incidents = allIncidents.filter(
    (i) =>
      i.services.some((s) => inRound.has(s)) ||
      (i.causeDeployment !== null && deploymentIds.has(i.causeDeployment)),
  )
  const links = linkFailures(attribution, incidents, scopes, org.org.dora.incidentWindowHours * HOUR)
  const rows = derivedRows(attribution, links, incidents)
  // Every commit the round's deployments reached, and the parents those name that are missing.
  const graphByRepo = new Map<string, GraphCommit[]>()
  for (const commit of commits) {
    const list = graphByRepo.get(commit.repo)
    if (list) list.push(commit)
    else graphByRepo.set(commit.repo, [commit])
  }
  for (const [service, byRepo] of attribution.firstContaining) {
    for (const [repo, shippedBy] of byRepo) {
      const graph = attribution.graph.repo(repo)
      if (!graph) continue
      const stored = (sha: string) => graph.exact(sha) !== undefined
      rows.commits.push(
        ...shippedCommitRows(service, repo, graphByRepo.get(repo) ?? [], shippedBy, graph, stored),
      )
    }
  }
  await writer.replaceDerived(
    ids.map((id) => ({ id, fingerprint: fingerprintOf(org, id) })),
    rows,
  )
}

export function serviceScope(org: OrgFile, id: string): ServiceScope {
  const service = org.services.find((s) => s.id === id)
  return { id, repositories: service ? serviceRepositories(service) : [] }
}

export function attributionOptions(org: OrgFile, prior?: PriorShipping): AttributionOptions {
  const production = new Set(org.org.productionEnvironments.map((env) => env.toLowerCase()))
  return {
    isProduction: (environment) => production.has(environment.toLowerCase()),
    firstDeploymentLookbackMs: org.org.dora.firstDeploymentLookbackDays * DAY,
    prior,
  }
}

/**
 * The rows of attributed deployments (all but those attributed earlier), the pull requests they
 * shipped and the causes of these incidents.
 */
export function derivedRows(
  attribution: Attribution,
  links: FailureLinks,
  incidents: readonly Incident[],
  skip: ReadonlySet<string> = new Set(),
): DerivedRows {
  const rows: DerivedRows = { shipped: [], causes: [], commits: [], pullRequests: [] }
  for (const [key, entry] of attribution.deployments) {
    if (skip.has(key)) continue
    const { deployment } = entry
    const environment = deployment.environment.toLowerCase()
    const rework = reworkOf(links, entry)
    rows.shipped.push({
      source: deployment.source,
      id: deployment.id,
      service: deployment.service,
      environment,
      finished_at: deployment.finishedAt,
      repo: entry.repo,
      is_first: entry.first ? 1 : 0,
      changes: JSON.stringify(entry.changes.map((c) => [c.repo, c.sha, c.authoredAt, c.pullRequestId])),
      pull_requests: JSON.stringify(
        entry.pullRequests.map((pr) => [pr.source, pr.id, attribution.firstCommitAt.get(pr.id) ?? null]),
      ),
      rework_reason: rework?.reason ?? null,
      rework_ref: rework?.ref ?? null,
    })
    for (const pr of entry.pullRequests)
      rows.pullRequests.push({ service: deployment.service, environment, pull_request: pr.id })
  }
  rows.causes = causeRows(links, incidents)
  return rows
}

/** The rework (hotfix or rollback by the next deployment) among a deployment's failures. */
export function reworkOf(links: FailureLinks, entry: ShippedDeployment): DeploymentFailure | undefined {
  return links.failures
    .get(deploymentKey(entry.deployment))
    ?.find(
      (f) => f.reason !== 'incident-cause' && f.reason !== 'incident-sha' && f.reason !== 'incident-window',
    )
}

function causeRows(links: FailureLinks, incidents: readonly Incident[]): DerivedRows['causes'] {
  const rows: DerivedRows['causes'] = []
  const incidentByKey = new Map(incidents.map((i) => [incidentKey(i), i]))
  for (const [key, causes] of links.causes) {
    const incident = incidentByKey.get(key)
    if (!incident) continue
    // Positions keep one incident's causes in the order a derivation of every service finds
    // them: by the incident's service list, then as found within a service.
    const perService = new Map<string, number>()
    for (const cause of causes) {
      const { deployment } = cause.deployment
      const seen = perService.get(deployment.service) ?? 0
      perService.set(deployment.service, seen + 1)
      rows.push({
        incident_source: incident.source,
        incident_id: incident.id,
        position:
          cause.reason === 'incident-cause'
            ? 0
            : (incident.services.indexOf(deployment.service) + 1) * 1000 + seen,
        service: deployment.service,
        deployment_source: deployment.source,
        deployment_id: deployment.id,
        reason: cause.reason,
      })
    }
  }
  return rows
}

/**
 * Of these commits of one repository, those a service's deployments reached here, each with the
 * deployment that first did, and the parents they name that are not stored (missing: no deployment).
 */
export function shippedCommitRows(
  service: string,
  repo: string,
  commits: readonly GraphCommit[],
  shippedBy: readonly (ShippedDeployment | undefined)[],
  graph: RepoGraph,
  stored: (sha: string) => boolean,
): DerivedRows['commits'] {
  const rows: DerivedRows['commits'] = []
  const missing = new Set<string>()
  for (const commit of commits) {
    const entry = shippedBy[graph.exact(commit.sha) ?? -1]
    if (!attributedHere(entry)) continue
    rows.push({
      service,
      repo,
      sha: commit.sha,
      deployment_source: entry.deployment.source,
      deployment_id: entry.deployment.id,
    })
    for (const parent of commit.parents) if (!stored(parent)) missing.add(parent)
  }
  for (const sha of missing) rows.push({ service, repo, sha, deployment_source: null, deployment_id: null })
  return rows
}
