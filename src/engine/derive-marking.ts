/**
 * Which services' derived facts a batch of events changes, and how: read before the batch is
 * written, against what is stored and what derivation left. Newer events (a deployment after the
 * last, commits and pull requests not yet shipped, an incident after the last deployment) let a
 * service's facts be extended; a change under what was already derived (an edited deployment, a
 * pull request or files of a commit that shipped, an incident naming a cause) makes the service
 * be derived whole. Events stored unchanged change nothing.
 */
import type { EventBatch } from '../ingest/events.js'
import { type OrgFile, serviceRepositories } from '../model/org.js'
import type { Deployment, Incident, PullRequest } from '../model/types.js'
import type { StoreWriter } from '../store/writer.js'

export interface DerivationMarks {
  /** Services whose facts are extended from where they stand. */
  extend: Set<string>
  /** Services derived whole (this wins over extending). */
  whole: Set<string>
}

const keyOf = (row: { source: string; id: string }) => `${row.source}\0${row.id}`

/** The last event of each identity in a batch: the one that is stored. */
function lastOf<T extends { source: string; id: string }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((row) => [keyOf(row), row])).values()]
}

const sameDeployment = (a: Deployment, b: Deployment) =>
  a.service === b.service &&
  a.environment === b.environment &&
  a.result === b.result &&
  a.startedAt === b.startedAt &&
  a.finishedAt === b.finishedAt &&
  a.sha === b.sha &&
  a.kind === b.kind &&
  // Labels say rework too (hotfix, rollback): they fail the deployment before.
  JSON.stringify(a.labels) === JSON.stringify(b.labels)

const sameBlame = (a: Incident, b: Incident) =>
  JSON.stringify(a.services) === JSON.stringify(b.services) &&
  a.detectedAt === b.detectedAt &&
  a.causeDeployment === b.causeDeployment &&
  a.causeSha === b.causeSha

const sameShipping = (a: PullRequest, b: PullRequest) =>
  a.repo === b.repo &&
  a.createdAt === b.createdAt &&
  a.mergedAt === b.mergedAt &&
  a.mergeSha === b.mergeSha &&
  a.headSha === b.headSha &&
  JSON.stringify(a.commits) === JSON.stringify(b.commits)

const shasOf = (pr: PullRequest) =>
  [pr.mergeSha, pr.headSha, ...pr.commits].filter((sha): sha is string => sha !== null && sha !== '')

