/**
 * The webhook spool: while another writer holds the store, signed deliveries are kept on disk and
 * answered 202, then stored once each, in arrival order, when the store is free; a spool left by
 * an earlier process is drained by `engops serve` at start. On SQLite another connection holds
 * the file's write lock; on PostgreSQL another session holds the row every write updates.
 */
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { defaultDbPath, Engine } from '../src/engine/engine.js'
import { spoolDirFor } from '../src/engine/store-location.js'
import { createApp } from '../src/server/app.js'
import { WebhookSpool } from '../src/server/spool.js'
import { WebhookIntake } from '../src/server/webhook-intake.js'
import {
  BIN,
  cliEnv,
  MINIMAL_CONFIG,
  schemaFor,
  storeFor,
  storeRows,
  TEST_POSTGRES,
  tempDir,
} from './helpers.js'

const SECRET = 'spool-secret'
let dir: string
let cleanup: () => void
let engine: Engine
let intake: WebhookIntake
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir())
  writeFileSync(join(dir, 'engops.yaml'), MINIMAL_CONFIG)
  engine = await Engine.open({ config: join(dir, 'engops.yaml'), db: storeFor(dir) })
  intake = new WebhookIntake(engine, { dir: join(dir, 'spool'), busyBudgetMs: 300, retryMs: 100 })
  app = createApp({ engine, auth: false, webhooks: { github: [SECRET] }, intake })
})

afterAll(async () => {
  intake.stop()
  await engine.close()
  cleanup()
})

/** A signed GitHub deployment_status delivery: `state` of deployment `id` at minute `n`. */
function delivery(id: number, state: string, n: number, deliveryId: string) {
  const at = new Date(Date.parse('2026-03-01T10:00:00Z') + n * 60_000).toISOString()
  const body = JSON.stringify({
    action: 'created',
    deployment: { id, sha: `c${id}`, environment: 'production', created_at: at },
    deployment_status: { state, created_at: at, environment: 'production' },
    repository: { name: 'shop' },
  })
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'deployment_status',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  }
}

/** Holds the store's write lock from another connection until the returned function is called. */
async function holdWriteLock(): Promise<() => Promise<void>> {
  if (!TEST_POSTGRES) {
    const db = new Database(join(dir, '.engops', 'engops.db'))
    db.exec('begin immediate')
    return async () => {
      db.exec('commit')
      db.close()
    }
  }
  const client = new pg.Client({
    connectionString: TEST_POSTGRES,
    options: `-c search_path=${schemaFor(dir)}`,
  })
  await client.connect()
  await client.query('begin')
  await client.query('select version from data_version where id = 1 for update')
  return async () => {
    await client.query('commit')
    await client.end()
  }
}

