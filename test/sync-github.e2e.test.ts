/**
 * `engops sync` against a local GitHub stand-in (REST shapes from GitHub's documentation, GraphQL
 * executed with GitHub's published schema): pull requests through GraphQL across pages, deployments
 * with statuses, workflow runs with their attempts and labelled issues; a rate-limit answer and a
 * 502 in the middle; a refused token; a kill -9 mid-sync; and the same DORA, review and DX figures
 * as the same data given as NDJSON.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Store } from '../src/store/store.js'
import { type Fixture, STANDIN_TOKEN, type StandIn, startGitHub } from './github-standin.js'
import {
  BIN,
  cliEnv,
  engops,
  engopsAsync,
  makeRepo,
  ndjson,
  storeCounts,
  storeFor,
  storeRows,
  tempDir,
} from './helpers.js'

let root: string
let cleanup: () => void
let shas: string[]
let fixture: Fixture

const H = 3_600_000
const at = (ms: number) => new Date(ms).toISOString()
const MARCH = Date.parse('2025-03-01T00:00:00Z')

function org(api: string, mode: 'graphql' | 'rest' = 'graphql') {
  return `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], aliases: [ana-gh], team: web }
  - { id: bob, name: Bob, emails: [bob@example.com], aliases: [bob-gh], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 3, repositories: [shop] }
sources:
  - id: gh
    kind: github
    apiUrl: ${api}
    api: ${mode}
    tokenEnv: GH_TEST_TOKEN
    repositories: [acme/shop]
    since: 2025-02-01
    deployments: { environments: [production] }
    incidents: { label: incident }
`
}

function makeFixture(): Fixture {
  const pullRequests = Array.from({ length: 60 }, (_, i) => {
    const created = MARCH + i * 3 * H
    const merged = i % 4 !== 0 ? created + 2 * H : null
    const closed = merged ?? (i % 8 === 0 ? created + 5 * H : null)
    const sha = shas[i % 10] as string
    return {
      number: i + 1,
      author: i % 3 === 0 ? 'bob-gh' : 'ana-gh',
      createdAt: at(created),
      updatedAt: at(closed ?? created + H),
      mergedAt: merged ? at(merged) : null,
      closedAt: closed ? at(closed) : null,
      mergeSha: merged ? sha : null,
      headSha: sha,
      draft: i % 13 === 0,
      additions: 10 * i,
      deletions: i,
      labels: i % 5 === 0 ? ['bug'] : [],
      // Pull request #11 has 120 commits: more than one GraphQL query reads (the rest come by REST).
      commits: i === 10 ? [sha, ...Array.from({ length: 119 }, (_, k) => `${k}`.padStart(40, 'e'))] : [sha],
      reviews:
        i % 2 === 0
          ? [{ author: i % 3 === 0 ? 'ana-gh' : 'bob-gh', submittedAt: at(created + H), state: 'APPROVED' }]
          : [],
    }
  })
  const deployments = Array.from({ length: 8 }, (_, k) => {
    const created = MARCH + k * 24 * H + 12 * H
    const final = k === 5 ? 'failure' : 'success'
    return {
      id: 500 + k,
      sha: shas[k + 1] as string,
      environment: 'production',
      createdAt: at(created),
      // Deployment 507 is still in progress: it waits for a later sync.
      statuses:
        k === 7
          ? [{ id: 9000 + k, state: 'in_progress', createdAt: at(created + 60_000) }]
          : [
              { id: 9100 + k, state: final, createdAt: at(created + 10 * 60_000) },
              { id: 9000 + k, state: 'in_progress', createdAt: at(created + 60_000) },
            ],
    }
  })
  const attempt = (start: number, minutes: number, conclusion: string) => ({
    conclusion,
    createdAt: at(start),
    startedAt: at(start + 30_000),
    finishedAt: at(start + minutes * 60_000),
  })
  const runs = Array.from({ length: 6 }, (_, k) => {
    const start = MARCH + k * 24 * H + 9 * H
    return {
      id: 700 + k,
      name: 'CI',
      status: 'completed' as const,
      // Run 702 failed and passed on retry: a flaky run.
      attempts:
        k === 2
          ? [attempt(start, 6, 'failure'), attempt(start + H, 5, 'success')]
          : [attempt(start, 4 + k, 'success')],
    }
  })
  const issues = [
    {
      number: 900,
      labels: ['incident', 'sev2'],
      createdAt: at(MARCH + 50 * H),
      updatedAt: at(MARCH + 53 * H),
      closedAt: at(MARCH + 53 * H),
    },
    {
      number: 901,
      labels: ['incident', 'SEV-1'],
      createdAt: at(MARCH + 100 * H),
      updatedAt: at(MARCH + 101 * H),
      closedAt: at(MARCH + 101 * H),
    },
  ]
  return { owner: 'acme', repo: 'shop', pullRequests, deployments, runs, issues }
}

/** The fixture as NDJSON, written independently of the connector: what sync must be equal to. */
function fixtureEvents(f: Fixture): object[] {
  return [
    ...f.pullRequests.map((pr) => ({
      type: 'pull_request',
      repo: 'shop',
      number: pr.number,
      author: pr.author,
      createdAt: pr.createdAt,
      ...(pr.mergedAt ? { mergedAt: pr.mergedAt, mergeSha: pr.mergeSha } : {}),
      ...(pr.closedAt ? { closedAt: pr.closedAt } : {}),
      headSha: pr.headSha,
      commits: pr.commits,
      reviews: pr.reviews.map((r) => ({ author: r.author, at: r.submittedAt, state: 'approved' })),
      additions: pr.additions,
      deletions: pr.deletions,
      draft: pr.draft,
      labels: pr.labels,
    })),
    ...f.deployments.flatMap((d) => {
      const final = d.statuses.find((s) => s.state === 'success' || s.state === 'failure')
      return final
        ? [
            {
              type: 'deployment',
              id: String(d.id),
              service: 'storefront',
              environment: d.environment,
              result: final.state,
              startedAt: d.createdAt,
              finishedAt: final.createdAt,
              sha: d.sha,
            },
          ]
        : []
    }),
    ...f.runs.flatMap((r) =>
      r.attempts.map((a, i) => ({
        type: 'pipeline_run',
        id: String(r.id),
        attempt: i + 1,
        repo: 'shop',
        workflow: r.name,
        result: a.conclusion,
        queuedAt: a.createdAt,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
      })),
    ),
    ...f.issues.map((i) => ({
      type: 'incident',
      id: `shop#${i.number}`,
      services: ['storefront'],
      severity: i.labels.includes('sev2') ? 'SEV-2' : 'SEV-1',
      detectedAt: i.createdAt,
      resolvedAt: i.closedAt,
    })),
  ]
}

