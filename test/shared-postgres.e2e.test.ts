/**
 * A shared installation: two `engops serve` processes and an `engops sync` writing to one
 * PostgreSQL database at the same time lose nothing and count nothing twice — the store ends
 * exactly as the same writes made one after another leave it. Runs on the suite's PostgreSQL pass
 * (ENGOPS_TEST_POSTGRES; `.ci/run` makes one).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import octokitExamples from '@octokit/webhooks-examples'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Fixture, STANDIN_TOKEN, type StandIn, startGitHub } from './github-standin.js'
import {
  BIN,
  cliEnv,
  engops,
  engopsAsync,
  MINIMAL_CONFIG,
  storeCounts,
  TEST_POSTGRES,
  tempDir,
} from './helpers.js'

const SECRET = 'shared-secret'
const H = 3_600_000
const at = (ms: number) => new Date(ms).toISOString()
const MARCH = Date.parse('2025-03-01T00:00:00Z')

const fixture: Fixture = {
  owner: 'acme',
  repo: 'shop',
  pullRequests: Array.from({ length: 30 }, (_, i) => ({
    number: 500 + i,
    author: 'ana-gh',
    createdAt: at(MARCH + i * H),
    updatedAt: at(MARCH + i * H + H),
    mergedAt: at(MARCH + i * H + H),
    closedAt: at(MARCH + i * H + H),
    mergeSha: `${i}`.padStart(40, 'c'),
    headSha: `${i}`.padStart(40, 'd'),
    draft: false,
    additions: i,
    deletions: 1,
    labels: [],
    commits: [`${i}`.padStart(40, 'd')],
    reviews: [{ author: 'bob-gh', submittedAt: at(MARCH + i * H + H / 2), state: 'APPROVED' }],
  })),
  deployments: [],
  runs: [],
  issues: [],
}

const examples = (octokitExamples as unknown as { name: string; examples: object[] }[]).find(
  (g) => g.name === 'pull_request',
)?.examples as object[]

let root: string
let cleanup: () => void
let github: StandIn

function project(name: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'engops.yaml'),
    `${MINIMAL_CONFIG}sources:\n  - { id: gh, kind: github, apiUrl: ${github.url}, tokenEnv: GH_TEST_TOKEN, repositories: [acme/shop], since: 2025-02-01 }\n`,
  )
  return dir
}

async function serve(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    cwd: dir,
    env: cliEnv(['serve'], dir, { ENGOPS_GITHUB_SECRET: SECRET }),
  })
  const output = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout?.on('data', (chunk) => {
      text += chunk
      if (text.includes('API:')) resolve(text)
    })
    child.on('exit', () => reject(new Error(`serve exited: ${text}`)))
  })
  return { url: /at (http:\/\/[^\s]+)/.exec(output)?.[1] ?? '', child }
}

/** Batches of 25 deployments: 20 ids of its own (`own`) and 5 every writer sends (`shared`). */
async function postEvents(url: string, token: string, own: string, batches = 20): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    const events = Array.from({ length: 25 }, (_, k) => {
      const id = k < 20 ? `${own}-${batch}-${k}` : `shared-${batch}-${k}`
      return JSON.stringify({
        type: 'deployment',
        id,
        service: 'storefront',
        environment: 'production',
        result: 'success',
        startedAt: at(MARCH + batch * H),
        finishedAt: at(MARCH + batch * H + 60_000),
        sha: 'abc1234',
      })
    })
    const response = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: events.join('\n'),
    })
    if (response.status !== 200)
      throw new Error(`POST /api/events: ${response.status} ${await response.text()}`)
  }
}

/** Every pull_request example, each with its own delivery id. */
async function deliver(url: string): Promise<void> {
  for (const [i, payload] of examples.entries()) {
    const body = JSON.stringify(payload)
    const response = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': `shared-delivery-${i}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    })
    if (response.status >= 300) throw new Error(`webhook ${i}: ${response.status} ${await response.text()}`)
  }
}

const token = (dir: string) =>
  (
    JSON.parse(engops(['token', 'create', '--name', 'writer', '--role', 'admin', '--json'], dir).stdout) as {
      token: string
    }
  ).token

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  github = await startGitHub(fixture, { delayMs: 20 })
})
afterAll(async () => {
  await github?.close()
  cleanup?.()
})

describe.skipIf(!TEST_POSTGRES)('a shared engops on PostgreSQL', () => {
  test('two servers and a sync at once store exactly what they would one after another', async () => {
    const shared = project('shared')
    const key = token(shared)
    const [a, b] = await Promise.all([serve(shared), serve(shared)])
    const deploymentsSeenBy = async (url: string) => {
      const response = await fetch(
        `${url}/api/drilldown/deployments?from=2025-03-01&to=2025-03-02&pageSize=1`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      )
      return ((await response.json()) as { total: number }).total
    }
    try {
      // Server A has loaded (and cached) the empty store before anyone writes.
      expect(await deploymentsSeenBy(a.url)).toBe(0)
      const sync = engopsAsync(['sync', '--json'], shared, { GH_TEST_TOKEN: STANDIN_TOKEN })
      await Promise.all([
        postEvents(a.url, key, 'a'),
        postEvents(b.url, key, 'b'),
        deliver(a.url),
        deliver(b.url),
        sync.then((result) => expect(result.code, result.stderr).toBe(0)),
      ])
      // Each server sees every write, its own and the other's: 2 × 20 × 20 + 20 × 5 …
      expect(await deploymentsSeenBy(a.url)).toBe(900)
      expect(await deploymentsSeenBy(b.url)).toBe(900)
      // … and one more written through B alone, which A has loaded nothing since: A shows it
      // within a second (it looks at the store's data version at most once a second).
      await postEvents(b.url, key, 'late', 1)
      await expect.poll(() => deploymentsSeenBy(a.url), { timeout: 3000, interval: 250 }).toBe(920)
    } finally {
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
    }

    const alone = project('alone')
    const aloneKey = token(alone)
    const single = await serve(alone)
    try {
      await postEvents(single.url, aloneKey, 'a')
      await postEvents(single.url, aloneKey, 'b')
      await deliver(single.url)
      expect((await engopsAsync(['sync', '--json'], alone, { GH_TEST_TOKEN: STANDIN_TOKEN })).code).toBe(0)
      await postEvents(single.url, aloneKey, 'late', 1)
    } finally {
      single.child.kill('SIGTERM')
    }

    const together = await storeCounts(shared)
    // 2 writers × 20 batches × 20 own ids, the 20 × 5 ids both sent once, and the late 20.
    expect(together.deployments).toBe(2 * 20 * 20 + 20 * 5 + 20)
    expect(together.webhook_deliveries).toBe(examples.length)
    expect(together.pull_requests).toBeGreaterThanOrEqual(30)
    expect(together).toEqual(await storeCounts(alone))
  })
})