export async function marksFor(
  writer: StoreWriter,
  org: OrgFile,
  batch: EventBatch,
): Promise<DerivationMarks> {
  const reader = writer.derived
  const marks: DerivationMarks = { extend: new Set(), whole: new Set() }
  const servicesOf = servicesByRepo(org)
  const ofRepo = (repo: string) => servicesOf.get(repo) ?? []
  const whole = (services: Iterable<string>) => {
    for (const service of services) marks.whole.add(service)
  }
  const extend = (services: Iterable<string>) => {
    for (const service of services) marks.extend.add(service)
  }

  const deployments = lastOf(batch.deployments)
  const storedDeployments = new Map(
    (await reader.deploymentsByKey(deployments.map((d) => [d.source, d.id] as const))).map((d) => [
      keyOf(d),
      d,
    ]),
  )
  const production = new Set(org.org.productionEnvironments.map((env) => env.toLowerCase()))
  const deployedUntil = await reader.lastShippedAt([...new Set(deployments.map((d) => d.service))])
  for (const deployment of deployments) {
    const stored = storedDeployments.get(keyOf(deployment))
    if (stored && !sameDeployment(stored, deployment)) whole([stored.service, deployment.service])
    if (stored) continue
    // Shipped no later than what shipped last: it changes what those shipped.
    const ships = deployment.result === 'success' && production.has(deployment.environment.toLowerCase())
    const late = deployment.finishedAt <= (deployedUntil.get(deployment.service) ?? Number.NEGATIVE_INFINITY)
    if (ships && late) whole([deployment.service])
    else extend([deployment.service])
  }

  const incidents = lastOf(batch.incidents)
  const storedIncidents = new Map(
    (await reader.incidentsByKey(incidents.map((i) => [i.source, i.id] as const))).map((i) => [keyOf(i), i]),
  )
  const lastShipped = await reader.lastShippedAt([...new Set(incidents.flatMap((i) => i.services))])
  for (const incident of incidents) {
    const stored = storedIncidents.get(keyOf(incident))
    if (stored && sameBlame(stored, incident)) continue
    if (stored || incident.causeDeployment !== null || incident.causeSha !== null) {
      // Blamed by name, or blamed before: wherever the old and new blame lie.
      whole([...incident.services, ...(stored?.services ?? [])])
      whole(
        await writer.servicesLinkedTo({
          deploymentIds: incident.causeDeployment === null ? [] : [incident.causeDeployment],
          deploymentKeys: [],
          incidentKeys: [[incident.source, incident.id]],
        }),
      )
      continue
    }
    for (const service of incident.services) {
      // Detected before the last deployment: its blame lies among deployments already derived.
      if (incident.detectedAt < (lastShipped.get(service) ?? Number.NEGATIVE_INFINITY)) whole([service])
      else extend([service])
    }
  }

  const newCommits = new Map<string, string[]>()
  const stored = await reader.storedCommits(batch.commits.map(({ commit }) => commit))
  for (const { commit } of batch.commits) {
    if (stored.has(`${commit.repo}\0${commit.sha}`)) continue
    const list = newCommits.get(commit.repo)
    if (list) list.push(commit.sha)
    else newCommits.set(commit.repo, [commit.sha])
  }
  for (const [repo, shas] of newCommits) {
    extend(ofRepo(repo))
    // A commit a shipped pull request names arrives late (a squash merge's original commit).
    const naming = await reader.keysNaming(repo, shas)
    whole(
      await reader.servicesShipping(
        ofRepo(repo),
        naming.map(([, id]) => id),
      ),
    )
  }

  const pullRequests = lastOf(batch.pullRequests)
  let unknown: Promise<{ service: string; sha: string }[]> | undefined
  const unknownShas = () => {
    unknown ??= reader.unknownShaDeployments()
    return unknown
  }
  const storedPullRequests = new Map(
    (await reader.pullRequestsWithCommits(pullRequests.map((pr) => [pr.source, pr.id] as const))).map(
      (pr) => [keyOf(pr), pr],
    ),
  )
  for (const pr of pullRequests) {
    const before = storedPullRequests.get(keyOf(pr))
    if (before && sameShipping(before, pr)) continue
    for (const version of before ? [before, pr] : [pr]) {
      const services = ofRepo(version.repo)
      extend(services)
      // Naming a commit already shipped (or missing below one) changes what shipped with it.
      const shas = shasOf(version)
      for (const [service] of await reader.marks(services, version.repo, shas)) whole([service])
      whole(await reader.servicesShipping(services, [version.id]))
      for (const unknown of await unknownShas())
        if (services.includes(unknown.service) && shas.includes(unknown.sha)) whole([unknown.service])
    }
  }

  const filesByRepo = new Map<string, string[]>()
  for (const file of batch.commitFiles) {
    const list = filesByRepo.get(file.repo)
    if (list) list.push(file.sha)
    else filesByRepo.set(file.repo, [file.sha])
  }
  for (const [repo, shas] of filesByRepo) {
    const services = pathServices(org, repo)
    extend(services)
    // The files of a commit that shipped decide whether it was this service's change.
    for (const [service] of await reader.marks(services, repo, shas)) whole([service])
  }
  for (const service of marks.whole) marks.extend.delete(service)
  return marks
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

/** The services that own only some paths of a repository: a commit's files decide for them. */
function pathServices(org: OrgFile, repo: string): string[] {
  return org.services
    .filter((service) => serviceRepositories(service).some((r) => r.name === repo && r.paths.length > 0))
    .map((service) => service.id)
}
