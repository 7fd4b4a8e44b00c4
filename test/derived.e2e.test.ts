/**
 * Derived facts kept at ingest (engine/derived.ts) against the definitions they stand for:
 * - whatever order and batches the events arrive in (late commits, late pull requests, incidents
 *   naming old deployments, hotfixes after their predecessor), the rows kept at ingest equal the
 *   rows `engops rebuild` derives from the events;
 * - DORA read from a period's derived rows equals DORA computed by the pure rules of metrics/
 *   over the whole history (attribution, failure links, then the metrics), for the org and per
 *   service.
 * Random histories on a real store (SQLite, or PostgreSQL in the suite's second run).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import { toRecords } from '../src/ingest/events.js'
import { benchmarkProfile } from '../src/metrics/benchmarks.js'
import { attributeChanges } from '../src/metrics/change-attribution.js'
import { computeDora, linkFailures } from '../src/metrics/dora.js'
import { parseEventText } from '../src/model/event-text.js'
import { DAY, HOUR } from '../src/model/time.js'
import { engops, storeFor, storeRows, tempDir } from './helpers.js'

const CONFIG = `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: shop, owner: web, tier: 1, repositories: [shop] }
  - { id: api, owner: web, tier: 2, repositories: [{ name: mono, paths: [api/] }] }
  - { id: ui, owner: web, tier: 2, repositories: [{ name: mono, paths: [ui/] }] }
`
const SERVICES = ['shop', 'api', 'ui'] as const
const T0 = Date.UTC(2025, 2, 1)
const iso = (ms: number) => new Date(ms).toISOString()

type Event = Record<string, unknown>

/** A history: commits with merges, pull requests (merged and squashed), deployments, incidents. */
const historyArb = fc
  .record({
    shop: fc.array(fc.boolean(), { minLength: 2, maxLength: 10 }),
    mono: fc.array(
      fc.record({ merge: fc.boolean(), files: fc.subarray(['api/a.ts', 'ui/b.ts', 'README.md']) }),
      { minLength: 2, maxLength: 10 },
    ),
    pullRequests: fc.array(fc.record({ at: fc.nat(40), squash: fc.boolean() }), { maxLength: 6 }),
    deployments: fc.array(
      fc.record({
        service: fc.constantFrom(...SERVICES),
        at: fc.nat(40),
        delay: fc.integer({ min: 1, max: 30 }),
        failed: fc.constantFrom(false, false, false, true),
        kind: fc.constantFrom('regular', 'regular', 'hotfix', 'rollback'),
        staging: fc.constantFrom(false, false, false, true),
      }),
      { minLength: 3, maxLength: 12 },
    ),
    incidents: fc.array(
      fc.record({
        services: fc.subarray([...SERVICES], { minLength: 1 }),
        at: fc.integer({ min: 0, max: 60 }),
        cause: fc.constantFrom('deployment', 'sha', 'none'),
        pick: fc.nat(100),
        resolved: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map(buildHistory)
  // Late data: the same events in any order; or as they happened, where facts are extended.
  .chain((events) =>
    fc.oneof(
      fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      fc.constant([...events].sort((a, b) => happenedAt(a) - happenedAt(b))),
    ),
  )

/** When an event happened: a commit when committed, a deployment when it finished, and so on. */
function happenedAt(event: Event): number {
  const at = event.committedAt ?? event.finishedAt ?? event.mergedAt ?? event.detectedAt ?? event.createdAt
  return Date.parse(String(at))
}

function buildHistory(spec: {
  shop: boolean[]
  mono: { merge: boolean; files: string[] }[]
  pullRequests: { at: number; squash: boolean }[]
  deployments: {
    service: (typeof SERVICES)[number]
    at: number
    delay: number
    failed: boolean
    kind: string
    staging: boolean
  }[]
  incidents: { services: string[]; at: number; cause: string; pick: number; resolved: boolean }[]
}): Event[] {
  const events: Event[] = []
  const shas: Record<string, { sha: string; at: number }[]> = { shop: [], mono: [] }
  const commit = (repo: string, sha: string, parents: string[], at: number, files: string[] = []) => {
    events.push({
      type: 'commit',
      repo,
      sha,
      parents,
      author: 'ana@example.com',
      authoredAt: iso(at - HOUR),
      committedAt: iso(at),
      files,
    })
  }
  const line = (repo: string, merges: boolean[], filesOf: (i: number) => string[]) => {
    for (let i = 0; i < merges.length; i++) {
      const at = T0 + i * 6 * HOUR
      const sha = `${repo}${String(i).padStart(3, '0')}`.padEnd(40, '0')
      const parents = i === 0 ? [] : [shas[repo]![i - 1]!.sha]
      if (merges[i] && i >= 2) {
        // A side commit off two back, merged here: the merge is no change, the side commit is.
        const side = `${repo}s${String(i).padStart(3, '0')}`.padEnd(40, '0')
        commit(repo, side, [shas[repo]![i - 2]!.sha], at - 2 * HOUR, filesOf(i))
        parents.push(side)
      }
      commit(repo, sha, parents, at, filesOf(i))
      shas[repo]!.push({ sha, at })
    }
  }
  line('shop', spec.shop, () => [])
  line(
    'mono',
    spec.mono.map((m) => m.merge),
    (i) => spec.mono[i]?.files ?? [],
  )
  spec.pullRequests.forEach((pr, n) => {
    const repo = n % 2 === 0 ? 'shop' : 'mono'
    const list = shas[repo]!
    const target = list[pr.at % list.length]!
    const earlier = list[Math.max(0, (pr.at % list.length) - 1)]!
    events.push({
      type: 'pull_request',
      repo,
      number: n + 1,
      author: 'ana@example.com',
      createdAt: iso(target.at - 5 * HOUR),
      mergedAt: iso(target.at),
      mergeSha: target.sha,
      headSha: target.sha,
      // A squash merge names its original commits: the earlier one replaces the merge as the change.
      commits: pr.squash ? [earlier.sha] : [target.sha],
      reviews: [{ author: 'bob', state: 'approved', at: iso(target.at - 2 * HOUR) }],
    })
  })
  const deploymentIds: string[] = []
  spec.deployments.forEach((d, n) => {
    const list = shas[d.service === 'shop' ? 'shop' : 'mono']!
    const target = list[d.at % list.length]!
    const id = `${d.service}-${n}`
    deploymentIds.push(id)
    events.push({
      type: 'deployment',
      id,
      service: d.service,
      environment: d.staging ? 'staging' : 'production',
      result: d.failed ? 'failure' : 'success',
      startedAt: iso(target.at + d.delay * HOUR - 600_000),
      finishedAt: iso(target.at + d.delay * HOUR),
      sha: target.sha,
      kind: d.kind,
    })
  })
  spec.incidents.forEach((incident, n) => {
    const detected = T0 + incident.at * 4 * HOUR
    const all = [...shas.shop!, ...shas.mono!]
    events.push({
      type: 'incident',
      id: `inc-${n}`,
      services: incident.services,
      severity: 'SEV2',
      detectedAt: iso(detected),
      ...(incident.resolved ? { resolvedAt: iso(detected + 3 * HOUR) } : {}),
      ...(incident.cause === 'deployment' && deploymentIds.length > 0
        ? { causeDeployment: deploymentIds[incident.pick % deploymentIds.length] }
        : {}),
      ...(incident.cause === 'sha' ? { causeSha: all[incident.pick % all.length]!.sha } : {}),
    })
  })
  return events
}

/** The derived tables, every row, in a stable order. */
async function derivedRows(dir: string) {
  return {
    shipped: await storeRows(
      dir,
      'select source, id, service, environment, finished_at, repo, is_first, changes, pull_requests, rework_reason, rework_ref from shipped_deployments order by source, id',
    ),
    causes: await storeRows(
      dir,
      'select incident_source, incident_id, position, service, deployment_source, deployment_id, reason from incident_causes order by incident_source, incident_id, position, deployment_source, deployment_id',
    ),
    commits: await storeRows(
      dir,
      'select service, repo, sha, deployment_source, deployment_id from shipped_commits order by service, repo, sha',
    ),
    pullRequests: await storeRows(
      dir,
      'select service, environment, pull_request from shipped_pull_requests order by service, environment, pull_request',
    ),
  }
}

/** DORA by the pure rules over the whole history, as engops computed it before facts were kept. */
function wholeHistoryDora(
  engine: Engine,
  events: Event[],
  period: { from: number; to: number },
  scope: string | null,
) {
  const batch = toRecords(
    parseEventText(events.map((e) => JSON.stringify(e)).join('\n'), 'history'),
    'events',
  )
  const services = engine.org.services.map((s) => ({
    id: s.id,
    repositories: s.repositories.map((r) => (typeof r === 'string' ? { name: r, paths: [] } : r)),
  }))
  const files = new Map<string, string[]>()
  for (const f of batch.commitFiles)
    files.set(`${f.repo}\0${f.sha}`, [...(files.get(`${f.repo}\0${f.sha}`) ?? []), f.path])
  const attribution = attributeChanges(
    services,
    batch.deployments,
    batch.commits.map(({ commit }) => commit),
    [...batch.pullRequests].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
    (repo, sha) => files.get(`${repo}\0${sha}`),
    { isProduction: (env) => env === 'production', firstDeploymentLookbackMs: 14 * DAY },
  )
  const incidents = [...batch.incidents].sort((a, b) => a.detectedAt - b.detectedAt || (a.id < b.id ? -1 : 1))
  const links = linkFailures(attribution, incidents, services, 24 * HOUR)
  return computeDora({
    period,
    timeZone: 'UTC',
    profile: benchmarkProfile('default')!,
    scope: scope === null ? null : new Set([scope]),
    attribution,
    links,
    incidents,
    sameAuthor: (a, b) => a === b,
    explain: false,
  }).summary
}

let dir: string
let cleanup: () => void

beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
})
afterAll(() => cleanup())

describe('derived facts', () => {
  test('kept at ingest in any order and batching equal a rebuild, and DORA equals the whole-history rules', async () => {
    let run = 0
    // What the histories exercised, so that a generator gone dull fails the test.
    const seen = { deployments: 0, changes: 0, failed: 0, restored: 0, unmatched: 0, extended: 0, whole: 0 }
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.constantFrom(1, 3, 1000, 1000),
        fc.boolean(),
        async (events, batches, deferred) => {
          const runDir = join(dir, `run-${run++}`)
          mkdirSync(runDir, { recursive: true })
          writeFileSync(join(runDir, 'engops.yaml'), CONFIG)
          // Deferred as a source read defers it, then derived a service (or round) per transaction;
          // else each write derives what it marked before it commits (within the default slice).
          const engine = await Engine.open({
            config: join(runDir, 'engops.yaml'),
            db: storeFor(runDir),
            ...(deferred ? { derivationSliceMs: 0 } : {}),
          })
          try {
            // In one transaction, a few, or one event at a time.
            const size = Math.max(1, Math.ceil(events.length / batches))
            const ingest = async () => {
              for (let start = 0; start < events.length; start += size) {
                const text = events
                  .slice(start, start + size)
                  .map((event) => JSON.stringify(event))
                  .join('\n')
                await engine.ingestText(text, `batch-${start}`)
              }
            }
            await (deferred ? engine.deferringDerivation(ingest) : ingest())
            // Every write derived what it marked: nothing is left to derive.
            expect(await storeRows(runDir, 'select service, "full" from derived_dirty')).toEqual([])
            const kept = await derivedRows(runDir)
            seen.extended += engine.derivations.extended
            seen.whole += engine.derivations.whole
            await engine.rebuild()
            expect(await derivedRows(runDir)).toEqual(kept)

            const period = { from: T0, to: T0 + 20 * DAY }
            for (const scope of [null, ...SERVICES]) {
              const answer = await engine.dora({
                from: iso(period.from),
                to: iso(period.to),
                ...(scope ? { service: scope } : {}),
              })
              const expected = wholeHistoryDora(engine, events, period, scope)
              expect(answer.summary).toEqual(expected)
              if (scope === null) {
                seen.deployments += expected.deploymentFrequency.deployments
                seen.changes += expected.leadTime.n
                seen.failed += expected.changeFailureRate.failed
                seen.restored += expected.failedDeploymentRecoveryTime.n
                seen.unmatched += expected.dataQuality.incidentsWithUnmatchedCause
              }
            }
          } finally {
            await engine.close()
          }
        },
      ),
      { numRuns: 40, seed: 20261202 },
    )
    // Both ways of keeping the facts: extended from where they stood, and derived whole.
    expect(seen.extended).toBeGreaterThan(100)
    expect(seen.whole).toBeGreaterThan(100)
    expect(seen.deployments).toBeGreaterThan(50)
    expect(seen.changes).toBeGreaterThan(50)
    expect(seen.failed).toBeGreaterThan(10)
    expect(seen.restored).toBeGreaterThan(3)
    expect(seen.unmatched).toBeGreaterThan(0)
  }, 240_000)

  test('engops rebuild derives every service again and says so; the numbers stay', () => {
    const project = join(dir, 'cli')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'engops.yaml'), CONFIG)
    const events = buildHistory({
      shop: [false, false, true, false],
      mono: [
        { merge: false, files: ['api/a.ts'] },
        { merge: false, files: ['ui/b.ts'] },
      ],
      pullRequests: [{ at: 3, squash: true }],
      deployments: [
        { service: 'shop', at: 1, delay: 2, failed: false, kind: 'regular', staging: false },
        { service: 'shop', at: 3, delay: 2, failed: false, kind: 'regular', staging: false },
        { service: 'shop', at: 3, delay: 4, failed: false, kind: 'hotfix', staging: false },
      ],
      incidents: [],
    })
    writeFileSync(join(project, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'))
    expect(engops(['ingest', 'events', 'events.ndjson'], project).code).toBe(0)
    const before = engops(
      ['metrics', 'dora', '--from', '2025-03-01', '--to', '2025-03-21', '--json'],
      project,
    )
    const rebuilt = engops(['rebuild'], project)
    expect(rebuilt.code).toBe(0)
    expect(rebuilt.stdout).toMatch(/^derived 3 services again: 3 production deployments \(\d+\.\d s\)\n$/)
    const json = engops(['rebuild', '--json'], project)
    expect(JSON.parse(json.stdout)).toMatchObject({ services: 3, shippedDeployments: 3 })
    const after = engops(['metrics', 'dora', '--from', '2025-03-01', '--to', '2025-03-21', '--json'], project)
    expect(after.stdout).toBe(before.stdout)
    // The hotfix after the second shop deployment marks the second failed, not the first.
    const summary = JSON.parse(after.stdout)
    expect(summary.changeFailureRate).toMatchObject({ deployments: 3, failed: 1 })
  })

  test('a deployment labelled a hotfix after it was stored fails the one before it', async () => {
    const project = join(dir, 'relabelled')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'engops.yaml'), CONFIG)
    const deployment = (id: string, at: string, labels: string[]) =>
      JSON.stringify({
        type: 'deployment',
        id,
        service: 'shop',
        environment: 'production',
        result: 'success',
        startedAt: at,
        finishedAt: at,
        sha: `${id}`.padEnd(40, '0'),
        labels,
      })
    const engine = await Engine.open({ config: join(project, 'engops.yaml'), db: storeFor(project) })
    try {
      const failed = async () =>
        (await engine.dora({ from: '2025-03-01', to: '2025-04-01' })).summary.changeFailureRate.failed
      await engine.ingestText(
        [deployment('a1', '2025-03-02T10:00:00Z', []), deployment('a2', '2025-03-03T10:00:00Z', [])].join(
          '\n',
        ),
        'first',
      )
      expect(await failed()).toBe(0)
      await engine.ingestText(deployment('a2', '2025-03-03T10:00:00Z', ['hotfix']), 'relabel')
      expect(await failed()).toBe(1)
      const kept = await derivedRows(project)
      await engine.rebuild()
      expect(await derivedRows(project)).toEqual(kept)
    } finally {
      await engine.close()
    }
  })

  test('a period reads only its pull requests, yet knows the older ones exist', () => {
    const project = join(dir, 'by-period')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'engops.yaml'), CONFIG)
    const pr = (number: number, merged: string, reviewed: string) => ({
      type: 'pull_request',
      repo: 'shop',
      number,
      author: 'ana@example.com',
      createdAt: '2025-03-01T09:00:00Z',
      mergedAt: merged,
      reviews: [{ author: 'bob', state: 'approved', at: reviewed }],
    })
    const events = [
      // Merged in March: outside May, but the scope has pull requests before May's end.
      pr(1, '2025-03-02T09:00:00Z', '2025-03-01T12:00:00Z'),
      // Opened in March, first reviewed in May (10 days in), merged in June.
      pr(2, '2025-06-03T09:00:00Z', '2025-05-11T09:00:00Z'),
    ]
    writeFileSync(join(project, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'))
    expect(engops(['ingest', 'events', 'events.ndjson'], project).code).toBe(0)
    const kpis = (from: string, to: string) => {
      const answer = JSON.parse(
        engops(['kpis', '--team', 'web', '--from', from, '--to', to, '--json'], project).stdout,
      ) as { kpis: { id: string; value: number | null; n: number }[] }
      return (id: string) => answer.kpis.find((k) => k.id === id)
    }
    const may = kpis('2025-05-01', '2025-06-01')
    // None merged in May, and that is a zero, not "no pull requests ingested".
    expect(may('prs_per_engineer_week')?.value).toBe(0)
    // #2's first review, 71 days after it opened, falls in May.
    expect(may('review_turnaround_p50')).toMatchObject({ value: 71 * 24 * 3600, n: 1 })
    // July reads no pull request at all (none merged or reviewed since), and still knows of them.
    expect(kpis('2025-07-01', '2025-08-01')('prs_per_engineer_week')?.value).toBe(0)
  })

  test("a period's CI runs carry every attempt of the runs it judges, whenever they ran", async () => {
    const project = join(dir, 'runs-by-period')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'engops.yaml'), CONFIG)
    const run = (id: string, attempt: number, result: string, finished: string) => ({
      type: 'pipeline_run',
      id,
      attempt,
      repo: 'shop',
      workflow: 'ci',
      result,
      startedAt: iso(Date.parse(finished) - 10 * 60_000),
      finishedAt: finished,
    })
    const events = [
      // Failed on Jan 31, green on retry on Feb 1: one flaky run of February.
      run('r1', 1, 'failure', '2025-01-31T23:00:00Z'),
      run('r1', 2, 'success', '2025-02-01T01:00:00Z'),
      // January only.
      run('r2', 1, 'success', '2025-01-15T12:00:00Z'),
      // Failed in February, retried green in March (then again): a run of March, not February.
      run('r3', 1, 'failure', '2025-02-10T12:00:00Z'),
      run('r3', 2, 'failure', '2025-03-02T12:00:00Z'),
      run('r3', 3, 'success', '2025-03-03T12:00:00Z'),
      // Attempts 1 and 3 in February, 2 in January: a flaky run of February.
      run('r4', 1, 'failure', '2025-02-05T12:00:00Z'),
      run('r4', 2, 'failure', '2025-01-20T12:00:00Z'),
      run('r4', 3, 'success', '2025-02-06T12:00:00Z'),
    ]
    const engine = await Engine.open({ config: join(project, 'engops.yaml'), db: storeFor(project) })
    try {
      await engine.ingestText(events.map((e) => JSON.stringify(e)).join('\n'), 'runs')
      const february = { from: Date.UTC(2025, 1, 1), to: Date.UTC(2025, 2, 1) }
      const around = (await engine.runsAround(february)).all.map((r) => `${r.id}#${r.attempt}`)
      expect(around.sort()).toEqual(['r1#1', 'r1#2', 'r3#1', 'r3#2', 'r3#3', 'r4#1', 'r4#2', 'r4#3'])
      const kpis = await engine.kpis({ from: '2025-02-01', to: '2025-03-01' })
      const dx = kpis.board.dx
      // Judged in February: r1 and r4 (last attempts there), both flaky; durations of the four
      // attempts that finished in February.
      expect(dx).toMatchObject({ runs: 2, flaky: 2, failed: 0, builds: { n: 4 } })
      const march = await engine.kpis({ from: '2025-03-01', to: '2025-04-01' })
      expect(march.board.dx).toMatchObject({ runs: 1, flaky: 1, failed: 0, builds: { n: 2 } })
    } finally {
      await engine.close()
    }
  })
})
