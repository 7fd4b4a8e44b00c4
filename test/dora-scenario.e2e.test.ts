/**
 * The DORA numbers of a hand-built history, pinned exactly. Two real git repositories with fixed
 * dates, deployments and incidents as event files, the real CLI on a real temporary database.
 *
 * storefront (repo shop, team web), period 2025-03-01 .. 2025-04-01 (31 days):
 *   c0 2025-01-10 09:00  older than the first deployment's 14-day look-back: not a change
 *   c1 03-02 10:00  D1 03-03 12:00 (first deployment of the service)      lead 26 h
 *   c2 03-04 09:00, c3 03-04 15:00 (PR #1)
 *       D2 03-05 10:00 result=failure: not counted anywhere
 *       D3 03-05 12:00 ships c2 (27 h) and c3 (21 h)
 *       I1 SEV-2 03-05 14:00–15:30, causeDeployment D3 (explicit cause)
 *   c4 03-05 16:00  D4 hotfix 03-05 17:00 (1 h)   → D3 also failed by "hotfix"
 *   c5 03-10 09:00  D5 03-10 12:00 (3 h)
 *   c6 03-10 13:00  D6 hotfix 03-10 14:00 (1 h)   → D5 failed by "hotfix" (no incident)
 *   c7 03-12 09:00  D7 03-12 10:00 (1 h)
 *       I2 SEV-3 03-12 20:00–03-13 02:00, no cause: 10 h after D7, inside the 24 h window
 *   c8 03-14 09:00  D8 03-14 10:00 (1 h)
 *       I3 SEV-3 03-16 12:00–13:00, no cause: 50 h after D8, outside the window → nobody's failure
 *   c9 03-17 09:00  D9 03-17 11:00 (2 h)
 *       I4 SEV-1 03-19 09:00–09:30, causeSha c9 (46 h later: only the sha links it to D9)
 * billing (repo billing, team pay): b1 03-20 10:00, B1 03-20 12:00 (first deployment, 2 h);
 *       I5 SEV-4 03-20 13:00–14:00 no cause → window → B1 failed.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DoraJson } from '../src/engine/engine.js'
import { engops, engopsJson, makeRepo, ndjson, tempDir } from './helpers.js'

const H = 3600

let dir: string
let cleanup: () => void
let c: string[]
let b: string[]

beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
  const shop = join(dir, 'shop')
  const billing = join(dir, 'billing')
  c = makeRepo(shop, [
    { at: '2025-01-10T09:00:00Z' },
    { at: '2025-03-02T10:00:00Z' },
    { at: '2025-03-04T09:00:00Z', author: 'ana@example.com' },
    { at: '2025-03-04T15:00:00Z', author: 'ana@example.com' },
    { at: '2025-03-05T16:00:00Z', author: 'bob@example.com' },
    { at: '2025-03-10T09:00:00Z' },
    { at: '2025-03-10T13:00:00Z' },
    { at: '2025-03-12T09:00:00Z' },
    { at: '2025-03-14T09:00:00Z' },
    { at: '2025-03-17T09:00:00Z' },
  ])
  b = makeRepo(billing, [{ at: '2025-03-20T10:00:00Z', author: 'bob@example.com' }])
  writeFileSync(
    join(dir, 'engops.yaml'),
    `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
  - { id: bob, name: Bob Stone, emails: [bob@example.com], team: pay }
teams:
  - { id: web, name: Web, type: stream-aligned }
  - { id: pay, name: Payments, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
  - { id: billing, owner: pay, tier: 2, repositories: [billing] }
`,
  )
  const deploy = (id: string, sha: string, finished: string, extra: object = {}) => ({
    type: 'deployment',
    id,
    service: 'storefront',
    environment: 'production',
    result: 'success',
    startedAt: new Date(Date.parse(finished) - 10 * 60_000).toISOString(),
    finishedAt: finished,
    sha,
    ...extra,
  })
  ndjson(join(dir, 'deployments.ndjson'), [
    deploy('D1', c[1]!, '2025-03-03T12:00:00Z'),
    deploy('D2', c[3]!, '2025-03-05T10:00:00Z', { result: 'failure' }),
    deploy('D3', c[3]!, '2025-03-05T12:00:00Z'),
    deploy('D4', c[4]!, '2025-03-05T17:00:00Z', { kind: 'hotfix' }),
    deploy('D5', c[5]!, '2025-03-10T12:00:00Z'),
    deploy('D6', c[6]!, '2025-03-10T14:00:00Z', { kind: 'hotfix' }),
    deploy('D7', c[7]!, '2025-03-12T10:00:00Z'),
    deploy('D8', c[8]!, '2025-03-14T10:00:00Z'),
    deploy('D9', c[9]!, '2025-03-17T11:00:00Z'),
    deploy('B1', b[0]!, '2025-03-20T12:00:00Z', { service: 'billing' }),
  ])
  ndjson(join(dir, 'incidents.ndjson'), [
    {
      type: 'incident',
      id: 'I1',
      services: ['storefront'],
      severity: 'SEV-2',
      detectedAt: '2025-03-05T14:00:00Z',
      resolvedAt: '2025-03-05T15:30:00Z',
      causeDeployment: 'D3',
    },
    {
      type: 'incident',
      id: 'I2',
      services: ['storefront'],
      severity: 'SEV-3',
      detectedAt: '2025-03-12T20:00:00Z',
      resolvedAt: '2025-03-13T02:00:00Z',
    },
    {
      type: 'incident',
      id: 'I3',
      services: ['storefront'],
      severity: 'SEV-3',
      detectedAt: '2025-03-16T12:00:00Z',
      resolvedAt: '2025-03-16T13:00:00Z',
    },
    {
      type: 'incident',
      id: 'I4',
      services: ['storefront'],
      severity: 'SEV-1',
      detectedAt: '2025-03-19T09:00:00Z',
      resolvedAt: '2025-03-19T09:30:00Z',
      causeSha: c[9]!.slice(0, 12),
    },
    {
      type: 'incident',
      id: 'I5',
      services: ['billing'],
      severity: 'SEV-4',
      detectedAt: '2025-03-20T13:00:00Z',
      resolvedAt: '2025-03-20T14:00:00Z',
    },
  ])
  ndjson(join(dir, 'prs.ndjson'), [
    {
      type: 'pull_request',
      repo: 'shop',
      number: 1,
      author: 'ana@example.com',
      createdAt: '2025-03-04T16:00:00Z',
      mergedAt: '2025-03-05T09:00:00Z',
      mergeSha: c[3],
      commits: [c[2], c[3]],
      reviews: [
        { author: 'ana', at: '2025-03-04T17:00:00Z', state: 'commented' },
        { author: 'bob@example.com', at: '2025-03-04T18:00:00Z', state: 'approved' },
      ],
    },
  ])
  for (const args of [
    ['ingest', 'git', 'shop', 'billing'],
    ['ingest', 'events', 'deployments.ndjson', 'incidents.ndjson', 'prs.ndjson'],
  ]) {
    const result = engops(args, dir)
    if (result.code !== 0) throw new Error(result.stderr)
  }
})

afterAll(() => cleanup())

const PERIOD = ['--from', '2025-03-01', '--to', '2025-04-01']

describe('DORA on a hand-computed history', () => {
  test('storefront: every number and tier under the default profile', () => {
    const result = engopsJson<DoraJson>(['metrics', 'dora', '--service', 'storefront', ...PERIOD], dir)
    expect(result.period).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-04-01T00:00:00.000Z',
      days: 31,
    })
    expect(result.deploymentFrequency).toEqual({
      deployments: 8,
      perDay: 8 / 31,
      perWeek: (8 / 31) * 7,
      perMonth: (8 / 31) * (365.25 / 12),
      deployDays: 6,
      tier: 'high',
      covered: true,
    })
    // Changes c1..c9 (c0 is outside the first deployment's look-back):
    // 26h 27h 21h 1h 3h 1h 1h 1h 2h → sorted 1,1,1,1,2,3,21,26,27 h.
    expect(result.leadTime).toEqual({
      n: 9,
      medianSeconds: 2 * H,
      p90Seconds: 26 * H + 0.2 * H,
      tier: 'elite',
      stages: {
        coding: { n: 1, medianSeconds: 7 * H },
        pickup: { n: 1, medianSeconds: 2 * H },
        review: { n: 1, medianSeconds: 15 * H },
        deploy: { n: 1, medianSeconds: 3 * H },
      },
    })
    expect(result.changeFailureRate).toEqual({ deployments: 8, failed: 4, rate: 0.5, tier: 'low' })
    expect(result.timeToRestore).toEqual({
      n: 4,
      medianSeconds: 4500,
      tier: 'high',
      bySeverity: {
        'SEV-1': { n: 1, medianSeconds: 1800 },
        'SEV-2': { n: 1, medianSeconds: 5400 },
        'SEV-3': { n: 2, medianSeconds: 12600 },
        'SEV-4': { n: 0, medianSeconds: null },
      },
    })
    // I1: 15:30 − D3 12:00; I2: 03-13 02:00 − D7 03-12 10:00; I4: 03-19 09:30 − D9 03-17 11:00.
    expect(result.failedDeploymentRecoveryTime).toEqual({ n: 3, medianSeconds: 16 * H, tier: 'high' })
    expect(result.reworkRate).toEqual({ deployments: 8, rework: 2, rate: 0.25 })
  })

  test('explain names the reason for every failed deployment and skips the failed run', () => {
    const result = engopsJson<DoraJson>(
      ['metrics', 'dora', '--service', 'storefront', '--explain', ...PERIOD],
      dir,
    )
    const failures = Object.fromEntries(
      result.explain!.deployments.map((d: { id: string; failures: { reason: string; ref: string }[] }) => [
        d.id,
        d.failures.map((f) => `${f.reason}:${f.ref}`).sort(),
      ]),
    )
    expect(failures).toEqual({
      D1: [],
      D3: ['hotfix:D4', 'incident-cause:I1'],
      D4: [],
      D5: ['hotfix:D6'],
      D6: [],
      D7: ['incident-window:I2'],
      D8: [],
      D9: ['incident-sha:I4'],
    })
    const changes = result.explain!.changes.map(
      (ch: { sha: string; deployment: string }) => `${ch.sha}@${ch.deployment}`,
    )
    expect(changes).toContain(`${c[1]}@D1`)
    expect(changes).not.toContain(`${c[0]}@D1`)
    const i3 = result.explain!.incidents.find((i: { id: string }) => i.id === 'I3')
    expect(i3?.causedBy).toEqual([])
  })

  test('a team sees its own services; the org sees both', () => {
    const web = engopsJson<DoraJson>(['metrics', 'dora', '--team', 'web', ...PERIOD], dir)
    expect(web.deploymentFrequency.deployments).toBe(8)
    expect(web.scope).toEqual({ kind: 'team', id: 'web' })
    const pay = engopsJson<DoraJson>(['metrics', 'dora', '--team', 'pay', ...PERIOD], dir)
    expect(pay.deploymentFrequency.deployments).toBe(1)
    expect(pay.leadTime).toMatchObject({ n: 1, medianSeconds: 2 * H })
    expect(pay.changeFailureRate).toEqual({ deployments: 1, failed: 1, rate: 1, tier: 'low' })
    const org = engopsJson<DoraJson>(['metrics', 'dora', ...PERIOD], dir)
    expect(org.deploymentFrequency.deployments).toBe(9)
    expect(org.changeFailureRate).toEqual({ deployments: 9, failed: 5, rate: 5 / 9, tier: 'low' })
    expect(org.timeToRestore.n).toBe(5)
    // 1800, 3600, 3600, 5400, 21600 → median 3600.
    expect(org.timeToRestore.medianSeconds).toBe(3600)
  })

  test('the dora-2021 and dora-2023 profiles rate the same numbers differently', () => {
    const y2021 = engopsJson<DoraJson>(
      ['metrics', 'dora', '--service', 'storefront', '--profile', 'dora-2021', ...PERIOD],
      dir,
    )
    expect([
      y2021.deploymentFrequency.tier,
      y2021.leadTime.tier,
      y2021.changeFailureRate.tier,
      y2021.timeToRestore.tier,
    ]).toEqual(['high', 'high', 'low', 'high'])
    const y2023 = engopsJson<DoraJson>(
      ['metrics', 'dora', '--service', 'storefront', '--profile', 'dora-2023', ...PERIOD],
      dir,
    )
    expect([
      y2023.deploymentFrequency.tier,
      y2023.leadTime.tier,
      y2023.changeFailureRate.tier,
      y2023.timeToRestore.tier,
    ]).toEqual(['high', 'elite', 'low', 'high'])
  })

  test('the terminal view shows each metric with its tier', () => {
    const result = engops(['metrics', 'dora', '--service', 'storefront', ...PERIOD], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('DORA metrics — service storefront')
    expect(result.stdout).toMatch(/\[high\]\s+Deployment frequency\s+1\.8\/week \(8 deploys, 6 deploy-days\)/)
    expect(result.stdout).toMatch(/\[elite\]\s+Lead time for changes\s+median 2\.0 h/)
    expect(result.stdout).toMatch(/\[low\]\s+Change failure rate\s+50\.0% \(4 of 8 deployments\)/)
    const explained = engops(['metrics', 'dora', '--service', 'storefront', '--explain', ...PERIOD], dir)
    expect(explained.stdout).toMatch(
      /D3 .*FAILED: incident-cause I1, hotfix D4|D3 .*FAILED: hotfix D4, incident-cause I1/,
    )
  })

  test('unknown teams and bad dates are clear usage errors', () => {
    const team = engops(['metrics', 'dora', '--team', 'nope'], dir)
    expect(team.code).toBe(2)
    expect(team.stderr).toContain('unknown team "nope" (teams: web, pay)')
    const date = engops(['metrics', 'dora', '--from', '2025-13-01'], dir)
    expect(date.code).toBe(2)
    expect(date.stderr).toContain('--from "2025-13-01" is not a date')
    expect(date.stderr).not.toContain('    at ')
  })
})
