/**
 * The store: one interface over the database, returning and accepting domain records, on SQLite
 * (the embedded default) or PostgreSQL (dialect.ts). Writes happen only inside `write()`, one
 * transaction, so a failed ingest leaves the store exactly as it was.
 */
import { type Insertable, Kysely, Migrator, type Selectable, type Transaction } from 'kysely'
import { EngopsError } from '../model/errors.js'
import type {
  Commit,
  CommitFile,
  Deployment,
  DeploymentKind,
  GraphCommit,
  Incident,
  PullRequest,
  Release,
  Severity,
} from '../model/types.js'
import { type DatabaseKind, openDialect, shownLocation } from './dialect.js'
import { migrationProvider } from './migrations.js'
import { type Database, TABLES } from './schema.js'

/** A generic event as stored: its identity, time and scope, and the event itself. */
/**
 * The deployments.regression column: 0 = not reported (also every row written before reports
 * were told apart from their absence), 1 = a regression, 2 = reported as no regression.
 */
const REGRESSION_FROM_COLUMN: Record<number, boolean | null> = { 0: null, 1: true, 2: false }

export interface StoredRecord {
  type: string
  source: string
  id: string
  at: number
  scope: string | null
  payload: Record<string, unknown>
}

/** Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters. */
const BATCH = 400

