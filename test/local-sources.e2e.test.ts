/**
 * git and event files behind the connector interface: `kind: git` and `kind: files` sources of
 * `engops sync`, with paths relative to the org file, read exactly as `engops ingest` reads them.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  engops,
  engopsJson,
  MINIMAL_CONFIG,
  makeRepo,
  ndjson,
  storeCounts,
  storeRows,
  tempDir,
} from './helpers.js'

let dir: string
let cleanup: () => void
let shas: string[]

const SOURCES = `
sources:
  - id: shop-git
    kind: git
    path: repos/shop
    releaseTags: { service: storefront, pattern: 'v*' }
  - id: exports
    kind: files
    paths: [exports/deployments.ndjson]
    source: deploy-tool
`

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  mkdirSync(join(dir, 'org'))
  mkdirSync(join(dir, 'org', 'repos'))
  mkdirSync(join(dir, 'org', 'exports'))
  writeFileSync(join(dir, 'org', 'engops.yaml'), MINIMAL_CONFIG + SOURCES)
  shas = makeRepo(join(dir, 'org', 'repos', 'shop'), [
    { at: '2025-03-01T10:00:00Z' },
    { at: '2025-03-02T10:00:00Z' },
  ])
  execFileSync('git', ['tag', 'v1.0.0', shas[1] as string], { cwd: join(dir, 'org', 'repos', 'shop') })
  ndjson(join(dir, 'org', 'exports', 'deployments.ndjson'), [
    {
      type: 'deployment',
      id: 'D1',
      service: 'storefront',
      environment: 'production',
      result: 'success',
      startedAt: '2025-03-02T11:00:00Z',
      finishedAt: '2025-03-02T11:05:00Z',
      sha: shas[1],
    },
  ])
})
afterEach(() => cleanup())

type Summary = { source: string; events: Record<string, number>; incremental: boolean; error: string | null }

describe('local sources through engops sync', () => {
  test('git and files sources read relative to the org file, from any working directory', async () => {
    const config = join(dir, 'org', 'engops.yaml')
    const first = engopsJson<Summary[]>(['--config', config, 'sync'], dir)
    expect(first).toMatchObject([
      { source: 'shop-git', events: { commit: 2, tag: 1, deployment: 1 }, incremental: false, error: null },
      { source: 'exports', events: { deployment: 1 }, error: null },
    ])
    const counts = await storeCounts(join(dir, 'org'))
    expect(counts).toMatchObject({ commits: 2, releases: 1, deployments: 2 })
    // The file's events are stored under the source the entry names; the tag deployment under "tags".
    const rows = await storeRows(join(dir, 'org'), 'select source, id from deployments order by source')
    expect(rows).toEqual([
      { source: 'deploy-tool', id: 'D1' },
      { source: 'tags', id: 'shop:v1.0.0' },
    ])
  })

  test('a second sync reads only new commits: the ref tips read last are the cursor', () => {
    const config = join(dir, 'org', 'engops.yaml')
    engopsJson<Summary[]>(['--config', config, 'sync', '--source', 'shop-git'], dir)
    const again = engopsJson<Summary[]>(['--config', config, 'sync', '--source', 'shop-git'], dir)
    expect(again).toMatchObject([
      { source: 'shop-git', events: { tag: 1, deployment: 1 }, incremental: true },
    ])
    expect(again[0]?.events.commit).toBeUndefined()
  })

  test('a git source whose path is wrong fails with the path; the other sources go on', () => {
    writeFileSync(
      join(dir, 'org', 'engops.yaml'),
      MINIMAL_CONFIG + SOURCES.replace('path: repos/shop', 'path: repos/nope'),
    )
    const result = engops(['--config', join(dir, 'org', 'engops.yaml'), 'sync', '--json'], dir)
    expect(result.code).toBe(1)
    const summaries = JSON.parse(result.stdout) as Summary[]
    expect(summaries[0]?.error).toBe('repos/nope: no such directory')
    expect(summaries[1]).toMatchObject({ source: 'exports', events: { deployment: 1 }, error: null })
  })
})
