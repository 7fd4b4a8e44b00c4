/**
 * `engops sync` against a local GitLab stand-in (REST v4 shapes from GitLab's documentation):
 * merge requests across pages with their notes (approvals as reviews) and commits, deployments,
 * pipelines and incident issues; a 429 and a 502 in the middle; a refused token; and the same
 * DORA, review and reliability figures as the same data given as NDJSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { GITLAB_TOKEN, type GitLabFixture, startGitLab } from './gitlab-standin.js'
import { engops, engopsAsync, makeRepo, ndjson, storeCounts, tempDir } from './helpers.js'

let root: string
let cleanup: () => void
let fixture: GitLabFixture
let standIn: Awaited<ReturnType<typeof startGitLab>>
let synced: string

const H = 3_600_000
const MARCH = Date.parse('2025-03-01T00:00:00Z')
const at = (ms: number) => new Date(ms).toISOString()
const PERIOD = ['--from', '2025-03-01', '--to', '2025-04-01']

function org(api: string) {
  return `org: { name: Acme }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], aliases: [ana], team: pay }
  - { id: bob, name: Bob, emails: [bob@example.com], aliases: [bob], team: pay }
teams:
  - { id: pay, name: Payments, type: stream-aligned }
services:
  - { id: payments, owner: pay, tier: 3, repositories: [payments] }
sources:
  - { id: gl, kind: gitlab, apiUrl: ${api}, tokenEnv: GL_TEST_TOKEN, projects: [acme/payments], since: 2025-02-01, deployments: { environments: [production] } }
`
}

function makeFixture(shas: string[]): GitLabFixture {
  const mergeRequests = Array.from({ length: 10 }, (_, i) => {
    const created = MARCH + i * 10 * H
    const state = i % 5 === 4 ? ('closed' as const) : i === 9 ? ('opened' as const) : ('merged' as const)
    const merged = state === 'merged' ? created + 4 * H : null
    const closed = state === 'closed' ? created + 6 * H : null
    return {
      iid: i + 1,
      author: i % 2 === 0 ? 'ana' : 'bob',
      state,
      createdAt: at(created),
      updatedAt: at(merged ?? closed ?? created + H),
      mergedAt: merged ? at(merged) : null,
      closedAt: closed ? at(closed) : null,
      mergeSha: merged ? (shas[i % 6] as string) : null,
      sha: shas[i % 6] as string,
      draft: false,
      labels: [],
      commits: [shas[i % 6] as string],
      notes: [
        { author: i % 2 === 0 ? 'bob' : 'ana', createdAt: at(created + 2 * H), approval: true },
        { author: i % 2 === 0 ? 'ana' : 'bob', createdAt: at(created + 3 * H), approval: false },
      ],
    }
  })
  const deployments = Array.from({ length: 6 }, (_, k) => ({
    id: 300 + k,
    sha: shas[k] as string,
    environment: 'production',
    status: k === 2 ? 'failed' : k === 5 ? 'running' : 'success',
    createdAt: at(MARCH + k * 24 * H + 12 * H),
    finishedAt: k === 5 ? null : at(MARCH + k * 24 * H + 12 * H + 5 * 60_000),
    updatedAt: at(MARCH + k * 24 * H + 12 * H + 5 * 60_000),
  }))
  // Pipelines with their jobs: build then test (then deploy); 4004 failed its test, was retried
  // 24 minutes later and went green, and its deploy (created with the pipeline) ran after that.
  const M = 60_000
  const job = (
    id: number,
    name: string,
    status: string,
    created: number,
    start: number | null,
    end: number | null,
  ) => ({
    id,
    name,
    stage: name,
    status,
    createdAt: at(created),
    startedAt: start === null ? null : at(start),
    finishedAt: end === null ? null : at(end),
  })
  const day = (k: number) => MARCH + k * 24 * H
  const pipelines = [
    {
      id: 4000,
      status: 'success',
      start: day(0),
      updated: day(0) + 5 * M,
      jobs: [
        job(1, 'build', 'success', day(0), day(0) + M, day(0) + 3 * M),
        job(2, 'test', 'success', day(0), day(0) + 3 * M, day(0) + 5 * M),
      ],
    },
    {
      id: 4001,
      status: 'failed',
      start: day(1),
      updated: day(1) + 6 * M,
      jobs: [
        job(3, 'build', 'success', day(1), day(1) + M, day(1) + 3 * M),
        job(4, 'test', 'failed', day(1), day(1) + 3 * M, day(1) + 6 * M),
      ],
    },
    {
      id: 4002,
      status: 'canceled',
      start: day(2),
      updated: day(2) + 7 * M,
      jobs: [
        job(5, 'build', 'canceled', day(2), day(2) + M, day(2) + 2 * M),
        job(6, 'test', 'canceled', day(2), null, day(2) + 2 * M),
      ],
    },
    {
      id: 4003,
      status: 'running',
      start: day(3),
      updated: day(3) + 8 * M,
      jobs: [job(7, 'build', 'running', day(3), day(3) + M, null)],
    },
    {
      id: 4004,
      status: 'success',
      start: day(4),
      updated: day(4) + 42 * M,
      jobs: [
        job(11, 'build', 'success', day(4), day(4) + M, day(4) + 3 * M),
        job(12, 'test', 'failed', day(4), day(4) + 3 * M, day(4) + 6 * M),
        job(13, 'deploy', 'success', day(4), day(4) + 40 * M, day(4) + 42 * M),
        job(14, 'test', 'success', day(4) + 30 * M, day(4) + 31 * M, day(4) + 38 * M),
      ],
    },
  ].map((p) => ({
    id: p.id,
    status: p.status,
    ref: 'main',
    createdAt: at(p.start),
    updatedAt: at(p.updated),
    jobs: p.jobs,
  }))
  const incidents = [
    {
      iid: 70,
      severity: 'HIGH',
      createdAt: at(MARCH + 30 * H),
      updatedAt: at(MARCH + 32 * H),
      closedAt: at(MARCH + 32 * H),
    },
    {
      iid: 71,
      severity: 'CRITICAL',
      createdAt: at(MARCH + 80 * H),
      updatedAt: at(MARCH + 81 * H),
      closedAt: at(MARCH + 81 * H),
    },
  ]
  return {
    group: 'acme',
    project: 'payments',
    projectId: 42,
    mergeRequests,
    deployments,
    pipelines,
    incidents,
  }
}

/** The fixture as NDJSON, written independently of the connector. */
function fixtureEvents(f: GitLabFixture): object[] {
  return [
    ...f.mergeRequests.map((mr) => ({
      type: 'pull_request',
      repo: 'payments',
      number: mr.iid,
      author: mr.author,
      createdAt: mr.createdAt,
      ...(mr.mergedAt ? { mergedAt: mr.mergedAt, mergeSha: mr.mergeSha } : {}),
      ...(mr.closedAt ? { closedAt: mr.closedAt } : {}),
      headSha: mr.sha,
      commits: mr.state === 'merged' ? mr.commits : [],
      reviews: mr.notes
        .filter((n) => n.author !== mr.author)
        .map((n) => ({ author: n.author, at: n.createdAt, state: n.approval ? 'approved' : 'commented' })),
      draft: false,
      labels: [],
    })),
    ...f.deployments
      .filter((d) => d.status === 'success' || d.status === 'failed')
      .map((d) => ({
        type: 'deployment',
        id: String(d.id),
        service: 'payments',
        environment: 'production',
        result: d.status === 'success' ? 'success' : 'failure',
        startedAt: d.createdAt,
        finishedAt: d.finishedAt,
        sha: d.sha,
      })),
    // Worked out by hand from the jobs above: queued when the pipeline (or the retry) was
    // created, started with its first job, finished with its last; 4004's first attempt failed.
    ...[
      [4000, 1, 'success', 0, 0, 1, 5],
      [4001, 1, 'failure', 1, 0, 1, 6],
      [4002, 1, 'cancelled', 2, 0, 1, 2],
      [4004, 1, 'failure', 4, 0, 1, 6],
      [4004, 2, 'success', 4, 30, 31, 42],
    ].map(([id, attempt, result, day, queued, started, finished]) => {
      const minute = (m: number) =>
        new Date(Date.parse('2025-03-01T00:00:00Z') + (day as number) * 86_400_000 + m * 60_000).toISOString()
      return {
        type: 'pipeline_run',
        id: String(id),
        attempt,
        repo: 'payments',
        workflow: 'main',
        result,
        queuedAt: minute(queued as number),
        startedAt: minute(started as number),
        finishedAt: minute(finished as number),
      }
    }),
    ...f.incidents.map((i) => ({
      type: 'incident',
      id: `payments#${i.iid}`,
      services: ['payments'],
      severity: i.severity === 'CRITICAL' ? 'SEV-1' : 'SEV-2',
      detectedAt: i.createdAt,
      resolvedAt: i.closedAt,
    })),
  ]
}

