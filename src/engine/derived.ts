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
import type { EventBatch } from '../ingest/events.js'
import { attributeChanges, deploymentKey, type ServiceScope } from '../metrics/change-attribution.js'
import { incidentKey, linkFailures } from '../metrics/dora.js'
import { type OrgFile, serviceRepositories } from '../model/org.js'
import { DAY, HOUR } from '../model/time.js'
import type { Incident } from '../model/types.js'
import type { StoreReader } from '../store/reader.js'
import type { DerivedRows, StoreWriter } from '../store/writer.js'

/**
 * Bumped whenever a rule of derivation changes: every service's fingerprint changes with it, so
 * an upgraded engops derives everything again before it answers (as `engops rebuild` would).
 */
const DERIVATION_VERSION = 1

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

function servicesByRepo(org: OrgFile): Map<string, string[]> {
  const byRepo = new Map<string, string[]>()
  for (const service of org.services) {
    for (const repo of serviceRepositories(service)) {
      const list = byRepo.get(repo.name) ?? []
      if (!list.includes(service.id)) list.push(service.id)
      byRepo.set(repo.name, list)
    }
  }
  return byRepo
}

/**
 * The services whose facts a batch of events changes: the services it deploys or has incidents
 * in, those whose repositories it adds commits or pull requests to, the service of a deployment
 * an incident names, and the services the rows it replaces were derived under.
 */
export async function servicesTouched(
  reader: StoreReader,
  org: OrgFile,
  batch: EventBatch,
): Promise<Set<string>> {
  const byRepo = servicesByRepo(org)
  const touched = new Set<string>()
  const ofRepo = (repo: string) => {
    for (const service of byRepo.get(repo) ?? []) touched.add(service)
  }
  for (const deployment of batch.deployments) touched.add(deployment.service)
  for (const incident of batch.incidents) for (const service of incident.services) touched.add(service)
  for (const pr of batch.pullRequests) ofRepo(pr.repo)
  for (const { commit } of batch.commits) ofRepo(commit.repo)
  for (const file of batch.commitFiles) ofRepo(file.repo)
  const linked = await reader.servicesLinkedTo({
    deploymentIds: batch.incidents.flatMap((i) => (i.causeDeployment === null ? [] : [i.causeDeployment])),
    deploymentKeys: batch.deployments.map((d) => [d.source, d.id] as const),
    incidentKeys: batch.incidents.map((i) => [i.source, i.id] as const),
  })
  for (const service of linked) touched.add(service)
  return touched
}

/** Services whose facts are out of date: marked by a write, derived under other settings, or never. */
export async function staleServices(reader: StoreReader, org: OrgFile): Promise<string[]> {
  const { fingerprints, dirty } = await reader.derivedState()
  const stale = new Set(dirty)
  for (const service of new Set([...org.services.map((s) => s.id), ...fingerprints.keys()])) {
    if (fingerprints.get(service) !== fingerprintOf(org, service)) stale.add(service)
  }
  return [...stale].sort()
}

/**
 * Brings every out-of-date service up to date inside the writer's transaction, holding the
 * derivation lock (another process deriving the same services waits, then finds nothing stale).
 * Returns the services derived.
 */
export async function deriveStale(writer: StoreWriter, org: OrgFile): Promise<string[]> {
  await writer.lockDerivation()
  const stale = await staleServices(writer, org)
  await deriveServices(writer, org, stale)
  return stale
}

/** `engops rebuild`: every service that is in the org file, deployed or was derived, from its events. */
export async function deriveEverything(writer: StoreWriter, org: OrgFile): Promise<string[]> {
  await writer.lockDerivation()
  const { fingerprints, dirty } = await writer.derivedState()
  const all = new Set([
    ...org.services.map((s) => s.id),
    ...(await writer.deployingServices()),
    ...fingerprints.keys(),
    ...dirty,
  ])
  const services = [...all].sort()
  await deriveServices(writer, org, services)
  return services
}

async function deriveServices(writer: StoreWriter, org: OrgFile, services: readonly string[]): Promise<void> {
  if (services.length === 0) return
  const incidents = await writer.listIncidents()
  for (let start = 0; start < services.length; start += SERVICES_PER_ROUND) {
    await deriveRound(writer, org, services.slice(start, start + SERVICES_PER_ROUND), incidents)
  }
}

async function deriveRound(
  writer: StoreWriter,
  org: OrgFile,
  ids: readonly string[],
  allIncidents: readonly Incident[],
): Promise<void> {
  const scopes: ServiceScope[] = ids.map((id) => {
    const service = org.services.find((s) => s.id === id)
    return { id, repositories: service ? serviceRepositories(service) : [] }
  })
  const repos = [...new Set(scopes.flatMap((s) => s.repositories.map((r) => r.name)))]
  const pathRepos = [
    ...new Set(scopes.flatMap((s) => s.repositories.filter((r) => r.paths.length > 0).map((r) => r.name))),
  ]
  const deployments = await writer.deploymentsOf(ids)
  const pullRequests = await writer.listPullRequests({ repos, commits: true })
  const commits = await writer.listCommitGraph(repos)
  const files = await writer.listCommitFiles(pathRepos)
  const filesBySha = new Map<string, string[]>()
  for (const file of files) {
    const key = `${file.repo}\0${file.sha}`
    const list = filesBySha.get(key)
    if (list) list.push(file.path)
    else filesBySha.set(key, [file.path])
  }
  const production = new Set(org.org.productionEnvironments.map((env) => env.toLowerCase()))
  const attribution = attributeChanges(
    scopes,
    deployments,
    commits,
    pullRequests,
    (repo, sha) => filesBySha.get(`${repo}\0${sha}`),
    {
      isProduction: (environment) => production.has(environment.toLowerCase()),
      firstDeploymentLookbackMs: org.org.dora.firstDeploymentLookbackDays * DAY,
    },
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

  const rows: DerivedRows = { shipped: [], causes: [], pullRequestFacts: [] }
  for (const entry of attribution.deployments.values()) {
    const { deployment } = entry
    rows.shipped.push({
      source: deployment.source,
      id: deployment.id,
      service: deployment.service,
      finished_at: deployment.finishedAt,
      repo: entry.repo,
      is_first: entry.first ? 1 : 0,
      changes: JSON.stringify(entry.changes.map((c) => [c.repo, c.sha, c.authoredAt, c.pullRequestId])),
      pull_requests: JSON.stringify(entry.pullRequests.map((pr) => [pr.source, pr.id])),
      failures: JSON.stringify(links.failures.get(deploymentKey(deployment)) ?? []),
    })
  }
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
      rows.causes.push({
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
  for (const pr of pullRequests) {
    const at = attribution.firstCommitAt.get(pr.id)
    if (at !== undefined)
      rows.pullRequestFacts.push({ source: pr.source, id: pr.id, repo: pr.repo, first_commit_at: at })
  }
  await writer.replaceDerived(
    ids.map((id) => ({ id, fingerprint: fingerprintOf(org, id) })),
    repos,
    rows,
  )
}
