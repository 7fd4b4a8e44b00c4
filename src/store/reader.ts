/**
 * Reading the store: domain records out of the tables, on the whole store or inside a write
 * transaction (the writer reads what it is about to derive from, and sees its own writes).
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { PipelineRunEvent } from '../model/events.js'
import type {
  CommitFile,
  Deployment,
  DeploymentKind,
  GraphCommit,
  Incident,
  PullRequest,
  Severity,
} from '../model/types.js'
import type { Database } from './schema.js'

/**
 * The deployments.regression column: 0 = not reported (also every row written before reports
 * were told apart from their absence), 1 = a regression, 2 = reported as no regression.
 */
const REGRESSION_FROM_COLUMN: Record<number, boolean | null> = { 0: null, 1: true, 2: false }

export type Db = Kysely<Database> | Transaction<Database>

/** When a service's deployments to one environment began (epoch ms; null: none such). */
export interface DeploymentFirsts {
  service: string
  environment: string
  first: number
  firstSuccess: number | null
  /** The first deployment whose source reports regressions at all. */
  firstReported: number | null
}

/**
 * What a question reads of a pull request: everything but the shas of its commits (only
 * derivation walks those) and the fields no metric reads.
 */
const PULL_REQUEST_FIELDS = [
  'source',
  'id',
  'repo',
  'number',
  'author',
  'created_at',
  'merged_at',
  'closed_at',
  'merge_sha',
  'head_sha',
  'reviews',
  'additions',
  'deletions',
  'draft',
  'labels',
] as const

/** Values per `IN (…)` list: well under SQLite's bound-parameter limit. */
const IN_LIST = 500

export function* chunks<T>(values: readonly T[]): Generator<T[]> {
  for (let start = 0; start < values.length; start += IN_LIST) yield values.slice(start, start + IN_LIST)
}

export type Key = readonly [source: string, id: string]

/**
 * Identities grouped by source, the ids in lists of at most IN_LIST: `source = ? AND id IN (…)`
 * walks the (source, id) key, where `id IN (…)` alone would read the whole table.
 */
export function* keyChunks(keys: readonly Key[]): Generator<{ source: string; ids: string[] }> {
  const bySource = new Map<string, Set<string>>()
  for (const [source, id] of keys) {
    const ids = bySource.get(source) ?? new Set()
    ids.add(id)
    bySource.set(source, ids)
  }
  for (const [source, ids] of bySource) for (const chunk of chunks([...ids])) yield { source, ids: chunk }
}

/** A shipped deployment as derived: the deployment, where its sha was found, what it shipped and why it failed. */
export interface ShippedRow {
  deployment: Deployment
  repo: string | null
  first: boolean
  /** [repo, sha, authoredAt, pull request id | null] per change. */
  changes: [repo: string, sha: string, authoredAt: number, pullRequest: string | null][]
  /** [source, id, first commit authoredAt | null] per merged pull request shipped. */
  pullRequests: [source: string, id: string, firstCommitAt: number | null][]
  /** Its rework first, then the incidents blamed on it in incident order. */
  failures: { reason: string; ref: string }[]
}

export class StoreReader {
  constructor(protected readonly db: Db) {}

  async listDeployments(): Promise<Deployment[]> {
    return this.deploymentsOf(null)
  }

  /** The deployments of some services (null: all), in finish order. */
  async deploymentsOf(services: readonly string[] | null): Promise<Deployment[]> {
    if (services?.length === 0) return []
    let query = this.db.selectFrom('deployments').selectAll()
    if (services) query = query.where('service', 'in', services)
    const rows = await query.orderBy('finished_at').orderBy('source').orderBy('id').execute()
    return rows.map(deploymentOf)
  }

  /** Who reported a deployment of these services and shas, where and when it finished. */
  async deploymentReports(
    deployments: readonly Pick<Deployment, 'service' | 'sha'>[],
  ): Promise<Pick<Deployment, 'source' | 'service' | 'environment' | 'sha' | 'finishedAt'>[]> {
    const shas = new Map<string, Set<string>>()
    for (const d of deployments) shas.set(d.service, (shas.get(d.service) ?? new Set()).add(d.sha))
    const reports: Pick<Deployment, 'source' | 'service' | 'environment' | 'sha' | 'finishedAt'>[] = []
    for (const [service, serviceShas] of shas) {
      for (const chunk of chunks([...serviceShas])) {
        const rows = await this.db
          .selectFrom('deployments')
          .select(['source', 'environment', 'sha', 'finished_at'])
          .where('service', '=', service)
          .where('sha', 'in', chunk)
          .execute()
        for (const row of rows)
          reports.push({
            source: row.source,
            service,
            environment: row.environment,
            sha: row.sha,
            finishedAt: row.finished_at,
          })
      }
    }
    return reports
  }

