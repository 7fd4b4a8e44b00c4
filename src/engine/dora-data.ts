/**
 * What DORA reads for one period and scope, from the derived facts (engine/derived.ts): the
 * period's shipped deployments with their changes and pull requests, the incidents whose restore
 * falls in it and the deployments they are blamed on. Nothing outside the period is loaded.
 */
import type { Period } from '../metrics/calendar.js'
import type { DeploymentAttribution, ShippedDeployment } from '../metrics/change-attribution.js'
import {
  type DeploymentFailure,
  type DoraInput,
  type FailureLinks,
  type IncidentCause,
  incidentKey,
} from '../metrics/dora.js'
import type { Deployment } from '../model/types.js'
import type { ShippedRow, StoreReader } from '../store/reader.js'

type DoraRows = Pick<DoraInput, 'attribution' | 'links' | 'incidents' | 'covered'>

export async function doraInputs(
  reader: StoreReader,
  period: Period,
  services: ReadonlySet<string> | null,
): Promise<DoraRows> {
  const list = services === null ? null : [...services]
  const shipped = await reader.shippedIn(period, list)
  const covered = shipped.length > 0 || (await reader.shippedBefore(period.from, list))
  const incidents = (await reader.incidentsToRestore(period)).filter(
    (i) => services === null || i.services.some((s) => services.has(s)),
  )
  const causes = await reader.causesOf(incidents)
  const unmatchedCauses = await reader.unmatchedCauses()
  const pullRequestKeys = uniqueKeys(shipped.flatMap((row) => row.pullRequests))
  const pullRequests = await reader.pullRequestsByKey(pullRequestKeys)
  const firstCommitAt = await reader.firstCommitTimesOf(pullRequestKeys)

  const byKey = new Map(pullRequests.map((pr) => [`${pr.source}\0${pr.id}`, pr]))
  const attribution: DeploymentAttribution = {
    deployments: new Map(),
    groups: new Map(),
    firstCommitAt,
    unknownShaDeployments: shipped.filter((row) => row.repo === null).length,
  }
  const links: FailureLinks = { failures: new Map(), causes: new Map(), unmatchedCauses }
  for (const row of shipped) {
    const entry = entryOf(row, (source, id) => byKey.get(`${source}\0${id}`))
    const key = `${row.deployment.source}\0${row.deployment.id}`
    attribution.deployments.set(key, entry)
    const groups = attribution.groups.get(row.deployment.service) ?? [[]]
    groups[0]?.push(entry)
    attribution.groups.set(row.deployment.service, groups)
    if (row.failures.length > 0) links.failures.set(key, row.failures as DeploymentFailure[])
  }
  for (const cause of causes) {
    const key = incidentKey({ source: cause.incidentSource, id: cause.incidentId })
    const list = links.causes.get(key) ?? []
    const found = attribution.deployments.get(`${cause.deployment.source}\0${cause.deployment.id}`)
    list.push({
      deployment: found ?? blamedOnly(cause.deployment),
      reason: cause.reason as IncidentCause['reason'],
    })
    links.causes.set(key, list)
  }
  return { attribution, links, incidents, covered }
}

function entryOf(
  row: ShippedRow,
  pullRequestOf: (source: string, id: string) => ShippedDeployment['pullRequests'][number] | undefined,
): ShippedDeployment {
  return {
    deployment: row.deployment,
    repo: row.repo,
    first: row.first,
    changes: row.changes.map(([repo, sha, authoredAt, pullRequestId]) => ({
      repo,
      sha,
      authoredAt,
      pullRequestId,
    })),
    pullRequests: row.pullRequests.flatMap(([source, id]) => {
      const pr = pullRequestOf(source, id)
      return pr ? [pr] : []
    }),
    // The neighbours served deriving (rework links); the period's metrics do not read them.
    previous: null,
    next: null,
  }
}

/**
 * A deployment an incident of the period is blamed on that shipped outside the period: the
 * metrics read only its identity, service and finish time.
 */
function blamedOnly(deployment: Deployment): ShippedDeployment {
  return { deployment, repo: null, first: false, changes: [], pullRequests: [], previous: null, next: null }
}

function uniqueKeys(keys: readonly [string, string][]): [string, string][] {
  const seen = new Map<string, [string, string]>()
  for (const key of keys) seen.set(`${key[0]}\0${key[1]}`, key)
  return [...seen.values()]
}
