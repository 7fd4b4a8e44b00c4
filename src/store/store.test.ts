import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, test } from 'vitest'
import type { Deployment } from '../model/types.js'
import { Store } from './store.js'

const deployment = (id: string, sha = 'abc'): Deployment => ({
  source: 'test',
  id,
  service: 'api',
  environment: 'production',
  result: 'success',
  startedAt: 1000,
  finishedAt: 2000,
  sha,
  kind: 'regular',
  labels: ['x'],
  regression: false,
})

const dir = mkdtempSync(join(tmpdir(), 'engops-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// The same contract on an in-memory and on a file database, and on PostgreSQL when the suite runs
// on it (ENGOPS_TEST_POSTGRES; a schema of this run's own).
const postgres = process.env.ENGOPS_TEST_POSTGRES
const locations: [string, string][] = [
  ['in memory', ':memory:'],
  ['on disk', join(dir, 'nested', 'engops.db')],
]
if (postgres) {
  const url = new URL(postgres)
  url.searchParams.set('schema', `store_${process.pid}_${Date.now()}`)
  locations.push(['on PostgreSQL', url.toString()])
}
for (const [name, file] of locations) {
  describe(`store ${name}`, () => {
    test('the same key twice in one write keeps the last, as two writes would', async () => {
      const store = await Store.open(file)
      try {
        await store.write((w) =>
          w.upsertDeployments([deployment('d1'), deployment('d2'), deployment('d1', 'def')]),
        )
        const rows = await store.listDeployments()
        expect(rows.map((d) => [d.id, d.sha])).toEqual([
          ['d1', 'def'],
          ['d2', 'abc'],
        ])
      } finally {
        await store.close()
      }
    })

    test('upserts by (source, id): the second write of the same id replaces, never duplicates', async () => {
      const store = await Store.open(file)
      try {
        await store.write((w) => w.upsertDeployments([deployment('d1'), deployment('d2')]))
        await store.write((w) => w.upsertDeployments([deployment('d1', 'def')]))
        const rows = await store.listDeployments()
        expect(rows.map((d) => [d.id, d.sha])).toEqual([
          ['d1', 'def'],
          ['d2', 'abc'],
        ])
        expect(rows[0]!.labels).toEqual(['x'])
      } finally {
        await store.close()
      }
    })

    test('a failed write leaves the store exactly as it was', async () => {
      const store = await Store.open(file)
      try {
        const before = await store.counts()
        await expect(
          store.write(async (w) => {
            await w.upsertDeployments([deployment('d9')])
            await w.setState('k', 1)
            throw new Error('boom')
          }),
        ).rejects.toThrow('boom')
        expect(await store.counts()).toEqual(before)
      } finally {
        await store.close()
      }
    })

    test('large batches cross the statement size limit safely', async () => {
      const store = await Store.open(file)
      try {
        const many = Array.from({ length: 2500 }, (_, i) => deployment(`bulk-${i}`))
        await store.write((w) => w.upsertDeployments(many))
        expect((await store.counts()).deployments).toBeGreaterThanOrEqual(2500)
      } finally {
        await store.close()
      }
    })
  })
}

test('reopening a file store keeps its data and re-runs no migration', async () => {
  const file = join(dir, 'reopen.db')
  const first = await Store.open(file)
  await first.write((w) => w.setState('answer', { value: 42 }))
  await first.close()
  const second = await Store.open(file)
  expect(await second.write((w) => w.readState('answer'))).toEqual({ value: 42 })
  await second.close()
})

test('several opening a new file store at once all get it migrated', async () => {
  const file = join(dir, 'race.db')
  const stores = await Promise.all([1, 2, 3, 4].map(() => Store.open(file)))
  for (const store of stores) expect(await store.dataVersion()).toBe(0)
  await Promise.all(stores.map((store) => store.close()))
})

test('a store made before the git connector keeps its repositories incremental (0006)', async () => {
  const file = join(dir, 'tips.db')
  const store = await Store.open(file)
  await store.write((w) => w.setState('git:shop:tips', ['abc123', 'def456']))
  await store.close()
  // Make the file look as it did before migration 0006 ran, with the tips where ingest git kept them.
  const raw = new Database(file)
  // (and the migrations after it, which Kysely insists run after it).
  raw.prepare("DELETE FROM kysely_migration WHERE name >= '0006'").run()
  raw.prepare('DROP TABLE data_version').run()
  undoDerivedFacts(raw)
  raw.close()
  const reopened = await Store.open(file)
  expect(await reopened.syncCursors('git')).toEqual(new Map([['shop', '["abc123","def456"]']]))
  expect(await reopened.write((w) => w.readState('git:shop:tips'))).toBeUndefined()
  await reopened.close()
})

/**
 * Takes a SQLite store back to before migration 0008 (derived facts, then pull requests by period,
 * derivation by append, and the indexes for first times).
 */
function undoDerivedFacts(raw: Database.Database): void {
  for (const index of ['commits_repo_committed', 'pull_requests_repo_created', 'pull_requests_author_merged'])
    raw.prepare(`DROP INDEX ${index}`).run()
  raw.prepare('DROP INDEX pull_requests_merged').run()
  raw.prepare('DROP INDEX pull_requests_last_review').run()
  raw.prepare('ALTER TABLE pull_requests DROP COLUMN last_review_at').run()
  for (const table of [
    'shipped_deployments',
    'incident_causes',
    'shipped_commits',
    'shipped_pull_requests',
    'pull_request_shas',
    'derived_services',
    'derived_dirty',
    'schedule_runs',
    'alert_states',
    'dead_letters',
  ])
    raw.prepare(`DROP TABLE ${table}`).run()
  for (const index of [
    'deployments_service',
    'deployments_id',
    'incidents_resolved',
    'incidents_detected',
    'incidents_cause_deployment',
  ])
    raw.prepare(`DROP INDEX ${index}`).run()
  raw.prepare("DELETE FROM kysely_migration WHERE name >= '0008'").run()
}

test('a store made before derived facts has every deploying service derived at the next question (0008, 0009)', async () => {
  const file = join(dir, 'derived.db')
  const store = await Store.open(file)
  const deployment = {
    source: 'events',
    id: 'd1',
    service: 'legacy',
    environment: 'production',
    result: 'success' as const,
    startedAt: 1,
    finishedAt: 2,
    sha: 'abc1234',
    kind: 'regular' as const,
    labels: [],
    regression: null,
  }
  const pullRequest = {
    source: 'events',
    id: 'shop#1',
    repo: 'shop',
    number: 1,
    author: 'ana',
    createdAt: 1,
    mergedAt: 20,
    closedAt: null,
    mergeSha: 'f00dfeed',
    headSha: null,
    commits: ['c0ffee1', 'f00dfeed'],
    reviews: [
      { author: 'bob', at: 9, state: 'approved' as const },
      { author: 'cy', at: 5, state: 'commented' as const },
    ],
    additions: null,
    deletions: null,
    draft: false,
    labels: [],
  }
  await store.write(async (w) => {
    await w.upsertDeployments([deployment])
    await w.upsertPullRequests([pullRequest])
  })
  await store.close()
  const raw = new Database(file)
  undoDerivedFacts(raw)
  raw.close()
  const reopened = await Store.open(file)
  expect(await reopened.derivedState()).toEqual({
    fingerprints: new Map(),
    dirty: new Map([['legacy', true]]),
  })
  // 0010 indexes the shas each pull request names: a commit finds them by its full sha.
  const naming = (sha: string) =>
    reopened.write(async (w) => (await w.derived.pullRequestsNaming('shop', [sha])).map((pr) => pr.id))
  expect(await naming('c0ffee1'.padEnd(40, '9'))).toEqual(['shop#1'])
  expect(await naming('f00dfeed')).toEqual(['shop#1'])
  expect(await naming('f00dfee0')).toEqual([])
  // 0009 keeps each pull request's latest review beside it: a period reads the reviewed ones.
  expect(await reopened.pullRequestsActiveIn({ from: 9, to: 10 })).toHaveLength(1)
  expect(await reopened.pullRequestsActiveIn({ from: 10, to: 20 })).toHaveLength(0)
  expect(await reopened.pullRequestsActiveIn({ from: 20, to: 21 })).toHaveLength(1)
  await reopened.close()
})