  /** The deployments finishing in a period, in finish order. */
  async deploymentsFinishedIn(period: { from: number; to: number }): Promise<Deployment[]> {
    const rows = await this.db
      .selectFrom('deployments')
      .selectAll()
      .where('finished_at', '>=', period.from)
      .where('finished_at', '<', period.to)
      .orderBy('finished_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map(deploymentOf)
  }

  /**
   * Each service's first successful deployment to each environment finishing at or after an
   * instant (a release is judged by the one that followed it, even past its period's end).
   */
  async firstSuccessfulFrom(at: number): Promise<Deployment[]> {
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('deployments')
          .selectAll()
          .select(
            sql<number>`row_number() over (partition by service, environment order by finished_at, source, id)`.as(
              'rank',
            ),
          )
          .where('result', '=', 'success')
          .where('finished_at', '>=', at)
          .as('d'),
      )
      .selectAll()
      .where('rank', '=', 1)
      .execute()
    return rows.map(deploymentOf)
  }

  /**
   * When each service's deployments to each environment began: the first of any result, the first
   * successful one, and the first whose source reports regressions (true or false).
   */
  async deploymentFirsts(): Promise<DeploymentFirsts[]> {
    const rows = await this.db
      .selectFrom('deployments')
      .select([
        'service',
        'environment',
        (eb) => eb.fn.min('finished_at').as('first'),
        sql<number | null>`min(case when result = 'success' then finished_at end)`.as('first_success'),
        sql<number | null>`min(case when regression <> 0 then finished_at end)`.as('first_reported'),
      ])
      .groupBy(['service', 'environment'])
      .execute()
    const time = (value: unknown) => (value === null || value === undefined ? null : Number(value))
    return rows.map((row) => ({
      service: row.service,
      environment: row.environment,
      first: Number(row.first),
      firstSuccess: time(row.first_success),
      firstReported: time(row.first_reported),
    }))
  }

  async listIncidents(): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .orderBy('detected_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map(incidentOf)
  }

