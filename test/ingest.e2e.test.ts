/**
 * Ingest end to end: idempotent, all-or-nothing, incremental git, unreadable objects survived,
 * every event format, release tags as deployments.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { DoraJson } from '../src/engine/engine.js'
import { TABLES } from '../src/store/schema.js'
import { engops, engopsJson, MINIMAL_CONFIG, makeRepo, ndjson, storeRows, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  writeFileSync(join(dir, 'engops.yaml'), MINIMAL_CONFIG)
})
afterEach(() => cleanup())

/** Every table's rows, for "the store is exactly as it was" comparisons. */
async function snapshot(): Promise<Record<string, Record<string, unknown>[]>> {
  const tables = await Promise.all(TABLES.map((t) => storeRows(dir, `select * from ${t} order by 1, 2`)))
  return Object.fromEntries(TABLES.map((t, i) => [t, tables[i] ?? []]))
}

const deployment = (id: string, extra: object = {}) => ({
  type: 'deployment',
  id,
  service: 'storefront',
  environment: 'production',
  result: 'success',
  startedAt: '2025-03-01T10:00:00Z',
  finishedAt: '2025-03-01T10:05:00Z',
  sha: 'abc1234',
  ...extra,
})

describe('engops ingest events', () => {
  test('ingesting the same files twice changes nothing', async () => {
    ndjson(join(dir, 'a.ndjson'), [
      deployment('d1'),
      deployment('d2', { kind: 'hotfix', pipeline: 'deploy.yml' }),
      {
        type: 'incident',
        id: 'i1',
        services: ['storefront'],
        severity: 'sev2',
        detectedAt: '2025-03-01T11:00:00Z',
      },
      {
        type: 'pull_request',
        repo: 'shop',
        number: 7,
        author: 'ana',
        createdAt: '2025-03-01T09:00:00Z',
        commits: ['abc1234'],
      },
      {
        type: 'commit',
        repo: 'shop',
        sha: 'abc1234',
        parents: [],
        author: 'ana@example.com',
        authoredAt: '2025-03-01T08:00:00Z',
        committedAt: '2025-03-01T08:00:00Z',
      },
      {
        type: 'sprint',
        id: 'web-1',
        team: 'web',
        start: '2025-03-03',
        end: '2025-03-17',
        committed: 30,
        completed: 24,
      },
      { type: 'cost', month: '2025-03', category: 'cloud', vendor: 'AWS', team: 'web', amount: 1200 },
    ])
    expect(engops(['ingest', 'events', 'a.ndjson'], dir).stdout).toContain(
      'stored 2 deployments, 1 incident, 1 pull request, 1 commit, 1 sprint, 1 cost from 1 file',
    )
    const first = await snapshot()
    expect(engops(['ingest', 'events', 'a.ndjson'], dir).code).toBe(0)
    expect(await snapshot()).toEqual(first)
    expect(first.deployments).toHaveLength(2)
    // Unknown fields are kept, not rejected.
    expect(
      (first.deployments as { id: string; extra: string | null }[]).find((d) => d.id === 'd2')?.extra,
    ).toBe('{"pipeline":"deploy.yml"}')
    expect((first.incidents as { severity: string }[])[0]?.severity).toBe('SEV-2')
    expect(first.records).toMatchObject([
      { type: 'cost', id: '2025-03:cloud:AWS:web', at: Date.parse('2025-03-01T00:00:00Z'), scope: 'web' },
      { type: 'sprint', id: 'web-1', at: Date.parse('2025-03-17T00:00:00Z'), scope: 'web' },
    ])
  })

  test('an event repeated in one call is stored and counted once, and so is a deployment another source reported', async () => {
    ndjson(join(dir, 'twice.ndjson'), [
      deployment('d1', { kind: 'hotfix' }),
      deployment('d2'),
      deployment('d1'),
    ])
    expect(engops(['ingest', 'events', 'twice.ndjson'], dir).stdout).toBe(
      'stored 2 deployments, 0 incidents, 0 pull requests, 0 commits from 1 file; 1 event repeated an earlier one of the same identity: the last of each was kept\n',
    )
    const kept = (await snapshot()).deployments as { id: string; kind: string }[]
    expect(kept.map((d) => [d.id, d.kind])).toEqual([
      ['d1', 'regular'],
      ['d2', 'regular'],
    ])
    // The same deployments exported by another tool (other ids, same service, environment, sha and
    // finish time), and one it alone saw.
    ndjson(join(dir, 'ci.ndjson'), [
      deployment('ci-1', { source: 'ci' }),
      deployment('ci-2', { source: 'ci', finishedAt: '2025-03-02T10:05:00Z' }),
    ])
    expect(engops(['ingest', 'events', 'ci.ndjson'], dir).stdout).toBe(
      'stored 1 deployment, 0 incidents, 0 pull requests, 0 commits from 1 file; 1 deployment already reported by another source (same service, environment, sha and finish time): not stored again\n',
    )
    const dora = engopsJson<DoraJson>(
      ['metrics', 'dora', '--from', '2025-03-01', '--to', '2025-03-08', '--json'],
      dir,
    )
    // d1, d2 (one source may report two deployments alike) and ci-2; ci-1 is d1 again.
    expect(dora.deploymentFrequency.deployments).toBe(3)
  })

  test('a large file is validated whole, then written in slices of 5,000 events (one transaction each)', async () => {
    const minute = (n: number) => new Date(Date.parse('2025-03-01T00:00:00Z') + n * 60_000).toISOString()
    const events = Array.from({ length: 12_001 }, (_, n) =>
      deployment(`big-${n}`, { startedAt: minute(n), finishedAt: minute(n), sha: `s${n}` }),
    )
    // A bad event at the very end: nothing of the 12,000 before it is stored.
    ndjson(join(dir, 'big.ndjson'), [...events.slice(0, -1), { ...events.at(-1), result: 'maybe' }])
    const refused = engops(['ingest', 'events', 'big.ndjson'], dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('big.ndjson:12001: result:')
    expect(await storeRows(dir, 'select count(*) as n from deployments')).toEqual([{ n: 0 }])
    const version = async () => Number((await storeRows(dir, 'select version from data_version'))[0]?.version)
    const before = await version()
    ndjson(join(dir, 'big.ndjson'), events)
    expect(engops(['ingest', 'events', 'big.ndjson'], dir).stdout).toBe(
      'stored 12,001 deployments, 0 incidents, 0 pull requests, 0 commits from 1 file\n',
    )
    expect(await storeRows(dir, 'select count(*) as n from deployments')).toEqual([{ n: 12_001 }])
    // The data version moves once per committed write transaction: three slices.
    expect((await version()) - before).toBe(3)
  }, 60_000)

  test('a file with one bad line stores nothing and names the line and field', async () => {
    ndjson(join(dir, 'good.ndjson'), [deployment('ok-1')])
    const lines = [
      deployment('d1'),
      deployment('d2'),
      deployment('d3', { finishedAt: 'yesterday' }),
      deployment('d4'),
    ]
    writeFileSync(join(dir, 'bad.ndjson'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
    engops(['ingest', 'events', 'good.ndjson'], dir)
    const before = await snapshot()
    const result = engops(['ingest', 'events', 'bad.ndjson'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('bad.ndjson: 1 invalid record; nothing from this file was stored')
    expect(result.stderr).toContain('bad.ndjson:3: finishedAt: expected an ISO 8601 time, got "yesterday"')
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(await snapshot()).toEqual(before)
  })

  test('incident response and postmortems, and the newer event families, round-trip through the store', async () => {
    ndjson(join(dir, 'ops.ndjson'), [
      {
        type: 'incident',
        id: 'i9',
        services: ['storefront'],
        severity: 'SEV-1',
        detectedAt: '2025-03-01T10:00:00Z',
        mitigatedAt: '2025-03-01T10:20:00Z',
        resolvedAt: '2025-03-01T11:00:00Z',
        roles: [{ role: 'incident-commander', person: 'ana' }],
        statusUpdates: [{ at: '2025-03-01T10:10:00Z', audience: 'exec' }],
        postmortem: {
          status: 'reviewed',
          completedAt: '2025-03-03T10:00:00Z',
          rootCause: 'config push',
          actionItems: [{ title: 'Add canary', owner: 'ana', due: '2025-03-20', done: true }],
        },
      },
      {
        type: 'pipeline_run',
        id: 'run-1',
        repo: 'shop',
        workflow: 'ci',
        result: 'failure',
        startedAt: '2025-03-01T09:00:00Z',
        finishedAt: '2025-03-01T09:06:00Z',
      },
      {
        type: 'pipeline_run',
        id: 'run-1',
        attempt: 2,
        repo: 'shop',
        workflow: 'ci',
        result: 'success',
        startedAt: '2025-03-01T09:10:00Z',
        finishedAt: '2025-03-01T09:15:00Z',
      },
      { type: 'vulnerability', id: 'CVE-1', service: 'storefront', severity: 'high', foundAt: '2025-03-01' },
      { type: 'feature_flag', flag: 'new-cart', service: 'storefront', createdAt: '2025-01-01' },
      { type: 'measurement', kpi: 'alert_precision', team: 'web', at: '2025-03-01', value: 0.93 },
    ])
    const result = engops(['ingest', 'events', 'ops.ndjson'], dir)
    expect(result.stdout).toContain(
      '1 incident, 0 pull requests, 0 commits, 2 pipeline_run, 1 vulnerability, 1 feature_flag, 1 measurement',
    )
    const rows = await snapshot()
    expect(rows.incidents).toMatchObject([
      {
        id: 'i9',
        mitigated_at: Date.parse('2025-03-01T10:20:00Z'),
        roles: '[{"role":"incident-commander","person":"ana"}]',
        status_updates: `[{"at":${Date.parse('2025-03-01T10:10:00Z')},"audience":"exec"}]`,
      },
    ])
    expect(JSON.parse((rows.incidents as { postmortem: string }[])[0]!.postmortem)).toMatchObject({
      status: 'reviewed',
      actionItems: [{ title: 'Add canary', done: true, due: Date.parse('2025-03-20T00:00:00Z') }],
    })
    expect((rows.records as { id: string }[]).map((r) => r.id).sort()).toEqual([
      'CVE-1',
      'alert_precision:web:1740787200000',
      'run-1#1',
      'run-1#2',
      'storefront:new-cart',
    ])
  })

  test('a bad row of a newer family is reported by line and field, and nothing is stored', async () => {
    ndjson(join(dir, 'runs.ndjson'), [
      {
        type: 'pipeline_run',
        id: 'r1',
        repo: 'shop',
        workflow: 'ci',
        result: 'success',
        startedAt: '2025-03-01T09:00:00Z',
        finishedAt: '2025-03-01T09:05:00Z',
      },
      {
        type: 'pipeline_run',
        id: 'r2',
        repo: 'shop',
        workflow: 'ci',
        result: 'flaky',
        startedAt: '2025-03-01T09:00:00Z',
        finishedAt: '2025-03-01T09:05:00Z',
        attempt: 0,
      },
    ])
    const result = engops(['ingest', 'events', 'runs.ndjson'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('runs.ndjson:2: result:')
    expect(result.stderr).toContain('runs.ndjson:2: attempt:')
    expect((await snapshot()).records).toEqual([])
  })

  test('several files are one transaction: a bad second file keeps the first out too', () => {
    ndjson(join(dir, 'one.ndjson'), [deployment('d1')])
    ndjson(join(dir, 'two.ndjson'), [{ type: 'deploy', id: 'x' }])
    const result = engops(['ingest', 'events', 'one.ndjson', 'two.ndjson'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('two.ndjson:1: type: unknown event type "deploy"')
    const counts = engops(['ingest', 'events', 'one.ndjson'], dir)
    expect(counts.stdout).toContain('stored 1 deployment')
  })

  test('JSON arrays report the line each element starts on', () => {
    const text = `[\n  {"type": "deployment", "id": "a", "service": "storefront", "environment": "production",\n   "result": "success", "startedAt": "2025-03-01T10:00:00Z", "finishedAt": "2025-03-01T10:05:00Z", "sha": "abc"},\n  {"type": "incident", "id": "b", "services": [], "severity": "SEV-9",\n   "detectedAt": "2025-03-01T10:00:00Z"}\n]\n`
    writeFileSync(join(dir, 'events.json'), text)
    const result = engops(['ingest', 'events', 'events.json'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('events.json:4: services: an incident names at least one service')
    expect(result.stderr).toContain('events.json:4: severity:')
  })

  test('CSV with a type column: lists, JSON cells and empty cells', async () => {
    writeFileSync(
      join(dir, 'events.csv'),
      [
        'type,id,service,environment,result,startedAt,finishedAt,sha,kind,services,severity,detectedAt,resolvedAt,causeDeployment',
        'deployment,d1,storefront,production,success,2025-03-01T10:00:00Z,2025-03-01T10:05:00Z,abc,rollback,,,,,',
        'incident,i1,,,,,,,,"storefront;checkout",SEV-1,2025-03-01T11:00:00Z,2025-03-01T12:00:00Z,d1',
      ].join('\n'),
    )
    const result = engops(['ingest', 'events', 'events.csv'], dir)
    expect(result.stderr).toBe('')
    const rows = await snapshot()
    expect(rows.deployments).toMatchObject([{ id: 'd1', kind: 'rollback', labels: '[]' }])
    expect(rows.incidents).toMatchObject([
      { id: 'i1', services: '["storefront","checkout"]', cause_deployment: 'd1' },
    ])
  })
})

describe('engops ingest git', () => {
  test('reads commits with parents, identities, times, line counts and paths; tags become releases', async () => {
    const repo = join(dir, 'shop')
    const shas = makeRepo(repo, [
      { at: '2025-03-01T10:00:00Z', file: 'a.txt' },
      { at: '2025-03-02T10:00:00+02:00', file: 'b.txt', author: 'bob@example.com' },
    ])
    execFileSync('git', ['tag', '-a', 'v1.0.0', '-m', 'release', shas[1]!], {
      cwd: repo,
      env: {
        ...process.env,
        GIT_COMMITTER_DATE: '2025-03-03T00:00:00Z',
        GIT_COMMITTER_NAME: 'r',
        GIT_COMMITTER_EMAIL: 'r@x',
      },
    })
    const summary = engopsJson<{ streams: string[]; events: Record<string, number> }[]>(
      ['ingest', 'git', 'shop'],
      dir,
    )
    expect(summary).toMatchObject([
      {
        source: 'git',
        kind: 'git',
        streams: ['shop'],
        events: { commit: 2, tag: 1 },
        notes: [],
        incremental: false,
      },
    ])
    const rows = await snapshot()
    expect(rows.commits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          sha: shas[1],
          parents: shas[0],
          author_email: 'bob@example.com',
          authored_at: Date.parse('2025-03-02T08:00:00Z'),
          additions: 2,
          deletions: 0,
        }),
      ]),
    )
    expect(rows.commit_files).toContainEqual({
      repo: 'shop',
      sha: shas[1],
      path: 'b.txt',
      additions: 2,
      deletions: 0,
    })
    expect(rows.releases).toEqual([
      { repo: 'shop', name: 'v1.0.0', sha: shas[1], tagged_at: Date.parse('2025-03-03T00:00:00Z') },
    ])
  })

  test('a second run reads only new commits; --repo names the repository', async () => {
    const repo = join(dir, 'checkout-dir')
    makeRepo(repo, [{ at: '2025-03-01T10:00:00Z' }, { at: '2025-03-02T10:00:00Z' }])
    expect(engops(['ingest', 'git', 'checkout-dir', '--repo', 'shop'], dir).stdout).toContain(
      'shop: 2 commits, 0 tags',
    )
    const again = engops(['ingest', 'git', 'checkout-dir', '--repo', 'shop'], dir)
    expect(again.stdout).toContain('shop: 0 new commits')
    writeFileSync(join(repo, 'new.txt'), 'x\n')
    execFileSync('git', ['add', '-A'], { cwd: repo })
    execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@x', 'commit', '-qm', 'new'], { cwd: repo })
    expect(engops(['ingest', 'git', 'checkout-dir', '--repo', 'shop'], dir).stdout).toContain(
      'shop: 1 new commits, 0 tags; 1 of 1 authors are not people in the org file (a@x; engops people suggest drafts their entries)',
    )
    expect((await snapshot()).commits).toHaveLength(3)
  })

  test('pull request refs are not read', async () => {
    const repo = join(dir, 'shop')
    const shas = makeRepo(repo, [{ at: '2025-03-01T10:00:00Z' }, { at: '2025-03-02T10:00:00Z' }])
    // A PR head that is on no branch: refs/pull/1/head.
    execFileSync('git', ['update-ref', 'refs/pull/1/head', shas[1]!], { cwd: repo })
    execFileSync('git', ['reset', '-q', '--hard', shas[0]!], { cwd: repo })
    engops(['ingest', 'git', 'shop'], dir)
    expect((await snapshot()).commits).toHaveLength(1)
  })

  test('an unreadable object is survived: the commit is kept without line counts', async () => {
    const repo = join(dir, 'shop')
    const shas = makeRepo(repo, [
      { at: '2025-03-01T10:00:00Z', file: 'a.txt' },
      { at: '2025-03-02T10:00:00Z', file: 'b.txt' },
      { at: '2025-03-03T10:00:00Z', file: 'c.txt' },
    ])
    // Delete the blob that the middle commit added, as a broken partial clone would lack it.
    const blob = execFileSync('git', ['rev-parse', `${shas[1]}:b.txt`], {
      cwd: repo,
      encoding: 'utf8',
    }).trim()
    rmSync(join(repo, '.git', 'objects', blob.slice(0, 2), blob.slice(2)))
    expect(readdirSync(join(repo, '.git', 'objects', blob.slice(0, 2))).includes(blob.slice(2))).toBe(false)
    const result = engops(['ingest', 'git', 'shop'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'shop: 3 commits, 0 tags; 1 stored without line counts (unreadable objects)',
    )
    const commits = (await snapshot()).commits as { sha: string; additions: number | null }[]
    expect(commits).toHaveLength(3)
    const bySha = Object.fromEntries(commits.map((c) => [c.sha, c.additions]))
    expect(bySha[shas[0]!]).toBe(1)
    expect(bySha[shas[2]!]).toBe(3)
  })

  test('a blobless partial clone whose remote is gone: every commit is kept, the run finishes', async () => {
    const origin = join(dir, 'origin')
    makeRepo(
      origin,
      Array.from({ length: 40 }, (_, i) => ({
        at: `2025-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
        file: `f${i % 5}.txt`,
      })),
    )
    execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: origin })
    execFileSync('git', [
      'clone',
      '-q',
      '--filter=blob:none',
      '--no-checkout',
      `file://${origin}`,
      join(dir, 'shop'),
    ])
    rmSync(origin, { recursive: true, force: true })
    const result = engops(['ingest', 'git', 'shop'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'shop: 40 commits, 0 tags; 40 stored without line counts (unreadable objects)',
    )
    const commits = (await snapshot()).commits as { additions: number | null; parents: string }[]
    expect(commits).toHaveLength(40)
    expect(commits.every((c) => c.additions === null)).toBe(true)
    expect(commits.filter((c) => c.parents === '')).toHaveLength(1)
  })

  test('a bare mirror kept as <name>/repo is named by its folder; a repository no service lists is said at ingest', () => {
    const work = join(dir, 'work')
    makeRepo(work, [{ at: '2025-03-01T10:00:00Z' }, { at: '2025-03-02T10:00:00Z' }])
    execFileSync('git', ['clone', '-q', '--mirror', work, join(dir, 'express', 'repo')])
    const result = engops(['ingest', 'git', join('express', 'repo')], dir)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(
      'express: 2 commits, 0 tags; no service lists the repository "express" (the services list shop): give its name with --repo NAME (or repo: in the source), or add "express" to a service\'s repositories, or its commits count for no service',
    )
    // Named as a service lists it, nothing is said.
    const named = engops(['ingest', 'git', join('express', 'repo'), '--repo', 'shop'], dir)
    expect(named.stdout).not.toContain('no service lists')
  })

  test('a path that is not a repository is a clear error and stores nothing', async () => {
    const repo = join(dir, 'shop')
    makeRepo(repo, [{ at: '2025-03-01T10:00:00Z' }])
    const result = engops(['ingest', 'git', 'shop', 'missing'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('missing: no such directory')
    expect((await snapshot()).commits).toHaveLength(0)
  })
})

describe('engops ingest tags', () => {
  test('version tags with or without v become production deployments; pre-releases and other tags are counted out', async () => {
    const repo = join(dir, 'shop')
    const shas = makeRepo(repo, [{ at: '2025-03-01T10:00:00Z' }, { at: '2025-03-05T10:00:00Z' }])
    const tag = (name: string, sha: string) => execFileSync('git', ['tag', name, sha], { cwd: repo })
    tag('v1.0.0', shas[0]!)
    tag('1.1.0', shas[1]!) // as express names its 4.x releases
    tag('v1.2.0-rc.1', shas[1]!)
    tag('nightly-1', shas[1]!)
    const result = engops(['ingest', 'tags', 'shop', '--service', 'storefront'], dir)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe(
      'shop: 2 new commits; 2 of 4 tags as deployments of storefront; left out: 1 not a version, 1 pre-release',
    )
    const deployments = (await snapshot()).deployments as {
      id: string
      environment: string
      result: string
      sha: string
      finished_at: number
    }[]
    expect(deployments.map((d) => [d.id, d.sha, d.environment, d.result, d.finished_at])).toEqual([
      ['shop:1.1.0', shas[1], 'production', 'success', Date.parse('2025-03-05T10:00:00Z')],
      ['shop:v1.0.0', shas[0], 'production', 'success', Date.parse('2025-03-01T10:00:00Z')],
    ])
    const dora = engopsJson<DoraJson>(['metrics', 'dora', '--from', '2025-03-01', '--to', '2025-03-08'], dir)
    expect(dora.deploymentFrequency.deployments).toBe(2)
    // v1.0.0 is the first deployment (its commit is inside the look-back); 1.1.0 ships commit 2 at once.
    expect(dora.leadTime).toMatchObject({ n: 2, medianSeconds: 0 })

    const tags = (...args: string[]) =>
      engops(['ingest', 'tags', 'shop', '--service', 'storefront', ...args], dir)
        .stdout.trim()
        .replace(/^shop: 0 new commits; /, '')
    // Several patterns, each kept; braces; pre-releases on request; exclusions; any tag.
    expect(tags('--pattern', 'v*', '--pattern', '1.*')).toBe(
      '2 of 4 tags as deployments of storefront; left out: 1 not matching the patterns, 1 pre-release',
    )
    expect(tags('--pattern', 'v{1.0.0,1.2.0-rc.1}', '--prereleases')).toBe(
      '2 of 4 tags as deployments of storefront; left out: 2 not matching the patterns',
    )
    expect(tags('--exclude', '1.1.*')).toBe(
      '1 of 4 tags as deployments of storefront; left out: 1 excluded, 1 not a version, 1 pre-release',
    )
    expect(tags('--any-tag', '--pattern', 'nightly-*')).toBe(
      '1 of 4 tags as deployments of storefront; left out: 3 not matching the patterns',
    )
  })

  test('an unknown service is refused before anything is read', () => {
    makeRepo(join(dir, 'shop'), [{ at: '2025-03-01T10:00:00Z' }])
    const result = engops(['ingest', 'tags', 'shop', '--service', 'nope'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('unknown service "nope"')
  })
})
