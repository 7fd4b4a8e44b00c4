/**
 * What keeping the derived facts reads: the state derivation left (commits each service shipped,
 * its last deployments, the pull requests it shipped) and the few events a change concerns,
 * looked up by key, so that a day of new events costs a day's lookups.
 */

import { type Kysely, type Selectable, sql } from 'kysely'
import type { Commit, Deployment, GraphCommit, Incident, PullRequest } from '../model/types.js'
import { SHA_PREFIX } from './pull-request-shas.js'
import {
  chunks,
  type Db,
  deploymentOf,
  graphCommitOf,
  incidentOf,
  type Key,
  keyChunks,
  pullRequestOf,
} from './reader.js'
import type { Database } from './schema.js'

/** An incident naming a cause sha, and the services it is already blamed in. */
export interface ShaCausedIncident {
  incident: Incident
  blamedIn: Set<string>
}

export class DerivedReader {
  constructor(private readonly db: Db) {}

  /** Which of these shas of a repository each service has reached (shipped or missing). */
  async marks(
    services: readonly string[],
    repo: string,
    shas: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>()
    if (services.length === 0) return out
    for (const chunk of chunks([...new Set(shas)])) {
      const rows = await this.db
        .selectFrom('shipped_commits')
        .select(['service', 'sha'])
        .where('service', 'in', services)
        .where('repo', '=', repo)
        .where('sha', 'in', chunk)
        .execute()
      for (const row of rows) {
        const set = out.get(row.service) ?? new Set()
        set.add(row.sha)
        out.set(row.service, set)
      }
    }
    return out
  }