  /** One incident by identity, e.g. to merge a webhook's lifecycle step into it. */
  async findIncident(source: string, id: string): Promise<Incident | undefined> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('source', '=', source)
      .where('id', '=', id)
      .executeTakeFirst()
    return row ? incidentOf(row) : undefined
  }

  /** One stored event of the generic families, as stored (times in epoch ms). */
  async findRecord(type: string, source: string, id: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db
      .selectFrom('records')
      .select('payload')
      .where('type', '=', type)
      .where('source', '=', source)
      .where('id', '=', id)
      .executeTakeFirst()
    return row ? (JSON.parse(row.payload) as Record<string, unknown>) : undefined
  }

  async listTokens(): Promise<
    { id: string; name: string; role: string; createdAt: number; revokedAt: number | null }[]
  > {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }))
  }

  /** A live (not revoked) token's stored hash and role. */
  async findToken(id: string): Promise<{ hash: string; role: string; name: string } | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .select(['hash', 'role', 'name'])
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
  }

  /** Every identity that signed work, with how much: commit authors (name, email) and pull request authors (logins). */
  async authorCounts(): Promise<{
    commits: { name: string; email: string | null; count: number }[]
    pullRequests: { login: string; count: number }[]
  }> {
    const commits = await this.db
      .selectFrom('commits')
      .select(['author_name', 'author_email', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['author_name', 'author_email'])
      .execute()
    const pulls = await this.db
      .selectFrom('pull_requests')
      .select(['author', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('author')
      .execute()
    return {
      commits: commits.map((r) => ({ name: r.author_name, email: r.author_email, count: Number(r.count) })),
      pullRequests: pulls.map((r) => ({ login: r.author, count: Number(r.count) })),
    }
  }

  /** The cursors a source's earlier syncs left, by stream. */
  async syncCursors(source: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('sync_cursors')
      .select(['stream', 'cursor'])
      .where('source', '=', source)
      .execute()
    return new Map(rows.map((row) => [row.stream, row.cursor]))
  }

  async hasDelivery(provider: string, delivery: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select('delivery')
      .where('provider', '=', provider)
      .where('delivery', '=', delivery)
      .executeTakeFirst()
    return row !== undefined
  }

  /**
   * Pull requests, oldest first: of some repositories (default: all), without their commit lists
   * unless asked (only deriving which changes shipped reads them, and they are most of the row).
   */
  async listPullRequests(
    options: { repos?: readonly string[]; commits?: boolean } = {},
  ): Promise<PullRequest[]> {
    if (options.repos?.length === 0) return []
    let query = this.db
      .selectFrom('pull_requests')
      .select(PULL_REQUEST_FIELDS)
      .$if(options.commits === true, (q) => q.select('commits'))
    if (options.repos) query = query.where('repo', 'in', options.repos)
    const rows = await query.orderBy('created_at').orderBy('source').orderBy('id').execute()
    return rows.map((row) => pullRequestOf(row))
  }

  /**
   * The pull requests a period's review metrics read: created before its end, and merged in it or
   * reviewed in it or later (a first review in the period implies a latest review after its start).
   */
  async pullRequestsActiveIn(period: { from: number; to: number }): Promise<PullRequest[]> {
    const rows = await this.db
      .selectFrom('pull_requests')
      .select(PULL_REQUEST_FIELDS)
      .where('created_at', '<', period.to)
      .where((eb) =>
        eb.or([
          eb.and([eb('merged_at', '>=', period.from), eb('merged_at', '<', period.to)]),
          eb('last_review_at', '>=', period.from),
        ]),
      )
      .orderBy('created_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map(pullRequestOf)
  }

  /** Everyone who authored a pull request, as given (one walk of the author index). */
  async pullRequestAuthors(): Promise<string[]> {
    const rows = await this.db.selectFrom('pull_requests').select('author').distinct().execute()
    return rows.map((row) => row.author)
  }

  /** The first merge at or after an instant of a pull request by any of these authors, or null. */
  async firstMergeFrom(authors: readonly string[], after: number): Promise<number | null> {
    let first: number | null = null
    for (const chunk of chunks(authors)) {
      const row = await this.db
        .selectFrom('pull_requests')
        .select((eb) => eb.fn.min('merged_at').as('first'))
        .where('author', 'in', chunk)
        .where('merged_at', '>=', after)
        .executeTakeFirst()
      const at = row?.first === null || row?.first === undefined ? null : Number(row.first)
      if (at !== null && (first === null || at < first)) first = at
    }
    return first
  }

  /** When each repository's first pull request was opened. */
  async firstPullRequestByRepo(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('pull_requests')
      .select(['repo', (eb) => eb.fn.min('created_at').as('first')])
      .groupBy('repo')
      .execute()
    return new Map(rows.map((row) => [row.repo, Number(row.first)]))
  }

  /** Pull requests by identity (the ones a period's deployments shipped), without commit lists. */
  async pullRequestsByKey(keys: readonly Key[]): Promise<PullRequest[]> {
    const out: PullRequest[] = []
    for (const { source, ids } of keyChunks(keys)) {
      const rows = await this.db
        .selectFrom('pull_requests')
        .select(PULL_REQUEST_FIELDS)
        .where('source', '=', source)
        .where('id', 'in', ids)
        .execute()
      for (const row of rows) out.push(pullRequestOf(row))
    }
    return out
  }

  /** What derivation knows of each service: the settings its facts were derived under, and whether events changed since. */
  async derivedState(): Promise<{ fingerprints: Map<string, string>; dirty: Map<string, boolean> }> {
    const [derived, dirty] = await Promise.all([
      this.db.selectFrom('derived_services').select(['service', 'fingerprint']).execute(),
      this.db.selectFrom('derived_dirty').select(['service', 'full']).execute(),
    ])
    return {
      fingerprints: new Map(derived.map((row) => [row.service, row.fingerprint])),
      /** Marked services: true to derive whole, false to extend. */
      dirty: new Map(dirty.map((row) => [row.service, row.full === 1])),
    }
  }

  /** Every service that ever deployed (named by a deployment, in the org file or not). */
  async deployingServices(): Promise<string[]> {
    const rows = await this.db.selectFrom('deployments').select('service').distinct().execute()
    return rows.map((row) => row.service)
  }

  /**
   * The services whose derived facts a change of these rows touches: the services of deployments
   * with these ids, of the shipped rows with these keys and of the causes of these incidents.
   */
  async servicesLinkedTo(rows: {
    deploymentIds: readonly string[]
    deploymentKeys: readonly Key[]
    incidentKeys: readonly Key[]
  }): Promise<Set<string>> {
    const found = new Set<string>()
    for (const chunk of chunks(rows.deploymentIds)) {
      const named = await this.db
        .selectFrom('deployments')
        .select('service')
        .where('id', 'in', chunk)
        .execute()
      for (const row of named) found.add(row.service)
    }
    for (const { source, ids } of keyChunks(rows.deploymentKeys)) {
      const shipped = await this.db
        .selectFrom('shipped_deployments')
        .select('service')
        .where('source', '=', source)
        .where('id', 'in', ids)
        .execute()
      for (const row of shipped) found.add(row.service)
    }
    for (const { source, ids } of keyChunks(rows.incidentKeys)) {
      const causes = await this.db
        .selectFrom('incident_causes')
        .select('service')
        .where('incident_source', '=', source)
        .where('incident_id', 'in', ids)
        .execute()
      for (const row of causes) found.add(row.service)
    }
    return found
  }

  /** The shipped deployments of a period (finished in [from, to)), each with its deployment, in finish order. */
  async shippedIn(period: { from: number; to: number }): Promise<ShippedRow[]> {
    const query = this.db
      .selectFrom('shipped_deployments as s')
      .innerJoin('deployments as d', (join) =>
        join.onRef('d.source', '=', 's.source').onRef('d.id', '=', 's.id'),
      )
      .selectAll('d')
      .select([
        's.repo as shipped_repo',
        's.is_first',
        's.changes',
        's.pull_requests',
        's.rework_reason',
        's.rework_ref',
      ])
      .where('s.finished_at', '>=', period.from)
      .where('s.finished_at', '<', period.to)
    const rows = await query.orderBy('s.finished_at').orderBy('s.source').orderBy('s.id').execute()
    const blamed = await this.blameOf(rows.map((row) => [row.source, row.id] as const))
    return rows.map((row) => ({
      deployment: deploymentOf(row),
      repo: row.shipped_repo,
      first: row.is_first === 1,
      changes: JSON.parse(row.changes) as ShippedRow['changes'],
      pullRequests: JSON.parse(row.pull_requests) as ShippedRow['pullRequests'],
      failures: [
        ...(row.rework_reason === null ? [] : [{ reason: row.rework_reason, ref: row.rework_ref ?? '' }]),
        ...(blamed.get(`${row.source}\0${row.id}`) ?? []),
      ],
    }))
  }

  /** The incidents blamed on each of these deployments, in incident order, as failures. */
  private async blameOf(keys: readonly Key[]): Promise<Map<string, { reason: string; ref: string }[]>> {
    const out = new Map<string, { reason: string; ref: string }[]>()
    for (const { source, ids } of keyChunks(keys)) {
      const rows = await this.db
        .selectFrom('incident_causes as c')
        .innerJoin('incidents as i', (join) =>
          join.onRef('i.source', '=', 'c.incident_source').onRef('i.id', '=', 'c.incident_id'),
        )
        .select(['c.deployment_source', 'c.deployment_id', 'c.reason', 'i.id as incident'])
        .where('c.deployment_source', '=', source)
        .where('c.deployment_id', 'in', ids)
        .orderBy('i.detected_at')
        .orderBy('i.source')
        .orderBy('i.id')
        .orderBy('c.position')
        .execute()
      for (const row of rows) {
        const key = `${row.deployment_source}\0${row.deployment_id}`
        const list = out.get(key) ?? []
        list.push({ reason: row.reason, ref: row.incident })
        out.set(key, list)
      }
    }
    return out
  }

  /** When each service's first production deployment finished. */
  async firstShipped(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('shipped_deployments')
      .select(['service', (eb) => eb.fn.min('finished_at').as('first')])
      .groupBy('service')
      .execute()
    return new Map(rows.map((row) => [row.service, Number(row.first)]))
  }

  /** Incidents resolved in a period, and those unresolved detected before its end, by detection. */
  async incidentsToRestore(period: { from: number; to: number }): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('resolved_at', '>=', period.from), eb('resolved_at', '<', period.to)]),
          eb.and([eb('resolved_at', 'is', null), eb('detected_at', '<', period.to)]),
        ]),
      )
      .orderBy('detected_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map(incidentOf)
  }

  /** The deployments each of these incidents is blamed on, in their order, with the reason. */
  async causesOf(
    incidents: readonly Pick<Incident, 'source' | 'id'>[],
  ): Promise<{ incidentSource: string; incidentId: string; reason: string; deployment: Deployment }[]> {
    const out: { incidentSource: string; incidentId: string; reason: string; deployment: Deployment }[] = []
    for (const { source, ids } of keyChunks(incidents.map((i) => [i.source, i.id] as const))) {
      const rows = await this.db
        .selectFrom('incident_causes as c')
        .innerJoin('deployments as d', (join) =>
          join.onRef('d.source', '=', 'c.deployment_source').onRef('d.id', '=', 'c.deployment_id'),
        )
        .selectAll('d')
        .select(['c.incident_source', 'c.incident_id', 'c.reason', 'c.position'])
        .where('c.incident_source', '=', source)
        .where('c.incident_id', 'in', ids)
        .orderBy('c.incident_id')
        .orderBy('c.position')
        .execute()
      for (const row of rows) {
        out.push({
          incidentSource: row.incident_source,
          incidentId: row.incident_id,
          reason: row.reason,
          deployment: deploymentOf(row),
        })
      }
    }
    return out
  }

  /** Incidents naming a cause (deployment or sha) that no ingested deployment matches. */
  async unmatchedCauses(): Promise<number> {
    const row = await this.db
      .selectFrom('incidents as i')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('i.cause_deployment', 'is not', null), eb('i.cause_sha', 'is not', null)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('incident_causes as c')
              .select('c.position')
              .whereRef('c.incident_source', '=', 'i.source')
              .whereRef('c.incident_id', '=', 'i.id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Just what the change graph needs of the commits of the given repositories. */
  async listCommitGraph(repos: readonly string[]): Promise<GraphCommit[]> {
    if (repos.length === 0) return []
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', 'sha', 'parents', 'authored_at', 'committed_at'])
      .where('repo', 'in', repos)
      .execute()
    return rows.map(graphCommitOf)
  }

  async listCommitFiles(repos: readonly string[]): Promise<CommitFile[]> {
    if (repos.length === 0) return []
    return this.db.selectFrom('commit_files').selectAll().where('repo', 'in', repos).execute()
  }

  /**
   * Every change of each documentation path (Markdown and the like, or under a docs folder), per
   * repository: documentation freshness is judged as of a period's end, from the changes before it.
   */
  async listDocChanges(
    repos: readonly string[],
  ): Promise<{ repo: string; path: string; changedAt: number }[]> {
    if (repos.length === 0) return []
    const rows = await this.db
      .selectFrom('commit_files as f')
      .innerJoin('commits as c', (join) => join.onRef('c.repo', '=', 'f.repo').onRef('c.sha', '=', 'f.sha'))
      .select(['f.repo', 'f.path', 'c.committed_at as changed_at'])
      .where('f.repo', 'in', repos)
      .where((eb) =>
        eb.or([
          // lower(): SQLite's LIKE ignores case, PostgreSQL's does not; README.MD is documentation too.
          ...['%.md', '%.mdx', '%.rst', '%.adoc', 'doc/%', 'docs/%', '%/doc/%', '%/docs/%'].map((pattern) =>
            eb(eb.fn<string>('lower', ['f.path']), 'like', pattern),
          ),
        ]),
      )
      .execute()
    return rows.map((row) => ({ repo: row.repo, path: row.path, changedAt: Number(row.changed_at) }))
  }

  /**
   * Who authored each change (non-merge commit) since a time: the evidence of hero culture,
   * cross-team changes and how much managers still write code.
   */
  async listChangeAuthors(
    repos: readonly string[],
    since: number,
  ): Promise<{ repo: string; sha: string; author: string; authoredAt: number }[]> {
    if (repos.length === 0) return []
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', 'sha', 'author_name', 'author_email', 'authored_at'])
      .where('repo', 'in', repos)
      .where('authored_at', '>=', since)
      .where('parents', 'not like', '% %')
      .execute()
    return rows.map((row) => ({
      repo: row.repo,
      sha: row.sha,
      author: row.author_email ?? row.author_name,
      authoredAt: row.authored_at,
    }))
  }

  /** Commits per repository (`engops doctor`). */
  async commitsByRepo(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('repo')
      .execute()
    return new Map(rows.map((row) => [row.repo, Number(row.n)]))
  }

  /** Deployments per service (`engops doctor`). */
  async deploymentsByService(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('deployments')
      .select(['service', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('service')
      .execute()
    return new Map(rows.map((row) => [row.service, Number(row.n)]))
  }

  /** Releases stored twice: a tag deployment and a deployment event of another source, same service and commit. */
  async releasesCountedTwice(): Promise<{ service: string; sha: string }[]> {
    return this.db
      .selectFrom('deployments as t')
      .innerJoin('deployments as d', (join) =>
        join
          .onRef('d.service', '=', 't.service')
          .onRef('d.sha', '=', 't.sha')
          .onRef('d.source', '<>', 't.source'),
      )
      .select(['t.service', 't.sha'])
      .where('t.source', '=', 'tags')
      .distinct()
      .execute()
  }

  /**
   * Shipped deployments whose sha is in none of their service's repositories, with the repository
   * that has it when one does (the repository is then ingested under a name no service lists).
   */
  async deploymentsOutsideTheirRepositories(): Promise<
    { service: string; sha: string; foundIn: string | null }[]
  > {
    const rows = await this.db
      .selectFrom('shipped_deployments as s')
      .innerJoin('deployments as d', (join) =>
        join.onRef('d.source', '=', 's.source').onRef('d.id', '=', 's.id'),
      )
      .leftJoin('commits as c', 'c.sha', 'd.sha')
      .select(['s.service', 'd.sha', 'c.repo'])
      .where('s.repo', 'is', null)
      .execute()
    return rows.map((row) => ({ service: row.service, sha: row.sha, foundIn: row.repo ?? null }))
  }

  /** Stored events of the generic families, by type (`engops doctor`). */
  async recordsByType(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('records')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('type')
      .execute()
    return new Map(rows.map((row) => [row.type, Number(row.n)]))
  }

  /** The time of the first commit of each repository. */
  async firstCommitTimes(repos: readonly string[]): Promise<Map<string, number>> {
    if (repos.length === 0) return new Map()
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', (eb) => eb.fn.min('committed_at').as('first')])
      .where('repo', 'in', repos)
      .groupBy('repo')
      .execute()
    return new Map(rows.map((row) => [row.repo, Number(row.first)]))
  }

  /**
   * The CI runs a period judges: every attempt of each run with an attempt finishing in it (a run
   * counts in the period of its last attempt, flaky when an earlier one failed, whichever period
   * that was in). Attempts are numbered from 1: the missing numbers below a run's highest are
   * looked up by identity, and the next ones above it for as long as they exist.
   */
  async pipelineRunsAround(period: { from: number; to: number }): Promise<PipelineRunEvent[]> {
    const rows = await this.db
      .selectFrom('records')
      .select(['source', 'id', 'payload'])
      .where('type', '=', 'pipeline_run')
      .where('at', '>=', period.from)
      .where('at', '<', period.to)
      .execute()
    const runs = new Map<string, PipelineRunEvent>(
      rows.map((row) => [`${row.source}\0${row.id}`, JSON.parse(row.payload) as PipelineRunEvent]),
    )
    // Per run (source and run id), the highest attempt seen and whether the one above was looked for.
    const highest = new Map<string, { source: string; id: string; attempt: number }>()
    for (const [key, run] of runs) {
      const source = key.slice(0, key.indexOf('\0'))
      const group = `${source}\0${run.id}`
      if ((highest.get(group)?.attempt ?? 0) < run.attempt)
        highest.set(group, { source, id: run.id, attempt: run.attempt })
    }
    let wanted: Key[] = []
    for (const { source, id, attempt } of highest.values()) {
      for (let n = 1; n <= attempt + 1; n++)
        if (!runs.has(`${source}\0${id}#${n}`)) wanted.push([source, `${id}#${n}`])
    }
    while (wanted.length > 0) {
      const next: Key[] = []
      for (const { source, ids } of keyChunks(wanted)) {
        const found = await this.db
          .selectFrom('records')
          .select(['id', 'payload'])
          .where('type', '=', 'pipeline_run')
          .where('source', '=', source)
          .where('id', 'in', ids)
          .execute()
        for (const row of found) {
          const run = JSON.parse(row.payload) as PipelineRunEvent
          runs.set(`${source}\0${row.id}`, run)
          // Found above the highest: the one after it may exist too.
          const group = highest.get(`${source}\0${run.id}`)
          if (group && run.attempt > group.attempt) {
            group.attempt = run.attempt
            next.push([source, `${run.id}#${run.attempt + 1}`])
          }
        }
      }
      wanted = next
    }
    // In record order (finish, source, id), as every list of records is.
    return [...runs]
      .sort(([ka, a], [kb, b]) => a.finishedAt - b.finishedAt || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([, run]) => run)
  }

  /**
   * Events of one generic family as they were validated, oldest first (by the time each is stored
   * under: see `recordKey`), those at or after `from` and before `to` when given.
   */
  async listRecords<T>(type: string, range: { from?: number; to?: number } = {}): Promise<T[]> {
    const rows = await this.db
      .selectFrom('records')
      .select('payload')
      .where('type', '=', type)
      .$if(range.from !== undefined, (q) => q.where('at', '>=', range.from as number))
      .$if(range.to !== undefined, (q) => q.where('at', '<', range.to as number))
      // Ties broken by identity: both engines list the same rows in the same order.
      .orderBy('at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map((row) => JSON.parse(row.payload) as T)
  }
}

/** A commit as the change graph needs it (parents are stored space-separated). */
export function graphCommitOf(row: {
  repo: string
  sha: string
  parents: string
  authored_at: number
  committed_at: number
}): GraphCommit {
  return {
    repo: row.repo,
    sha: row.sha,
    parents: row.parents ? row.parents.split(' ') : [],
    authoredAt: row.authored_at,
    committedAt: row.committed_at,
  }
}

export function deploymentOf(row: Selectable<Database['deployments']>): Deployment {
  return {
    source: row.source,
    id: row.id,
    service: row.service,
    environment: row.environment,
    result: row.result as Deployment['result'],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    sha: row.sha,
    kind: row.kind as DeploymentKind,
    labels: JSON.parse(row.labels) as string[],
    regression: REGRESSION_FROM_COLUMN[row.regression] ?? null,
  }
}

export function pullRequestOf(
  row: Omit<Selectable<Database['pull_requests']>, 'commits' | 'extra' | 'last_review_at'> & {
    commits?: string
  },
): PullRequest {
  return {
    source: row.source,
    id: row.id,
    repo: row.repo,
    number: row.number,
    author: row.author,
    createdAt: row.created_at,
    mergedAt: row.merged_at,
    closedAt: row.closed_at,
    mergeSha: row.merge_sha,
    headSha: row.head_sha,
    commits: row.commits === undefined ? [] : (JSON.parse(row.commits) as string[]),
    reviews: JSON.parse(row.reviews) as PullRequest['reviews'],
    additions: row.additions,
    deletions: row.deletions,
    draft: row.draft === 1,
    labels: JSON.parse(row.labels) as string[],
  }
}

export function incidentOf(row: Selectable<Database['incidents']>): Incident {
  return {
    source: row.source,
    id: row.id,
    services: JSON.parse(row.services) as string[],
    severity: row.severity as Severity,
    detectedAt: row.detected_at,
    acknowledgedAt: row.acknowledged_at,
    mitigatedAt: row.mitigated_at,
    resolvedAt: row.resolved_at,
    causeDeployment: row.cause_deployment,
    causeSha: row.cause_sha,
    roles: JSON.parse(row.roles) as Incident['roles'],
    statusUpdates: JSON.parse(row.status_updates) as Incident['statusUpdates'],
    postmortem: row.postmortem ? (JSON.parse(row.postmortem) as Incident['postmortem']) : null,
  }
}