const spoolGauge = async () => {
  const text = await (await app.request('/metrics')).text()
  return Number(/^engops_webhook_spool_depth (\d+)$/m.exec(text)?.[1])
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('deliveries meeting a busy store are spooled, answered 202, then stored once each in arrival order', async () => {
  // Derived facts brought up to date first: a question that has to derive waits for the store too.
  expect(await spoolGauge()).toBe(0)
  const release = await holdWriteLock()
  const answers: { status: number; body: Record<string, unknown> }[] = []
  try {
    // Deployment 1 fails, then a retry of it succeeds: stored out of order it would end failed.
    for (const [i, args] of [
      [1, 'failure', 0, 'd-1'],
      [1, 'success', 5, 'd-2'],
      [2, 'success', 9, 'd-3'],
    ].entries()) {
      const [id, state, n, deliveryId] = args as [number, string, number, string]
      const response = await app.request('/webhooks/github', delivery(id, state, n, deliveryId))
      answers.push({ status: response.status, body: (await response.json()) as Record<string, unknown> })
      if (i === 0) expect(await spoolGauge()).toBe(1)
    }
    expect(answers.map((a) => [a.status, a.body.spooled, a.body.delivery])).toEqual([
      [202, true, 'd-1'],
      [202, true, 'd-2'],
      [202, true, 'd-3'],
    ])
    expect(await spoolGauge()).toBe(3)
    expect(await storeRows(dir, `select id from deployments where source = 'github'`)).toEqual([])
  } finally {
    await release()
  }
  await until(async () => (await spoolGauge()) === 0)
  const rows = await storeRows(dir, `select id, result from deployments where source = 'github' order by id`)
  expect(rows).toEqual([
    { id: '1', result: 'success' },
    { id: '2', result: 'success' },
  ])
  expect(
    await storeRows(
      dir,
      `select delivery from webhook_deliveries where provider = 'github' order by delivery`,
    ),
  ).toEqual([{ delivery: 'd-1' }, { delivery: 'd-2' }, { delivery: 'd-3' }])

  // Stored now: a redelivery is acknowledged at once and changes nothing.
  const again = await app.request('/webhooks/github', delivery(1, 'success', 5, 'd-2'))
  expect([again.status, await again.json()]).toEqual([
    200,
    { delivery: 'd-2', spooled: false, duplicate: true, stored: 0 },
  ])
}, 60_000)

test('a delivery the store refuses is set aside with its reason and does not hold up the rest', async () => {
  const spool = new WebhookSpool(join(dir, 'spool'))
  // A spooled delivery whose events no longer validate (a newer version's rules, say).
  spool.append({ kind: 'github', delivery: 'bad-1', events: [{ type: 'deployment', id: 'x' }] })
  const good = { type: 'deployment', id: 'g-9', service: 'storefront', environment: 'production' }
  spool.append({
    kind: 'github',
    delivery: 'good-1',
    events: [
      {
        ...good,
        result: 'success',
        startedAt: '2026-03-02T10:00:00Z',
        finishedAt: '2026-03-02T10:05:00Z',
        sha: 'g9',
      },
    ],
  })
  const logged: string[] = []
  const own = new WebhookIntake(engine, { dir: join(dir, 'spool'), log: (line) => logged.push(line) })
  await own.drain()
  expect(spool.depth()).toBe(0)
  expect(spool.setAsideCount()).toBe(1)
  expect(logged.join('\n')).toMatch(
    /^webhook delivery bad-1 set aside in .*: github webhook: 6 invalid records/,
  )
  const [why] = readdirSync(spool.setAsideDir).filter((name) => name.endsWith('.why'))
  expect(readFileSync(join(spool.setAsideDir, why ?? ''), 'utf8')).toMatch(/github webhook:1: service: /)
  expect(await storeRows(dir, `select id from deployments where id = 'g-9'`)).toEqual([{ id: 'g-9' }])
  const metrics = await (await app.request('/metrics')).text()
  expect(metrics).toMatch(/^engops_webhook_spool_set_aside 1$/m)
})

test('engops serve stores what an earlier process left in the spool before it says ready', async () => {
  const { dir: other, cleanup: done } = tempDir()
  try {
    writeFileSync(join(other, 'engops.yaml'), MINIMAL_CONFIG)
    const location = storeFor(other) ?? defaultDbPath(join(other, 'engops.yaml'))
    const spool = new WebhookSpool(spoolDirFor(join(other, 'engops.yaml'), location))
    const at = (m: number) => `2026-03-03T10:0${m}:00Z`
    spool.append({
      kind: 'github',
      delivery: 'left-1',
      events: [
        {
          type: 'deployment',
          id: 'left',
          service: 'storefront',
          environment: 'production',
          result: 'success',
          startedAt: at(0),
          finishedAt: at(1),
          sha: 'l1',
        },
      ],
    })
    const args = ['serve', '--port', '0', '--no-auth']
    const server = spawn(process.execPath, [BIN, ...args], { cwd: other, env: cliEnv(args, other) })
    try {
      let output = ''
      await new Promise<void>((resolve, reject) => {
        server.stdout?.on('data', (chunk) => {
          output += chunk
          if (/^ready$/m.test(output)) resolve()
        })
        server.on('exit', () => reject(new Error(`serve exited: ${output}`)))
      })
      expect(spool.depth()).toBe(0)
      expect(await storeRows(other, `select id, source from deployments`)).toEqual([
        { id: 'left', source: 'github' },
      ])
      expect(await storeRows(other, `select delivery from webhook_deliveries`)).toEqual([
        { delivery: 'left-1' },
      ])
    } finally {
      server.kill()
    }
  } finally {
    done()
  }
}, 60_000)
