/**
 * Writing the store: idempotent upserts by natural key, valid only inside `Store.write` (one
 * transaction). The writer reads too, so what it derives sees what it just wrote.
 */
import { type Insertable, type Kysely, sql } from 'kysely'
import type { Commit, CommitFile, Deployment, Incident, PullRequest, Release } from '../model/types.js'
import { DerivedReader } from './derived-reader.js'
import type { DatabaseKind } from './dialect.js'
import { pullRequestShaRows } from './pull-request-shas.js'
import { chunks, type Db, keyChunks, StoreReader } from './reader.js'
import type { Database } from './schema.js'

/** A generic event as stored: its identity, time and scope, and the event itself. */
export interface StoredRecord {
  type: string
  source: string
  id: string
  at: number
  scope: string | null
  payload: Record<string, unknown>
}

/** Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters. */
export const BATCH = 400

const json = (value: unknown) => JSON.stringify(value)
const extraText = (extra: Record<string, unknown> | undefined) =>
  extra && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null

/** Idempotent upserts by natural key, valid only inside `Store.write`. */
/** The advisory lock that serialises derivations on PostgreSQL (any constant of our own). */
const DERIVATION_LOCK = 1_605_200_812

/** Derived facts, as deriving some services found them. */
export interface DerivedRows {
  shipped: Insertable<Database['shipped_deployments']>[]
  causes: Insertable<Database['incident_causes']>[]
  commits: Insertable<Database['shipped_commits']>[]
  pullRequests: Insertable<Database['shipped_pull_requests']>[]
}

/** What extending one service's facts changes: new rows, its last deployment's rework, some incidents' causes. */
export interface AppendedRows extends DerivedRows {
  service: string
  fingerprint: string
  rework: { source: string; id: string; reason: string | null; ref: string | null }[]
  /** Incidents whose causes in this service were derived again (their old rows go). */
  relinked: readonly (readonly [string, string])[]
}

export class StoreWriter extends StoreReader {
  /** What keeping the derived facts reads. */
  readonly derived: DerivedReader

  constructor(
    db: Db,
    private readonly kind: DatabaseKind,
  ) {
    super(db)
    this.derived = new DerivedReader(db)
  }

  /**
   * Held until the commit: one derivation at a time across processes, each reading what the one
   * before it committed. (SQLite has one writer at a time anyway.)
   */
  async lockDerivation(): Promise<void> {
    if (this.kind === 'postgres') await sql`select pg_advisory_xact_lock(${DERIVATION_LOCK})`.execute(this.db)
  }

  /**
   * Marks services whose events changed: their facts are derived again before they are read,
   * whole (`full`) or extended from where they stand. A whole derivation, once asked, stays asked.
   */
  async markDirty(services: Iterable<string>, full: boolean): Promise<void> {
    const rows = [...new Set(services)].map((service) => ({ service, full: full ? 1 : 0 }))
    for (let start = 0; start < rows.length; start += BATCH) {
      await this.db
        .insertInto('derived_dirty')
        .values(rows.slice(start, start + BATCH))
        .onConflict((oc) =>
          oc.column('service').doUpdateSet({
            full: sql<number>`case when excluded.full = 1 then 1 else derived_dirty.full end`,
          }),
        )
        .execute()
    }
  }

  /**
   * Replaces the derived facts of some services with the rows just derived from all their events,
   * records the settings they were derived under and clears their marks.
   */
  async replaceDerived(
    services: readonly { id: string; fingerprint: string }[],
    rows: DerivedRows,
  ): Promise<void> {
    const ids = services.map((s) => s.id)
    // Only what changed is written: a service derived again mostly keeps its rows.
    const shipped = await this.changedRows(ids, rows.shipped)
    await this.deleteKeys('shipped_deployments', shipped.gone)
    // Upserts: a deployment that moved to a service derived in a later round is replaced there.
    await this.upsert('shipped_deployments', shipped.changed, ['source', 'id'])
    for (const chunk of chunks(ids)) {
      await this.db.deleteFrom('incident_causes').where('service', 'in', chunk).execute()
      await this.db.deleteFrom('shipped_commits').where('service', 'in', chunk).execute()
      await this.db.deleteFrom('shipped_pull_requests').where('service', 'in', chunk).execute()
      await this.db.deleteFrom('derived_dirty').where('service', 'in', chunk).execute()
    }
    await this.insertAll('incident_causes', rows.causes)
    await this.insertAll('shipped_commits', rows.commits)
    await this.insertAll('shipped_pull_requests', rows.pullRequests)
    await this.upsert(
      'derived_services',
      services.map((s) => ({ service: s.id, fingerprint: s.fingerprint })),
      ['service'],
    )
  }

