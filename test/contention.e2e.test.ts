/**
 * Writers at once on one store: a long `engops ingest git`, and while it runs a stream of API
 * writes and signed GitHub webhooks to a running server. Every write accepted is stored exactly
 * once, none is answered 5xx, and the ingest finishes (issue 13).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { BIN, cliEnv, MINIMAL_CONFIG, storeRows, tempDir } from './helpers.js'

const SECRET = 'contention-secret'
const COMMITS = 6000

let dir: string
let cleanup: () => void
const children: ChildProcess[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  // The minimal organization, and a service for the big repository.
  writeFileSync(
    join(dir, 'engops.yaml'),
    `${MINIMAL_CONFIG}  - { id: big, owner: web, tier: 2, repositories: [big] }\n`,
  )
})
afterEach(() => {
  for (const child of children) child.kill()
  cleanup()
})

/** A repository of `n` commits on one branch, written by git fast-import in a moment. */
function bigRepository(path: string, n: number): void {
  execFileSync('git', ['init', '-q', '-b', 'main', path])
  const lines: string[] = []
  for (let i = 0; i < n; i++) {
    const at = 1_700_000_000 + i * 60
    const content = `line ${i}\n`
    lines.push(
      'commit refs/heads/main',
      `author Ana <ana@example.com> ${at} +0000`,
      `committer Ana <ana@example.com> ${at} +0000`,
      'data 6',
      'commit',
      `M 644 inline file-${i % 50}.txt`,
      `data ${Buffer.byteLength(content)}`,
      content,
    )
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: path, input: `${lines.join('\n')}\n` })
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: cliEnv(args, dir, env) })
  children.push(child)
  return child
}

test('a long ingest, API writes and signed webhooks at once: each accepted write stored once, no 5xx', async () => {
  bigRepository(join(dir, 'big'), COMMITS)
  const server = start(['serve', '--port', '0', '--no-auth'], { ENGOPS_GITHUB_SECRET: SECRET })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout?.on('data', (chunk) => {
      output += chunk
      const found = /at (http:\/\/\S+)/.exec(output)
      if (found?.[1] && /^ready$/m.test(output)) resolve(found[1])
    })
    server.on('exit', () => reject(new Error(`serve exited: ${output}`)))
  })
  const ingest = start(['ingest', 'git', 'big'])
  let ingestOutput = ''
  ingest.stderr?.on('data', (chunk) => (ingestOutput += chunk))
  const ingested = new Promise<number>((resolve) => ingest.on('exit', (code) => resolve(code ?? 1)))
  let running = true
  void ingested.then(() => {
    running = false
  })

  const statuses: number[] = []
  let apiWrites = 0
  let webhooks = 0
  const finishedAt = (n: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + n * 60_000).toISOString()
  for (let n = 0; running || n < 4; n++) {
    const event = {
      type: 'deployment',
      id: `api-${n}`,
      service: 'storefront',
      environment: 'production',
      result: 'success',
      startedAt: finishedAt(n),
      finishedAt: finishedAt(n),
      sha: `a${n}`,
    }
    const api = await fetch(`${url}/api/events?source=api`, { method: 'POST', body: JSON.stringify(event) })
    statuses.push(api.status)
    if (api.status === 200) apiWrites++
    const body = JSON.stringify({
      action: 'created',
      deployment: { id: 9000 + n, sha: `b${n}`, environment: 'production', created_at: finishedAt(n) },
      deployment_status: { state: 'success', created_at: finishedAt(n), environment: 'production' },
      repository: { name: 'shop' },
    })
    const hook = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'deployment_status',
        'x-github-delivery': `delivery-${n}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    })
    statuses.push(hook.status)
    if (hook.status === 200 || hook.status === 202) webhooks++
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  expect(await ingested, ingestOutput).toBe(0)
  expect(statuses.filter((status) => status >= 500)).toEqual([])
  // Deliveries answered 202 were spooled: they are stored once the server has drained them.
  for (let waited = 0; ; waited += 100) {
    const metrics = await (await fetch(`${url}/metrics`)).text()
    if (/^engops_webhook_spool_depth 0$/m.test(metrics)) break
    if (waited > 60_000) throw new Error('the spool did not drain')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  // Many writes met the ingest: the test saw contention, not a quiet store.
  expect(apiWrites).toBeGreaterThan(10)
  const count = async (where: string) =>
    Number((await storeRows(dir, `select count(*) as n from deployments where ${where}`))[0]?.n)
  expect(await count(`source = 'api'`)).toBe(apiWrites)
  expect(await count(`source = 'github'`)).toBe(webhooks)
  expect(Number((await storeRows(dir, `select count(*) as n from commits where repo = 'big'`))[0]?.n)).toBe(
    COMMITS,
  )
}, 180_000)