/** A directory with the org file pointing at `api`, the shop repository ingested. */
function project(name: string, api: string, mode: 'graphql' | 'rest' = 'graphql'): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'engops.yaml'), org(api, mode))
  expect(engops(['ingest', 'git', join(root, 'shop'), '--repo', 'shop'], dir).code).toBe(0)
  return dir
}

const counts = storeCounts

const sync = (dir: string, token = STANDIN_TOKEN, args: string[] = []) =>
  engopsAsync(['sync', '--json', ...args], dir, { GH_TEST_TOKEN: token })

const PERIOD = ['--from', '2025-03-01', '--to', '2025-04-01']

let standIn: StandIn
let synced: string

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  mkdirSync(join(root, 'shop'))
  shas = makeRepo(
    join(root, 'shop'),
    Array.from({ length: 10 }, (_, i) => ({ at: `2025-02-${String(20 + i).padStart(2, '0')}T08:00:00Z` })),
  )
  fixture = makeFixture()
  // A rate-limit answer (403, reset in 2 s) and a 502 in the middle of the first sync.
  standIn = await startGitHub(fixture, { rateLimitAt: 4, badGatewayAt: 8, headsGone: [11] })
  synced = project('synced', standIn.url)
})
afterAll(async () => {
  await standIn?.close()
  cleanup()
})

