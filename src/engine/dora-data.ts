/**
 * What DORA reads for one period and scope, from the derived facts (engine/derived.ts): the
 * period's shipped deployments with their changes and pull requests, the incidents whose restore
 * falls in it and the deployments they are blamed on. Nothing outside the period is loaded.
 */
import type { Period } from '../metrics/calendar.js'
import {
  bareEntry,
  type DeploymentAttribution,
  type ShippedDeployment,
} from '../metrics/change-attribution.js'
import {
  type DeploymentFailure,
  type DoraInput,
  type FailureLinks,
  type IncidentCause,
  incidentKey,
} from '../metrics/dora.js'
import type { Incident, PullRequest } from '../model/types.js'
import type { Key, ShippedRow, StoreReader } from '../store/reader.js'

type DoraRows = Pick<DoraInput, 'attribution' | 'links' | 'incidents' | 'covered'>

/** A period's derived DORA rows for the whole organization; any scope is cut from them in memory. */
export interface PeriodRows {
  shipped: ShippedRow[]
  incidents: Incident[]
  causes: CauseRow[]
  unmatchedCauses: number
  pullRequests: Map<string, PullRequest>
  firstCommitAt: Map<string, number>
}

type CauseRow = Awaited<ReturnType<StoreReader['causesOf']>>[number]

/** The period's derived rows; `known` pull requests (already read) are not read again. */
export async function loadPeriodRows(
  reader: StoreReader,
  period: Period,
  known: readonly PullRequest[] = [],
): Promise<PeriodRows> {
  const shipped = await reader.shippedIn(period)
  const incidents = await reader.incidentsToRestore(period)
  const causes = await reader.causesOf(incidents)
  const unmatchedCauses = await reader.unmatchedCauses()
  const keyOf = (source: string, id: string) => `${source}\0${id}`
  const knownByKey = new Map(known.map((pr) => [keyOf(pr.source, pr.id), pr] as const))
  const keys = shipped.flatMap((row) => row.pullRequests)
  const pullRequests = new Map<string, PullRequest>()
  const missing: Key[] = []
  for (const [source, id] of keys) {
    const key = keyOf(source, id)
    const found = knownByKey.get(key)
    if (found) pullRequests.set(key, found)
    // Repeats are fine: the lookups group the keys by source and ask for each once.
    else missing.push([source, id])
  }
  for (const pr of await reader.pullRequestsByKey(missing)) pullRequests.set(keyOf(pr.source, pr.id), pr)
  const firstCommitAt = new Map<string, number>()
  for (const [, id, at] of keys) if (at !== null) firstCommitAt.set(id, at)
  return { shipped, incidents, causes, unmatchedCauses, pullRequests, firstCommitAt }
}

/**
 * DORA's input for one scope (null: the organization) from its period's rows. `firstShipped` is
 * each service's first production deployment: the scope is covered when one came before the end.
 */
export function doraInputs(
  rows: PeriodRows,
  period: Period,
  services: ReadonlySet<string> | null,
  firstShipped: ReadonlyMap<string, number>,
): DoraRows {
  const inScope = (service: string) => services === null || services.has(service)
  const shipped = rows.shipped.filter((row) => inScope(row.deployment.service))
  const covered = [...firstShipped].some(([service, at]) => inScope(service) && at < period.to)
  const incidents = rows.incidents.filter((i) => i.services.some(inScope))
  const attribution: DeploymentAttribution = {
    deployments: new Map(),
    groups: new Map(),
    firstCommitAt: rows.firstCommitAt,
    unknownShaDeployments: shipped.filter((row) => row.repo === null).length,
  }
  const links: FailureLinks = {
    failures: new Map(),
    causes: new Map(),
    unmatchedCauses: rows.unmatchedCauses,
  }
  for (const row of shipped) {
    const entry = entryOf(row, (source, id) => rows.pullRequests.get(`${source}\0${id}`))
    const key = `${row.deployment.source}\0${row.deployment.id}`
    attribution.deployments.set(key, entry)
    const groups = attribution.groups.get(row.deployment.service) ?? [[]]
    groups[0]?.push(entry)
    attribution.groups.set(row.deployment.service, groups)
    if (row.failures.length > 0) links.failures.set(key, row.failures as DeploymentFailure[])
  }
  const wanted = new Set(incidents.map(incidentKey))
  for (const cause of rows.causes) {
    const key = incidentKey({ source: cause.incidentSource, id: cause.incidentId })
    if (!wanted.has(key)) continue
    const list = links.causes.get(key) ?? []
    const found = attribution.deployments.get(`${cause.deployment.source}\0${cause.deployment.id}`)
    list.push({
      // Shipped outside the period: the metrics read only its identity, service and finish time.
      deployment: found ?? bareEntry(cause.deployment),
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
