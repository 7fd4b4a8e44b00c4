/**
 * Statuspage: `engops sync` against a local page answering `/api/v2/incidents.json` in the shape of
 * Atlassian Statuspage's public API (after one 500), and `engops import statuspage` of archived
 * incident documents with a postmortem. Reliability figures from the page equal those from the
 * same facts as NDJSON.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, engopsAsync, ndjson, storeRows, tempDir } from './helpers.js'

const PAGE = {
  id: 'kctbh9vrtdwd',
  name: 'GitHub',
  url: 'https://www.githubstatus.com',
  time_zone: 'Etc/UTC',
  updated_at: '2025-03-21T09:00:00.000Z',
}

const component = (id: string, name: string) => ({
  id,
  name,
  status: 'operational',
  created_at: '2017-01-31T20:05:05.370Z',
  updated_at: '2025-03-20T12:00:00.000Z',
  position: 1,
  description: null,
  showcase: false,
  start_date: null,
  group_id: null,
  page_id: PAGE.id,
  group: false,
  only_show_if_degraded: false,
})

const update = (incident: string, n: number, status: string, at: string, affected: string[] = []) => ({
  id: `${incident}-u${n}`,
  status,
  body: `${status}: we are on it`,
  incident_id: incident,
  created_at: at,
  updated_at: at,
  display_at: at,
  affected_components: affected.map((name) => ({
    code: name,
    name,
    old_status: 'operational',
    new_status: 'degraded_performance',
  })),
  deliver_notifications: true,
  custom_tweet: null,
  tweet_id: null,
})

function incident(
  id: string,
  impact: string,
  status: string,
  created: string,
  resolved: string | null,
  updates: [string, string][],
  components: { id: string; name: string }[],
) {
  return {
    id,
    name: `Incident ${id}`,
    status,
    created_at: created,
    updated_at: resolved ?? updates.at(-1)?.[1] ?? created,
    monitoring_at: updates.find(([s]) => s === 'monitoring')?.[1] ?? null,
    resolved_at: resolved,
    impact,
    shortlink: `https://stspg.io/${id}`,
    started_at: created,
    page_id: PAGE.id,
    // Newest first, as the page lists them.
    incident_updates: updates.map(([s, at], n) => update(id, n, s, at)).reverse(),
    components: components.map((c) => component(c.id, c.name)),
    reminder_intervals: null,
  }
}

const INCIDENTS = [
  incident(
    'inc1',
    'major',
    'resolved',
    '2025-03-05T10:00:00.000Z',
    '2025-03-05T11:40:00.000Z',
    [
      ['investigating', '2025-03-05T10:05:00.000Z'],
      ['identified', '2025-03-05T10:30:00.000Z'],
      ['monitoring', '2025-03-05T11:00:00.000Z'],
      ['resolved', '2025-03-05T11:40:00.000Z'],
    ],
    [{ id: '8l4ygp009s5s', name: 'Git Operations' }],
  ),
  incident(
    'inc2',
    'minor',
    'resolved',
    '2025-03-10T08:00:00.000Z',
    '2025-03-10T09:10:00.000Z',
    [
      ['investigating', '2025-03-10T08:02:00.000Z'],
      ['monitoring', '2025-03-10T08:50:00.000Z'],
      ['resolved', '2025-03-10T09:10:00.000Z'],
    ],
    [
      { id: 'brv1bkgrwx7q', name: 'API Requests' },
      { id: 'h2ftsgbw7kmk', name: 'Codespaces' },
    ],
  ),
  incident(
    'inc3',
    'critical',
    'investigating',
    '2025-03-20T12:00:00.000Z',
    null,
    [['investigating', '2025-03-20T12:01:00.000Z']],
    [],
  ),
]

/** The same facts as engops events, by the README's rules. */
const EXPECTED = [
  {
    type: 'incident',
    source: 'statuspage',
    id: 'inc1',
    services: ['storefront'],
    severity: 'SEV-2',
    detectedAt: '2025-03-05T10:00:00.000Z',
    mitigatedAt: '2025-03-05T10:30:00.000Z',
    resolvedAt: '2025-03-05T11:40:00.000Z',
    statusUpdates: ['10:05', '10:30', '11:00', '11:40'].map((t) => ({
      at: `2025-03-05T${t}:00.000Z`,
      audience: 'external',
    })),
  },
  {
    type: 'incident',
    source: 'statuspage',
    id: 'inc2',
    services: ['api', 'codespaces'],
    severity: 'SEV-3',
    detectedAt: '2025-03-10T08:00:00.000Z',
    mitigatedAt: '2025-03-10T08:50:00.000Z',
    resolvedAt: '2025-03-10T09:10:00.000Z',
    statusUpdates: ['08:02', '08:50', '09:10'].map((t) => ({
      at: `2025-03-10T${t}:00.000Z`,
      audience: 'external',
    })),
  },
  {
    type: 'incident',
    source: 'statuspage',
    id: 'inc3',
    services: ['github'],
    severity: 'SEV-1',
    detectedAt: '2025-03-20T12:00:00.000Z',
    statusUpdates: [{ at: '2025-03-20T12:01:00.000Z', audience: 'external' }],
  },
]