type Db = Kysely<Database> | Transaction<Database>

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    /** Which database engine holds the store. */
    readonly engine: DatabaseKind,
    /** The PostgreSQL schema of the store, if its URL names one (its migration tables live there too). */
    private readonly schema?: string,
  ) {}

  /** A SQLite file (created with its folder if missing) or a `postgres://` URL. */
  static async open(location: string): Promise<Store> {
    const { dialect, engine, schema } = await openDialect(location)
    const store = new Store(new Kysely<Database>({ dialect }), engine, schema)
    try {
      await store.migrate()
    } catch (error) {
      await store.close()
      if (error instanceof EngopsError) throw error
      throw new EngopsError(
        'STORE',
        `cannot open the store at ${shownLocation(location)}: ${(error as Error).message}`,
      )
    }
    return store
  }

  private async migrate(): Promise<void> {
    const { error } = await new Migrator({
      db: this.db,
      provider: migrationProvider,
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    }).migrateToLatest()
    if (error) throw new EngopsError('STORE', `store migration failed: ${(error as Error).message}`)
  }

  /** Empties every table (the demo starts afresh); the schema stays. */
  async clear(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const table of TABLES) await trx.deleteFrom(table).execute()
    })
  }

  /**
   * Runs `work` in one transaction: everything it writes lands, or nothing does. The data version
   * moves with it, last (its row lock is held only from there to the commit).
   */
  async write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const result = await work(new StoreWriter(trx))
      await trx
        .updateTable('data_version')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', 1)
        .execute()
      return result
    })
  }

  /** Moves with every committed write, whichever process made it. */
  async dataVersion(): Promise<number> {
    const row = await this.db
      .selectFrom('data_version')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirst()
    return Number(row?.version ?? 0)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  async counts(): Promise<Record<keyof Database, number>> {
    const entries = await Promise.all(
      TABLES.map(async (table) => {
        const row = await this.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
        return [table, Number(row.n)] as const
      }),
    )
    return Object.fromEntries(entries) as Record<keyof Database, number>
  }

  async listDeployments(): Promise<Deployment[]> {
    const rows = await this.db
      .selectFrom('deployments')
      .selectAll()
      .orderBy('finished_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map((row) => ({
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

  async listPullRequests(): Promise<PullRequest[]> {
    const rows = await this.db
      .selectFrom('pull_requests')
      .selectAll()
      .orderBy('created_at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map((row) => ({
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
      commits: JSON.parse(row.commits) as string[],
      reviews: JSON.parse(row.reviews) as PullRequest['reviews'],
      additions: row.additions,
      deletions: row.deletions,
      draft: row.draft === 1,
      labels: JSON.parse(row.labels) as string[],
    }))
  }

  /** Just what the change graph needs of the commits of the given repositories. */
  async listCommitGraph(repos: readonly string[]): Promise<GraphCommit[]> {
    if (repos.length === 0) return []
    const rows = await this.db
      .selectFrom('commits')
      .select(['repo', 'sha', 'parents', 'authored_at', 'committed_at'])
      .where('repo', 'in', repos)
      .execute()
    return rows.map((row) => ({
      repo: row.repo,
      sha: row.sha,
      parents: row.parents ? row.parents.split(' ') : [],
      authoredAt: row.authored_at,
      committedAt: row.committed_at,
    }))
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

  /** Events of one generic family, oldest first, as they were validated. */
  async listRecords<T>(type: string): Promise<T[]> {
    const rows = await this.db
      .selectFrom('records')
      .select('payload')
      .where('type', '=', type)
      // Ties broken by identity: both engines list the same rows in the same order.
      .orderBy('at')
      .orderBy('source')
      .orderBy('id')
      .execute()
    return rows.map((row) => JSON.parse(row.payload) as T)
  }
}

function incidentOf(row: Selectable<Database['incidents']>): Incident {
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

const json = (value: unknown) => JSON.stringify(value)
const extraText = (extra: Record<string, unknown> | undefined) =>
  extra && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null

/** Idempotent upserts by natural key, valid only inside `Store.write`. */
export class StoreWriter {
  constructor(private readonly db: Db) {}

  private async upsert<T extends keyof Database>(
    table: T,
    rows: Insertable<Database[T]>[],
    key: readonly (keyof Database[T] & string)[],
  ): Promise<void> {
    if (rows.length === 0) return
    const columns = Object.keys(rows[0] as object).filter((column) => !key.includes(column as never))
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH)
      // biome-ignore lint/suspicious/noExplicitAny: one generic upsert over every table
      const db = this.db as Kysely<any>
      await db
        .insertInto(table)
        .values(batch)
        // biome-ignore lint/suspicious/noExplicitAny: column names are checked by the typed callers
        .onConflict((oc: any) => {
          const target = oc.columns([...key])
          if (columns.length === 0) return target.doNothing()
          return target.doUpdateSet(
            // biome-ignore lint/suspicious/noExplicitAny: see above
            Object.fromEntries(columns.map((column) => [column, (eb: any) => eb.ref(`excluded.${column}`)])),
          )
        })
        .execute()
    }
  }

  async readState<T>(key: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('ingest_state')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst()
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  async setState(key: string, value: unknown): Promise<void> {
    await this.upsert('ingest_state', [{ key, value: json(value) }], ['key'])
  }

  async insertToken(token: {
    id: string
    name: string
    role: string
    hash: string
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        role: token.role,
        hash: token.hash,
        created_at: token.createdAt,
      })
      .execute()
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  async setSyncCursor(source: string, stream: string, cursor: string, at: number): Promise<void> {
    await this.db
      .insertInto('sync_cursors')
      .values({ source, stream, cursor, updated_at: at })
      .onConflict((oc) => oc.columns(['source', 'stream']).doUpdateSet({ cursor, updated_at: at }))
      .execute()
  }

  async recordDelivery(provider: string, delivery: string, at: number, events: number): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({ provider, delivery, received_at: at, events })
      .onConflict((oc) => oc.columns(['provider', 'delivery']).doNothing())
      .execute()
  }

  async upsertCommits(
    source: string,
    commits: (Commit & { extra?: Record<string, unknown> })[],
  ): Promise<void> {
    await this.upsert(
      'commits',
      commits.map((c) => ({
        repo: c.repo,
        sha: c.sha,
        source,
        parents: c.parents.join(' '),
        author_name: c.authorName,
        author_email: c.authorEmail,
        authored_at: c.authoredAt,
        committed_at: c.committedAt,
        additions: c.additions,
        deletions: c.deletions,
        extra: extraText(c.extra),
      })),
      ['repo', 'sha'],
    )
  }

  async upsertRecords(records: StoredRecord[]): Promise<void> {
    await this.upsert(
      'records',
      records.map((r) => ({
        type: r.type,
        source: r.source,
        id: r.id,
        at: r.at,
        scope: r.scope,
        payload: json(r.payload),
      })),
      ['type', 'source', 'id'],
    )
  }

  async upsertCommitFiles(files: CommitFile[]): Promise<void> {
    await this.upsert('commit_files', files, ['repo', 'sha', 'path'])
  }

  async upsertReleases(releases: Release[]): Promise<void> {
    await this.upsert(
      'releases',
      releases.map((r) => ({ repo: r.repo, name: r.name, sha: r.sha, tagged_at: r.taggedAt })),
      ['repo', 'name'],
    )
  }

  async upsertDeployments(deployments: (Deployment & { extra?: Record<string, unknown> })[]): Promise<void> {
    await this.upsert(
      'deployments',
      deployments.map((d) => ({
        source: d.source,
        id: d.id,
        service: d.service,
        environment: d.environment,
        result: d.result,
        started_at: d.startedAt,
        finished_at: d.finishedAt,
        sha: d.sha,
        kind: d.kind,
        labels: json(d.labels),
        regression: d.regression === null ? 0 : d.regression ? 1 : 2,
        extra: extraText(d.extra),
      })),
      ['source', 'id'],
    )
  }

  async upsertIncidents(incidents: (Incident & { extra?: Record<string, unknown> })[]): Promise<void> {
    await this.upsert(
      'incidents',
      incidents.map((i) => ({
        source: i.source,
        id: i.id,
        services: json(i.services),
        severity: i.severity,
        detected_at: i.detectedAt,
        acknowledged_at: i.acknowledgedAt,
        mitigated_at: i.mitigatedAt,
        resolved_at: i.resolvedAt,
        cause_deployment: i.causeDeployment,
        cause_sha: i.causeSha,
        roles: json(i.roles),
        status_updates: json(i.statusUpdates),
        postmortem: i.postmortem ? json(i.postmortem) : null,
        extra: extraText(i.extra),
      })),
      ['source', 'id'],
    )
  }

  async upsertPullRequests(prs: (PullRequest & { extra?: Record<string, unknown> })[]): Promise<void> {
    await this.upsert(
      'pull_requests',
      prs.map((p) => ({
        source: p.source,
        id: p.id,
        repo: p.repo,
        number: p.number,
        author: p.author,
        created_at: p.createdAt,
        merged_at: p.mergedAt,
        closed_at: p.closedAt,
        merge_sha: p.mergeSha,
        head_sha: p.headSha,
        commits: json(p.commits),
        reviews: json(p.reviews),
        additions: p.additions,
        deletions: p.deletions,
        draft: p.draft ? 1 : 0,
        labels: json(p.labels),
        extra: extraText(p.extra),
      })),
      ['source', 'id'],
    )
  }
}
