/**
 * Versioned migrations, applied in name order by Kysely's migrator, on SQLite and PostgreSQL
 * alike. A migration is never edited once released: a change of schema is a new entry. (Times
 * are epoch milliseconds: `bigint` everywhere. Three columns of 0004 and 0005 said `integer`
 * until PostgreSQL came; on SQLite both names are the same 64-bit integer, so the stores made
 * before are unchanged.)
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely'
import { type PullRequestShaSource, pullRequestShaRows } from './pull-request-shas.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before (and across) schema versions
type AnyDb = Kysely<any>

const migrations: Record<string, Migration> = {
  '0001_foundation': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('commits')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('parents', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('author_email', 'text')
        .addColumn('authored_at', 'bigint', (c) => c.notNull())
        .addColumn('committed_at', 'bigint', (c) => c.notNull())
        .addColumn('additions', 'integer')
        .addColumn('deletions', 'integer')
        .addColumn('extra', 'text')
        .addPrimaryKeyConstraint('commits_pk', ['repo', 'sha'])
        .execute()
      await db.schema
        .createTable('commit_files')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('additions', 'integer')
        .addColumn('deletions', 'integer')
        .addPrimaryKeyConstraint('commit_files_pk', ['repo', 'sha', 'path'])
        .execute()
      await db.schema
        .createTable('releases')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('tagged_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('releases_pk', ['repo', 'name'])
        .execute()
      await db.schema
        .createTable('deployments')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('extra', 'text')
        .addPrimaryKeyConstraint('deployments_pk', ['source', 'id'])
        .execute()
      await db.schema.createIndex('deployments_finished').on('deployments').columns(['finished_at']).execute()
      await db.schema
        .createTable('incidents')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('services', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('detected_at', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_at', 'bigint')
        .addColumn('mitigated_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('cause_deployment', 'text')
        .addColumn('cause_sha', 'text')
        .addColumn('extra', 'text')
        .addPrimaryKeyConstraint('incidents_pk', ['source', 'id'])
        .execute()
      await db.schema
        .createTable('pull_requests')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('merged_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addColumn('merge_sha', 'text')
        .addColumn('head_sha', 'text')
        .addColumn('commits', 'text', (c) => c.notNull())
        .addColumn('reviews', 'text', (c) => c.notNull())
        .addColumn('additions', 'integer')
        .addColumn('deletions', 'integer')
        .addColumn('draft', 'integer', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('extra', 'text')
        .addPrimaryKeyConstraint('pull_requests_pk', ['source', 'id'])
        .execute()
      await db.schema
        .createTable('ingest_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()
    },
  },
  '0002_records': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('records')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('scope', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('records_pk', ['type', 'source', 'id'])
        .execute()
      await db.schema.createIndex('records_type_at').on('records').columns(['type', 'at']).execute()
    },
  },
  '0003_incident_response_and_regressions': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('incidents')
        .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute()
      await db.schema
        .alterTable('incidents')
        .addColumn('status_updates', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute()
      await db.schema.alterTable('incidents').addColumn('postmortem', 'text').execute()
      await db.schema
        .alterTable('deployments')
        .addColumn('regression', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
    },
  },
  '0004_api_tokens_and_webhook_deliveries': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        // SHA-256 of the secret part, hex: the token itself is shown once and never stored.
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute()
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('events', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_deliveries_pk', ['provider', 'delivery'])
        .execute()
    },
  },
  '0005_sync_cursors': {
    async up(db: AnyDb) {
      // Where each configured source's sync stands, per stream (a repository's pull requests, …).
      await db.schema
        .createTable('sync_cursors')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_cursors_pk', ['source', 'stream'])
        .execute()
    },
  },
  '0006_git_tips_as_cursors': {
    async up(db: AnyDb) {
      // `ingest git` kept the ref tips it read under ingest_state "git:<repo>:tips"; the git
      // connector keeps them as the cursor of source "git", stream <repo>. Move them, so a store
      // made before does not read every repository again.
      const rows = await db
        .selectFrom('ingest_state')
        .select(['key', 'value'])
        .where('key', 'like', 'git:%:tips')
        .execute()
      for (const row of rows as { key: string; value: string }[]) {
        const repo = row.key.slice('git:'.length, -':tips'.length)
        await db
          .insertInto('sync_cursors')
          .values({ source: 'git', stream: repo, cursor: row.value, updated_at: Date.now() })
          .onConflict((c) => c.columns(['source', 'stream']).doNothing())
          .execute()
      }
      await db.deleteFrom('ingest_state').where('key', 'like', 'git:%:tips').execute()
    },
  },
  '0007_data_version': {
    async up(db: AnyDb) {
      // Moved by every write transaction: a server sees what another process (a second server,
      // engops sync, an ingest) wrote by reading one row, instead of trusting what it loaded.
      await db.schema
        .createTable('data_version')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute()
      await db.insertInto('data_version').values({ id: 1, version: 0 }).execute()
    },
  },
  '0008_derived_facts': {
    async up(db: AnyDb) {
      // Facts derived from the events at ingest (see schema.ts); questions read their period.
      await db.schema
        .createTable('shipped_deployments')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .addColumn('repo', 'text')
        .addColumn('is_first', 'integer', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('pull_requests', 'text', (c) => c.notNull())
        .addColumn('failures', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('shipped_deployments_pk', ['source', 'id'])
        .execute()
      await db.schema
        .createIndex('shipped_finished')
        .on('shipped_deployments')
        .columns(['finished_at'])
        .execute()
      await db.schema
        .createIndex('shipped_service_finished')
        .on('shipped_deployments')
        .columns(['service', 'finished_at'])
        .execute()
      await db.schema
        .createTable('incident_causes')
        .addColumn('incident_source', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('deployment_source', 'text', (c) => c.notNull())
        .addColumn('deployment_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('incident_causes_incident')
        .on('incident_causes')
        .columns(['incident_source', 'incident_id'])
        .execute()
      await db.schema
        .createIndex('incident_causes_service')
        .on('incident_causes')
        .columns(['service'])
        .execute()
      await db.schema
        .createTable('pull_request_facts')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('first_commit_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('pull_request_facts_pk', ['source', 'id'])
        .execute()
      await db.schema
        .createIndex('pull_request_facts_repo')
        .on('pull_request_facts')
        .columns(['repo'])
        .execute()
      await db.schema
        .createTable('derived_services')
        .addColumn('service', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('derived_dirty')
        .addColumn('service', 'text', (c) => c.primaryKey())
        .execute()
      // What deriving one service reads: its deployments, its repositories' pull requests, the
      // incidents naming a deployment, the incidents of a period.
      await db.schema.createIndex('deployments_service').on('deployments').columns(['service']).execute()
      await db.schema.createIndex('deployments_id').on('deployments').columns(['id']).execute()
      await db.schema.createIndex('pull_requests_repo').on('pull_requests').columns(['repo']).execute()
      await db.schema.createIndex('incidents_resolved').on('incidents').columns(['resolved_at']).execute()
      // A store made before holds events whose facts were never derived: every service that
      // deployed is derived at the next question (services of the org file are, in any case).
      await db
        .insertInto('derived_dirty')
        .columns(['service'])
        .expression((eb) => eb.selectFrom('deployments').select('service').distinct())
        .execute()
    },
  },
  '0009_pull_requests_by_period': {
    async up(db: AnyDb) {
      // The latest review of each pull request: with its merge time it selects the pull requests a
      // period's review metrics read (first review or merge in the period) without the rest.
      await db.schema.alterTable('pull_requests').addColumn('last_review_at', 'bigint').execute()
      const rows = (await db
        .selectFrom('pull_requests')
        .select(['source', 'id', 'reviews'])
        .where('reviews', '!=', '[]')
        .execute()) as { source: string; id: string; reviews: string }[]
      const bySource = new Map<string, { id: string; at: number }[]>()
      for (const row of rows) {
        const times = (JSON.parse(row.reviews) as { at: number }[]).map((review) => review.at)
        if (times.length === 0) continue
        const list = bySource.get(row.source) ?? []
        list.push({ id: row.id, at: Math.max(...times) })
        bySource.set(row.source, list)
      }
      // Hundreds of rows a statement: a large store's pull requests in seconds, not row by row.
      for (const [source, list] of bySource) {
        for (let start = 0; start < list.length; start += 400) {
          const chunk = list.slice(start, start + 400)
          await sql`update pull_requests set last_review_at = case id ${sql.join(
            chunk.map((r) => sql`when ${r.id} then cast(${r.at} as bigint)`),
            sql` `,
          )} end where source = ${source} and id in (${sql.join(chunk.map((r) => r.id))})`.execute(db)
        }
      }
      await db.schema.createIndex('pull_requests_merged').on('pull_requests').columns(['merged_at']).execute()
      await db.schema
        .createIndex('pull_requests_last_review')
        .on('pull_requests')
        .columns(['last_review_at'])
        .execute()
    },
  },
  '0010_derivation_by_append': {
    async up(db: AnyDb) {
      // Derived facts take a new shape (a deployment's rework beside it, its pull requests with
      // their first commit, the commits each service shipped): they are emptied here and every
      // service is derived again at the next question, as `engops rebuild` would.
      await db.schema.dropTable('shipped_deployments').execute()
      await db.schema.dropTable('pull_request_facts').execute()
      await db.deleteFrom('incident_causes').execute()
      await db.deleteFrom('derived_services').execute()
      await db.schema
        .alterTable('derived_dirty')
        .addColumn('full', 'integer', (c) => c.notNull().defaultTo(1))
        .execute()
      await db
        .insertInto('derived_dirty')
        .columns(['service'])
        .expression((eb) =>
          eb
            .selectFrom('deployments')
            .select('service')
            .distinct()
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('derived_dirty as m')
                    .select('m.service')
                    .whereRef('m.service', '=', 'deployments.service'),
                ),
              ),
            ),
        )
        .execute()
      await db.schema
        .createTable('shipped_deployments')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .addColumn('repo', 'text')
        .addColumn('is_first', 'integer', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('pull_requests', 'text', (c) => c.notNull())
        .addColumn('rework_reason', 'text')
        .addColumn('rework_ref', 'text')
        .addPrimaryKeyConstraint('shipped_deployments_pk', ['source', 'id'])
        .execute()
      await db.schema
        .createIndex('shipped_finished')
        .on('shipped_deployments')
        .columns(['finished_at'])
        .execute()
      await db.schema
        .createIndex('shipped_service_finished')
        .on('shipped_deployments')
        .columns(['service', 'finished_at'])
        .execute()
      await db.schema
        .createIndex('incident_causes_deployment')
        .on('incident_causes')
        .columns(['deployment_source', 'deployment_id'])
        .execute()
      await db.schema
        .createTable('shipped_commits')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('deployment_source', 'text')
        .addColumn('deployment_id', 'text')
        .addPrimaryKeyConstraint('shipped_commits_pk', ['service', 'repo', 'sha'])
        .execute()
      // The few rows a derivation looks for among many: parents found missing, shas not found.
      await db.schema
        .createIndex('shipped_commits_missing')
        .on('shipped_commits')
        .column('service')
        .where(sql.ref('deployment_id'), 'is', null)
        .execute()
      await db.schema
        .createIndex('shipped_unknown_sha')
        .on('shipped_deployments')
        .column('service')
        .where(sql.ref('repo'), 'is', null)
        .execute()
      await db.schema
        .createTable('shipped_pull_requests')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('pull_request', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('shipped_pull_requests_pk', ['service', 'environment', 'pull_request'])
        .execute()
      await db.schema
        .createTable('pull_request_shas')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pull_request_shas_pk', ['repo', 'sha', 'source', 'id'])
        .execute()
      await db.schema
        .createIndex('pull_request_shas_key')
        .on('pull_request_shas')
        .columns(['source', 'id'])
        .execute()
      await db.schema
        .createIndex('pull_request_shas_prefix')
        .on('pull_request_shas')
        .columns(['repo', 'prefix'])
        .execute()
      await db.schema.createIndex('incidents_detected').on('incidents').columns(['detected_at']).execute()
      await db.schema
        .createIndex('incidents_cause_deployment')
        .on('incidents')
        .columns(['cause_deployment'])
        .execute()
      // The shas each pull request names, for the pull requests already stored.
      let after: { source: string; id: string } | null = null
      for (;;) {
        let query = db
          .selectFrom('pull_requests')
          .select(['source', 'id', 'repo', 'merge_sha', 'head_sha', 'commits'])
          .orderBy('source')
          .orderBy('id')
          .limit(2000)
        if (after) {
          const { source, id } = after
          query = query.where((eb) =>
            eb.or([eb('source', '>', source), eb.and([eb('source', '=', source), eb('id', '>', id)])]),
          )
        }
        const rows = (await query.execute()) as PullRequestShaSource[]
        if (rows.length === 0) break
        const shas = rows.flatMap(pullRequestShaRows)
        for (let start = 0; start < shas.length; start += 400)
          await db
            .insertInto('pull_request_shas')
            .values(shas.slice(start, start + 400))
            .onConflict((oc) => oc.doNothing())
            .execute()
        const last = rows[rows.length - 1]!
        after = { source: last.source, id: last.id }
      }
    },
  },
  '0011_first_times_by_index': {
    async up(db: AnyDb) {
      // A question asks when each repository's history began and when a new hire first merged:
      // with these, those are index lookups instead of reads of every commit and pull request.
      await db.schema
        .createIndex('commits_repo_committed')
        .on('commits')
        .columns(['repo', 'committed_at'])
        .execute()
      await db.schema
        .createIndex('pull_requests_repo_created')
        .on('pull_requests')
        .columns(['repo', 'created_at'])
        .execute()
      // The new index starts with the repository, so it serves every lookup the old one did.
      await db.schema.dropIndex('pull_requests_repo').execute()
      await db.schema
        .createIndex('pull_requests_author_merged')
        .on('pull_requests')
        .columns(['author', 'merged_at'])
        .execute()
    },
  },
  '0012_rituals': {
    async up(db: AnyDb) {
      // Bookkeeping of the rituals (not data: the data version does not move with it). A
      // schedule's run is claimed by inserting its slot, so of two servers on one store one sends.
      await db.schema
        .createTable('schedule_runs')
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('slot', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('detail', 'text')
        .addPrimaryKeyConstraint('schedule_runs_pk', ['schedule', 'slot'])
        .execute()
      await db.schema
        .createTable('alert_states')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('last_sent_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations
  },
}