let root: string
let cleanup: () => void
let server: ReturnType<typeof createServer>
let url: string
const requests: string[] = []

function project(name: string, source: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'engops.yaml'),
    `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
  - { id: api, name: API Requests, owner: web, tier: 1, repositories: [api] }
sources:
  - ${source}
`,
  )
  return dir
}

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    if (requests.length === 1) {
      res.writeHead(500, { 'content-type': 'text/plain' })
      return res.end('oops')
    }
    if (req.url !== '/api/v2/incidents.json') {
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end('{"error":"not found"}')
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ page: PAGE, incidents: INCIDENTS }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  cleanup()
})

describe('Statuspage', () => {
  test('sync reads the page through a 500, maps components and impact, names the unmapped component', async () => {
    const dir = project(
      'synced',
      `{ id: status, kind: statuspage, url: ${url}, componentMap: { "Git Operations": storefront } }`,
    )
    const result = await engopsAsync(['sync', '--json'], dir)
    expect(result.code, result.stderr).toBe(0)
    const [summary] = JSON.parse(result.stdout) as { events: Record<string, number>; notes: string[] }[]
    expect(summary?.events).toEqual({ incident: 3 })
    expect(summary?.notes).toEqual([
      'Statuspage components that map to no service (add them to componentMap, or set defaultService): Codespaces',
    ])
    expect(requests.slice(0, 2)).toEqual(['/api/v2/incidents.json', '/api/v2/incidents.json'])
    const rows = await storeRows(
      dir,
      'select id, services, severity, mitigated_at, resolved_at from incidents order by id',
    )
    expect(rows).toEqual([
      {
        id: 'inc1',
        services: '["storefront"]',
        severity: 'SEV-2',
        mitigated_at: Date.parse('2025-03-05T10:30:00Z'),
        resolved_at: Date.parse('2025-03-05T11:40:00Z'),
      },
      {
        id: 'inc2',
        services: '["api","codespaces"]',
        severity: 'SEV-3',
        mitigated_at: Date.parse('2025-03-10T08:50:00Z'),
        resolved_at: Date.parse('2025-03-10T09:10:00Z'),
      },
      { id: 'inc3', services: '["github"]', severity: 'SEV-1', mitigated_at: null, resolved_at: null },
    ])

    const plain = project('plain', `{ id: status, kind: statuspage, url: http://127.0.0.1:9 }`)
    expect(engops(['ingest', 'events', ndjson(join(plain, 'incidents.ndjson'), EXPECTED)], plain).code).toBe(
      0,
    )
    const period = ['--from', '2025-03-01', '--to', '2025-04-01', '--json']
    const a = JSON.parse(engops(['metrics', 'reliability', ...period], dir).stdout)
    expect(a).toEqual(JSON.parse(engops(['metrics', 'reliability', ...period], plain).stdout))
    expect(a.summary.incidents.total).toBe(3)
  }, 60_000)

  test('import statuspage reads archived documents, with a published postmortem, idempotently', async () => {
    const dir = project('archive', `{ id: status, kind: statuspage, url: ${url} }`)
    const archive = join(dir, 'archive')
    mkdirSync(archive)
    const [first, second] = INCIDENTS
    writeFileSync(
      join(archive, 'inc1.json'),
      JSON.stringify({
        page: PAGE,
        incident: {
          ...first,
          status: 'postmortem',
          postmortem_body: 'A configuration change reduced capacity of the Git backends.',
          postmortem_published_at: '2025-03-07T16:00:00.000Z',
        },
      }),
    )
    writeFileSync(join(archive, 'list.json'), JSON.stringify({ page: PAGE, incidents: [second] }))
    writeFileSync(join(archive, 'notes.txt'), 'not read')
    for (let run = 0; run < 2; run++) {
      const result = engops(['import', 'statuspage', 'archive', '--default-service', 'storefront'], dir)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toBe(
        'stored 0 deployments, 2 incidents, 0 pull requests, 0 commits; Statuspage components that map to no service (add them to componentMap, or set defaultService): Codespaces, Git Operations\n',
      )
    }
    await expect(
      storeRows(dir, 'select id, services, postmortem, resolved_at from incidents order by id'),
    ).resolves.toEqual([
      {
        id: 'inc1',
        services: '["storefront"]',
        postmortem: JSON.stringify({
          status: 'reviewed',
          completedAt: Date.parse('2025-03-07T16:00:00Z'),
          contributingFactors: [],
          actionItems: [],
        }),
        resolved_at: Date.parse('2025-03-05T11:40:00Z'),
      },
      {
        id: 'inc2',
        services: '["api","storefront"]',
        postmortem: null,
        resolved_at: Date.parse('2025-03-10T09:10:00Z'),
      },
    ])
    const bad = engops(['import', 'statuspage', 'archive/notes.txt'], dir)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('archive/notes.txt: not JSON')
  })
})