  /** Extends one service's derived facts with what its newer events shipped and caused. */
  async appendDerived(rows: AppendedRows): Promise<void> {
    await this.upsert('shipped_deployments', rows.shipped, ['source', 'id'])
    for (const { source, id, reason, ref } of rows.rework)
      await this.db
        .updateTable('shipped_deployments')
        .set({ rework_reason: reason, rework_ref: ref })
        .where('source', '=', source)
        .where('id', '=', id)
        .execute()
    for (const { source, ids } of keyChunks(rows.relinked))
      await this.db
        .deleteFrom('incident_causes')
        .where('service', '=', rows.service)
        .where('incident_source', '=', source)
        .where('incident_id', 'in', ids)
        .execute()
    await this.insertAll('incident_causes', rows.causes)
    await this.upsert('shipped_commits', rows.commits, ['service', 'repo', 'sha'])
    await this.upsert('shipped_pull_requests', rows.pullRequests, ['service', 'environment', 'pull_request'])
    await this.db.deleteFrom('derived_dirty').where('service', '=', rows.service).execute()
    await this.upsert(
      'derived_services',
      [{ service: rows.service, fingerprint: rows.fingerprint }],
      ['service'],
    )
  }

  /**
   * Compares freshly derived rows keyed by (source, id) with those stored under the same owners
   * (services or repositories): the rows that are new or differ, and the keys no longer derived.
   */
  private async changedRows(
    services: readonly string[],
    fresh: Insertable<Database['shipped_deployments']>[],
  ): Promise<{ changed: Insertable<Database['shipped_deployments']>[]; gone: [string, string][] }> {
    const content = (row: Insertable<Database['shipped_deployments']>) =>
      JSON.stringify([
        row.service,
        row.environment,
        row.finished_at,
        row.repo ?? null,
        row.is_first,
        row.changes,
        row.pull_requests,
        row.rework_reason ?? null,
        row.rework_ref ?? null,
      ])
    const stored = new Map<string, { key: [string, string]; content: string }>()
    for (const chunk of chunks(services)) {
      const rows = await this.db
        .selectFrom('shipped_deployments')
        .selectAll()
        .where('service', 'in', chunk)
        .execute()
      for (const row of rows)
        stored.set(`${row.source}\0${row.id}`, { key: [row.source, row.id], content: content(row) })
    }
    const changed: Insertable<Database['shipped_deployments']>[] = []
    for (const row of fresh) {
      const key = `${row.source}\0${row.id}`
      if (stored.get(key)?.content !== content(row)) changed.push(row)
      stored.delete(key)
    }
    return { changed, gone: [...stored.values()].map((s) => s.key) }
  }

  private async deleteKeys(
    table: 'shipped_deployments' | 'pull_request_shas',
    keys: readonly (readonly [string, string])[],
  ): Promise<void> {
    for (const { source, ids } of keyChunks(keys))
      await this.db.deleteFrom(table).where('source', '=', source).where('id', 'in', ids).execute()
  }

  private async insertAll<T extends keyof Database>(
    table: T,
    rows: Insertable<Database[T]>[],
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += BATCH) {
      // biome-ignore lint/suspicious/noExplicitAny: the typed caller checks the columns
      await (this.db as Kysely<any>)
        .insertInto(table)
        .values(rows.slice(start, start + BATCH))
        .execute()
    }
  }

  private async upsert<T extends keyof Database>(
    table: T,
    rows: Insertable<Database[T]>[],
    key: readonly (keyof Database[T] & string)[],
  ): Promise<void> {
    if (rows.length === 0) return
    const columns = Object.keys(rows[0] as object).filter((column) => !key.includes(column as never))
    const unique = lastOfEachKey(rows, key)
    for (let start = 0; start < unique.length; start += BATCH) {
      const batch = unique.slice(start, start + BATCH)
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
        last_review_at: p.reviews.length > 0 ? Math.max(...p.reviews.map((r) => r.at)) : null,
      })),
      ['source', 'id'],
    )
    // The shas each names, replaced with the pull request (the last of a key in the batch wins).
    const latest = new Map(prs.map((p) => [`${p.source}\0${p.id}`, p]))
    await this.deleteKeys(
      'pull_request_shas',
      [...latest.values()].map((p) => [p.source, p.id]),
    )
    await this.insertAll(
      'pull_request_shas',
      [...latest.values()].flatMap((p) =>
        pullRequestShaRows({
          source: p.source,
          id: p.id,
          repo: p.repo,
          merge_sha: p.mergeSha,
          head_sha: p.headSha,
          commits: json(p.commits),
        }),
      ),
    )
  }
}

/**
 * One row per key, the last given (as writing them one after another would leave): PostgreSQL
 * refuses a statement that upserts the same key twice, where SQLite applies both in order.
 */
function lastOfEachKey<Row>(rows: readonly Row[], key: readonly string[]): Row[] {
  const last = new Map<string, Row>()
  for (const row of rows) {
    const values = key.map((column) => (row as Record<string, unknown>)[column])
    const id = JSON.stringify(values)
    last.delete(id)
    last.set(id, row)
  }
  return last.size === rows.length ? [...rows] : [...last.values()]
}