  /** Whether a parent a service's walks found missing has since arrived (its shipping changes). */
  async missingParentArrived(service: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('shipped_commits as m')
      .innerJoin('commits as c', (join) => join.onRef('c.repo', '=', 'm.repo').onRef('c.sha', '=', 'm.sha'))
      .select('m.sha')
      .where('m.service', '=', service)
      .where('m.deployment_id', 'is', null)
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  /** A service's last shipped deployments (those that finished last, several on a tie), as stored now. */
  async lastShipped(service: string): Promise<Deployment[]> {
    const rows = await this.db
      .selectFrom('shipped_deployments as s')
      .innerJoin('deployments as d', (join) =>
        join.onRef('d.source', '=', 's.source').onRef('d.id', '=', 's.id'),
      )
      .selectAll('d')
      .where('s.service', '=', service)
      .where('s.finished_at', '=', (eb) =>
        eb
          .selectFrom('shipped_deployments as l')
          .select((e) => e.fn.max('l.finished_at').as('m'))
          .where('l.service', '=', service),
      )
      .execute()
    return rows.map(deploymentOf)
  }

  /** The environments a service has shipped to (lower case). */
  async shippedEnvironments(service: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('shipped_deployments')
      .select('environment')
      .distinct()
      .where('service', '=', service)
      .execute()
    return rows.map((row) => row.environment)
  }

  /** A service's deployments that finished at or after a time. */
  async deploymentsFinishedFrom(service: string, at: number): Promise<Deployment[]> {
    const rows = await this.db
      .selectFrom('deployments')
      .selectAll()
      .where('service', '=', service)
      .where('finished_at', '>=', at)
      .execute()
    return rows.map(deploymentOf)
  }

  /** The shipped deployments (of every service: they are few) whose sha no ingested repository has. */
  async unknownShaDeployments(): Promise<{ service: string; sha: string }[]> {
    return this.db
      .selectFrom('shipped_deployments as s')
      .innerJoin('deployments as d', (join) =>
        join.onRef('d.source', '=', 's.source').onRef('d.id', '=', 's.id'),
      )
      .select(['s.service', 'd.sha'])
      .where('s.repo', 'is', null)
      .execute()
  }

  /** When each of these services' last shipped deployment finished. */
  async lastShippedAt(services: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (const chunk of chunks(services)) {
      const rows = await this.db
        .selectFrom('shipped_deployments')
        .select(['service', (eb) => eb.fn.max('finished_at').as('last')])
        .where('service', 'in', chunk)
        .groupBy('service')
        .execute()
      for (const row of rows) out.set(row.service, Number(row.last))
    }
    return out
  }

  /** Ids of these pull requests already shipped to a service and environment. */
  async shippedPullRequests(
    service: string,
    environment: string,
    ids: readonly string[],
  ): Promise<Set<string>> {
    const out = new Set<string>()
    for (const chunk of chunks([...new Set(ids)])) {
      const rows = await this.db
        .selectFrom('shipped_pull_requests')
        .select('pull_request')
        .where('service', '=', service)
        .where('environment', '=', environment)
        .where('pull_request', 'in', chunk)
        .execute()
      for (const row of rows) out.add(row.pull_request)
    }
    return out
  }

  /** Which services of these shipped each of these pull request ids (any environment). */
  async servicesShipping(services: readonly string[], ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>()
    if (services.length === 0) return out
    for (const chunk of chunks([...new Set(ids)])) {
      const rows = await this.db
        .selectFrom('shipped_pull_requests')
        .select('service')
        .distinct()
        .where('service', 'in', services)
        .where('pull_request', 'in', chunk)
        .execute()
      for (const row of rows) out.add(row.service)
    }
    return out
  }

  /** Commits of a repository by full sha, as the change graph needs them. */
  async graphCommits(repo: string, shas: readonly string[]): Promise<GraphCommit[]> {
    const out: GraphCommit[] = []
    for (const chunk of chunks([...new Set(shas)])) {
      const rows = await this.db
        .selectFrom('commits')
        .select(['repo', 'sha', 'parents', 'authored_at', 'committed_at'])
        .where('repo', '=', repo)
        .where('sha', 'in', chunk)
        .execute()
      for (const row of rows) out.push(graphCommitOf(row))
    }
    return out
  }

  /** Commits of a repository whose sha starts with a short sha (all of them: more than one is ambiguous). */
  async graphCommitsStartingWith(repo: string, prefix: string): Promise<GraphCommit[]> {
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', 'sha', 'parents', 'authored_at', 'committed_at'])
      .where('repo', '=', repo)
      // Compared as text, not by range: collations order shas differently on each database.
      .where(sql`substr(sha, 1, ${prefix.length})`, '=', prefix)
      .execute()
    return rows.map(graphCommitOf)
  }

  /** Which of these commits are stored already, as repo NUL sha. */
  async storedCommits(commits: readonly Pick<Commit, 'repo' | 'sha'>[]): Promise<Set<string>> {
    const out = new Set<string>()
    const byRepo = new Map<string, string[]>()
    for (const { repo, sha } of commits) {
      const list = byRepo.get(repo)
      if (list) list.push(sha)
      else byRepo.set(repo, [sha])
    }
    for (const [repo, shas] of byRepo) {
      for (const chunk of chunks(shas)) {
        const rows = await this.db
          .selectFrom('commits')
          .select('sha')
          .where('repo', '=', repo)
          .where('sha', 'in', chunk)
          .execute()
        for (const row of rows) out.add(`${repo}\0${row.sha}`)
      }
    }
    return out
  }

  /**
   * The pull requests of a repository that name any of these commits (by full sha, or by a short
   * sha the commit's starts with), with their commit lists.
   */
  async pullRequestsNaming(repo: string, shas: readonly string[]): Promise<PullRequest[]> {
    return this.pullRequestsWithCommits(await this.keysNaming(repo, shas))
  }

  /** The identities of the pull requests of a repository that name any of these commits. */
  async keysNaming(repo: string, shas: readonly string[]): Promise<Key[]> {
    const keys: Key[] = []
    const byPrefix = new Map<string, string[]>()
    for (const sha of new Set(shas)) {
      const prefix = sha.slice(0, SHA_PREFIX)
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), sha])
    }
    for (const chunk of chunks([...byPrefix.keys()])) {
      const rows = await this.db
        .selectFrom('pull_request_shas')
        .select(['sha', 'prefix', 'source', 'id'])
        .where('repo', '=', repo)
        .where('prefix', 'in', chunk)
        .execute()
      for (const row of rows) {
        // A short sha (seven characters or more) names the commits it starts; a shorter one only itself.
        const candidates = byPrefix.get(row.prefix) ?? []
        const named =
          row.sha.length >= SHA_PREFIX
            ? candidates.some((sha) => sha.startsWith(row.sha))
            : candidates.includes(row.sha)
        if (named) keys.push([row.source, row.id])
      }
    }
    return keys
  }

  /** Pull requests by identity, with their commit lists, in the order they claim commits. */
  async pullRequestsWithCommits(keys: readonly Key[]): Promise<PullRequest[]> {
    return (await this.byKey('pull_requests', keys, pullRequestOf)).sort(pullRequestOrder)
  }

  deploymentsByKey(keys: readonly Key[]): Promise<Deployment[]> {
    return this.byKey('deployments', keys, deploymentOf)
  }

  incidentsByKey(keys: readonly Key[]): Promise<Incident[]> {
    return this.byKey('incidents', keys, incidentOf)
  }

  private async byKey<T extends 'deployments' | 'incidents' | 'pull_requests', R>(
    table: T,
    keys: readonly Key[],
    of: (row: Selectable<Database[T]>) => R,
  ): Promise<R[]> {
    const out: R[] = []
    for (const { source, ids } of keyChunks(keys)) {
      // biome-ignore lint/suspicious/noExplicitAny: the three tables share the (source, id) key
      const rows = await (this.db as Kysely<any>)
        .selectFrom(table)
        .selectAll()
        .where('source', '=', source)
        .where('id', 'in', ids)
        .execute()
      for (const row of rows) out.push(of(row as Selectable<Database[T]>))
    }
    return out
  }

  /** Incidents detected at or after a time, in incident order. */
  async incidentsDetectedFrom(at: number): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('detected_at', '>=', at)
      .orderBy('detected_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map(incidentOf)
  }

  /** Whether an incident names any of these deployment ids as its cause. */
  async incidentNamesAny(deploymentIds: readonly string[]): Promise<boolean> {
    for (const chunk of chunks(deploymentIds)) {
      const row = await this.db
        .selectFrom('incidents')
        .select('id')
        .where('cause_deployment', 'in', chunk)
        .limit(1)
        .executeTakeFirst()
      if (row) return true
    }
    return false
  }

  /** Incidents naming a cause sha (and no deployment), each with the services it is blamed in. */
  async shaCausedIncidents(): Promise<ShaCausedIncident[]> {
    const incidents = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('cause_sha', 'is not', null)
      .where('cause_deployment', 'is', null)
      .execute()
    const causes = await this.db
      .selectFrom('incident_causes as c')
      .innerJoin('incidents as i', (join) =>
        join.onRef('i.source', '=', 'c.incident_source').onRef('i.id', '=', 'c.incident_id'),
      )
      .select(['c.incident_source', 'c.incident_id', 'c.service'])
      .where('i.cause_sha', 'is not', null)
      .where('i.cause_deployment', 'is', null)
      .execute()
    const blamed = new Map<string, Set<string>>()
    for (const cause of causes) {
      const key = `${cause.incident_source}\0${cause.incident_id}`
      blamed.set(key, (blamed.get(key) ?? new Set()).add(cause.service))
    }
    return incidents.map((row) => ({
      incident: incidentOf(row),
      blamedIn: blamed.get(`${row.source}\0${row.id}`) ?? new Set(),
    }))
  }

  /** Files of these commits of a repository, by sha. */
  async filesOf(repo: string, shas: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    for (const chunk of chunks([...new Set(shas)])) {
      const rows = await this.db
        .selectFrom('commit_files')
        .select(['sha', 'path'])
        .where('repo', '=', repo)
        .where('sha', 'in', chunk)
        .execute()
      for (const row of rows) {
        const list = out.get(row.sha)
        if (list) list.push(row.path)
        else out.set(row.sha, [row.path])
      }
    }
    return out
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The order in which pull requests claim the commits they name (the first keeps a commit): by
 * creation, then identity, compared as code units on every database (collations differ).
 */
export const pullRequestOrder = (a: PullRequest, b: PullRequest) =>
  a.createdAt - b.createdAt || compare(a.source, b.source) || compare(a.id, b.id)