function project(name: string, api: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'engops.yaml'), org(api))
  expect(engops(['ingest', 'git', join(root, 'payments'), '--repo', 'payments'], dir).code).toBe(0)
  return dir
}

const counts = storeCounts

const sync = (dir: string, token = GITLAB_TOKEN) =>
  engopsAsync(['sync', '--json'], dir, { GL_TEST_TOKEN: token })

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  mkdirSync(join(root, 'payments'))
  const shas = makeRepo(
    join(root, 'payments'),
    Array.from({ length: 6 }, (_, i) => ({ at: `2025-02-2${i}T08:00:00Z` })),
  )
  fixture = makeFixture(shas)
  standIn = await startGitLab(fixture, { rateLimitAt: 3, badGatewayAt: 7 })
  synced = project('synced', standIn.url)
})
afterAll(async () => {
  await standIn?.close()
  cleanup()
})

describe('engops sync from GitLab', () => {
  test('fills merge requests, deployments, pipelines and incidents through a 429 and a 502', async () => {
    const started = Date.now()
    const result = await sync(synced)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const [summary] = JSON.parse(result.stdout) as { events: Record<string, number>; error: string | null }[]
    expect(summary?.error).toBeNull()
    // 10 merge requests over three pages; 5 deployments ended (one still running); 3 pipelines
    // ended (one running); 2 incidents.
    expect(summary?.events).toEqual({ pull_request: 10, deployment: 5, pipeline_run: 5, incident: 2 })
    expect((Date.now() - started) / 1000).toBeGreaterThan(1.5)
    expect(standIn.requests.filter((r) => r.includes('/merge_requests?'))).toHaveLength(3)
  })

  test('DORA, reviews and reliability equal the same data given as NDJSON', () => {
    const plain = project('plain', 'http://127.0.0.1:9/api/v4')
    const file = ndjson(join(plain, 'events.ndjson'), fixtureEvents(fixture))
    expect(engops(['ingest', 'events', file, '--source', 'gitlab'], plain).code).toBe(0)
    for (const family of [
      ['metrics', 'dora'],
      ['metrics', 'reviews'],
      ['metrics', 'reliability'],
      ['metrics', 'dx'],
    ]) {
      const a = engops([...family, ...PERIOD, '--json'], synced)
      expect(a.code).toBe(0)
      expect(JSON.parse(a.stdout), family.join(' ')).toEqual(
        JSON.parse(engops([...family, ...PERIOD, '--json'], plain).stdout),
      )
    }
    const reviews = JSON.parse(engops(['metrics', 'reviews', ...PERIOD, '--json'], synced).stdout)
    expect(reviews.summary.turnaround.n).toBe(10)
  })

  test('a second sync reads only what changed', async () => {
    const before = standIn.requests.length
    expect((await sync(synced)).code).toBe(0)
    // Each list from its cursor: one page each, and the boundary merge request's notes and commits.
    expect(standIn.requests.length - before).toBeLessThanOrEqual(7)
  })

  test('a refused token stops the source with its name and URL, and stores nothing', async () => {
    const before = await counts(synced)
    const refused = await sync(synced, 'glpat-wrong')
    expect(refused.code).toBe(1)
    const [summary] = JSON.parse(refused.stdout) as { error: string }[]
    expect(summary?.error).toContain('source gl: GitLab refused the token (401)')
    expect(summary?.error).toContain(standIn.url)
    expect(await counts(synced)).toEqual(before)
  })

  test('a bad sources entry names the file, line and field; engops schema knows each source kind', () => {
    const dir = join(root, 'bad-source')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'engops.yaml'),
      'org: { name: A }\nsources:\n  - { id: gh, kind: github, repositories: [shop] }\n  - { id: x, kind: linear }\n  - { id: gl, kind: gitlab, group: acme, tokn: X }\n',
    )
    const result = engops(['validate'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'engops.yaml:3: sources[0].repositories[0]: expected owner/name, e.g. acme/shop',
    )
    expect(result.stderr).toContain(
      'engops.yaml:4: sources[1].kind: no connector syncs "linear" (kinds: git, files, github, gitlab, jira, pagerduty, opsgenie, pagerduty-csv, opsgenie-csv, statuspage, cdevents)',
    )
    expect(result.stderr).toContain('engops.yaml:5: sources[2]: unknown field "tokn"')
    const schema = JSON.parse(engops(['schema'], dir).stdout)
    expect(schema.properties.sources.items.oneOf.map((o: { title: string }) => o.title)).toEqual([
      'git source',
      'Event files source',
      'GitHub source',
      'GitLab source',
      'Jira source',
      'PagerDuty source',
      'Opsgenie source',
      'PagerDuty CSV export source',
      'Opsgenie CSV export source',
      'Statuspage source',
      'CDEvents source',
    ])
  })
})