describe('engops sync from GitHub', () => {
  let first: { code: number; stdout: string; stderr: string }
  let seconds = 0

  test('fills pull requests, deployments, runs and incidents, waiting out a rate limit and retrying a 502', async () => {
    const started = Date.now()
    first = await sync(synced)
    seconds = (Date.now() - started) / 1000
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const [summary] = JSON.parse(first.stdout) as { events: Record<string, number>; error: string | null }[]
    expect(summary?.error).toBeNull()
    // 60 pull requests over two GraphQL pages (49 a query); 7 deployments (507 is still in progress); 7 run
    // attempts (702 twice); 2 incidents.
    expect(summary?.events).toEqual({ pull_request: 60, deployment: 7, pipeline_run: 7, incident: 2 })
    expect(standIn.requests.filter((r) => r.startsWith('POST /graphql'))).toHaveLength(2)
    expect(standIn.requests.some((r) => r.includes('/actions/runs/702/attempts/1'))).toBe(true)
    // The stand-in's REST pages hold 5: #11's 120 commits take 24 of them (and the injected 403 and
    // 502 fall among these requests, each asked again).
    expect(standIn.requests.filter((r) => r.includes('/pulls/11/commits')).length).toBeGreaterThanOrEqual(24)
    // The 403 said to wait until its reset, two seconds later.
    expect(seconds).toBeGreaterThan(1.5)
    const c = await counts(synced)
    expect(c.pull_requests).toBe(60)
    expect(c.deployments).toBe(7)
    expect(c.incidents).toBe(2)
    const store = await Store.open(storeFor(synced) ?? join(synced, '.engops', 'engops.db'))
    const long = (await store.listPullRequests({ commits: true })).find((pr) => pr.number === 11)
    await store.close()
    expect(long?.commits).toHaveLength(120)
  })

  test('DORA, reviews and DX equal the same data given as NDJSON', () => {
    const plain = project('plain', 'http://127.0.0.1:9')
    const file = ndjson(join(plain, 'events.ndjson'), fixtureEvents(fixture))
    expect(engops(['ingest', 'events', file, '--source', 'github'], plain).code).toBe(0)
    for (const family of [
      ['metrics', 'dora'],
      ['metrics', 'reviews'],
      ['metrics', 'dx'],
      ['metrics', 'reliability'],
    ]) {
      const a = engops([...family, ...PERIOD, '--json'], synced)
      const b = engops([...family, ...PERIOD, '--json'], plain)
      expect(a.code).toBe(0)
      expect(JSON.parse(a.stdout), family.join(' ')).toEqual(JSON.parse(b.stdout))
    }
    const dora = JSON.parse(engops(['metrics', 'dora', ...PERIOD, '--json'], synced).stdout)
    expect(dora.deploymentFrequency.deployments).toBe(6)
    expect(dora.leadTime.n).toBeGreaterThan(0)
  })

  test('api: rest collects the same through REST, two requests per merged pull request', async () => {
    const rest = project('rest', standIn.url, 'rest')
    const before = standIn.requests.length
    const result = await sync(rest)
    expect(result.code).toBe(0)
    const requests = standIn.requests.slice(before)
    expect(requests.filter((r) => r.startsWith('POST /graphql'))).toHaveLength(0)
    // 45 merged of 60: reviews for each; for the merged, one comparison of base and head gives
    // the commits and line counts. #11's head is gone: its comparison is a 404, so its commits
    // (120, 24 pages of the stand-in's 5) and its own page (line counts) are read instead.
    const perPull = requests.filter((r) => /\/pulls\/\d+/.test(r))
    expect(perPull.filter((r) => r.includes('/reviews'))).toHaveLength(60)
    expect(perPull.filter((r) => /\/pulls\/11\/commits/.test(r))).toHaveLength(24)
    expect(perPull.filter((r) => /\/pulls\/11(\?|$)/.test(r))).toHaveLength(1)
    expect(perPull).toHaveLength(60 + 24 + 1)
    expect(requests.filter((r) => r.includes('/compare/'))).toHaveLength(45)
    for (const family of [
      ['metrics', 'dora'],
      ['metrics', 'reviews'],
    ]) {
      const a = JSON.parse(engops([...family, ...PERIOD, '--json'], rest).stdout)
      const b = JSON.parse(engops([...family, ...PERIOD, '--json'], synced).stdout)
      expect(a, family.join(' ')).toEqual(b)
    }
    // Line counts and commits of every merged pull request, from the comparison (or #11's own page).
    const rows = (project: string) =>
      storeRows(
        project,
        'select number, additions, deletions, commits from pull_requests where merged_at is not null order by number',
      )
    expect(await rows(rest)).toHaveLength(45)
    expect(await rows(rest)).toEqual(await rows(synced))
  })

  test('a second sync reads only what changed', async () => {
    const before = standIn.requests.length
    const again = await sync(synced)
    expect(again.code).toBe(0)
    const requests = standIn.requests.slice(before)
    // One GraphQL page, one deployments page (and the still-pending deployment's statuses), one
    // runs page, one issues page: proportional to the changes, not to the history.
    expect(requests.length).toBeLessThanOrEqual(6)
    expect(requests.filter((r) => r.startsWith('POST /graphql'))).toHaveLength(1)
  })

  test('a refused token stops the source with its name and URL, and stores nothing', async () => {
    const before = await counts(synced)
    const refused = await sync(synced, 'wrong-token')
    expect(refused.code).toBe(1)
    const [summary] = JSON.parse(refused.stdout) as { error: string }[]
    expect(summary?.error).toContain('source gh: GitHub refused the token (401)')
    expect(summary?.error).toContain(standIn.url)
    expect(await counts(synced)).toEqual(before)
  })

  test('a repository the token cannot see stops the source with its name', async () => {
    const dir = join(root, 'unknown-repo')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'engops.yaml'),
      org(standIn.url).replace('repositories: [acme/shop]', 'repositories: [acme/nope]'),
    )
    const result = await sync(dir)
    expect(result.code).toBe(1)
    const [summary] = JSON.parse(result.stdout) as { error: string }[]
    expect(summary?.error).toBe('source gh: no repository acme/nope visible to the token (GraphQL)')
  })

  test('kill -9 mid-sync, then sync again: the store is as one uninterrupted sync left it', async () => {
    const slow = await startGitHub(fixture, { delayMs: 150 })
    try {
      const killed = project('killed', slow.url)
      const child = spawn(process.execPath, [BIN, 'sync'], {
        cwd: killed,
        env: cliEnv(['sync'], killed, { GH_TEST_TOKEN: STANDIN_TOKEN }),
        stdio: 'ignore',
      })
      // After the first GraphQL page was answered, and a few requests into the deployments.
      while (slow.requests.length < 6) await new Promise((r) => setTimeout(r, 20))
      child.kill('SIGKILL')
      await new Promise((r) => child.on('exit', r))
      // Killed midway: some batches are in, not all.
      const partial = await counts(killed)
      expect(partial).not.toEqual(await counts(synced))
      slow.faults.delayMs = 0
      const resumed = await sync(killed)
      expect(resumed.code).toBe(0)
      expect(await counts(killed)).toEqual(await counts(synced))
      const dora = (dir: string) => JSON.parse(engops(['metrics', 'dora', ...PERIOD, '--json'], dir).stdout)
      expect(dora(killed)).toEqual(dora(synced))
    } finally {
      await slow.close()
    }
  })

  test('people suggest drafts the authors that map to nobody', () => {
    // The shop repository's commits are by ana@example.com (a person); the deploy and review
    // logins are all aliases: nobody is missing. A stranger's pull request changes that.
    expect(engops(['people', 'suggest'], synced).stdout).toContain(
      'every author in the store maps to a person',
    )
    const file = ndjson(join(synced, 'stranger.ndjson'), [
      {
        type: 'pull_request',
        repo: 'shop',
        number: 999,
        author: 'zed-gh',
        createdAt: '2025-03-30T00:00:00Z',
      },
    ])
    expect(engops(['ingest', 'events', file, '--source', 'github'], synced).code).toBe(0)
    const suggested = engops(['people', 'suggest'], synced)
    expect(suggested.stdout).toContain(
      '  - { id: zed-gh, name: zed-gh, aliases: [zed-gh] }   # 1 commits and pull requests',
    )
  })
})
