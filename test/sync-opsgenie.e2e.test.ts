/**
 * `engops sync` against a local Opsgenie stand-in answering `GET /v2/alerts` in the shapes of
 * Opsgenie's published OpenAPI description (opsgenie/opsgenie-oas: ListAlertsResponse of
 * BaseAlert with its AlertReport, offset paging, `GenieKey` auth): 150 alerts in a month, paged,
 * through a 429 and a 500; services by tag, by `serviceMap` and one unmapped (reported); a second
 * sync that reads an alert closed since; a refused key. Reliability figures equal the same facts
 * given as NDJSON.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, engopsAsync, ndjson, storeCounts, storeRows, tempDir } from './helpers.js'

const KEY = 'og-read-key'
const M = 60_000
const MARCH = Date.parse('2025-03-01T00:00:00Z')
const at = (ms: number) => new Date(ms).toISOString()
const PERIOD = ['--from', '2025-03-01', '--to', '2025-04-01', '--json']

interface Alert {
  id: string
  created: number
  ackAfter: number | null
  closeAfter: number | null
  priority: string
  source: string
  tags: string[]
}

const SOURCES = [
  { source: 'Datadog', tags: [] },
  { source: 'checkout-probe', tags: ['service:storefront', 'prod'] },
  { source: 'Grafana', tags: [] },
]

const ALERTS: Alert[] = Array.from({ length: 150 }, (_, k) => {
  const from = SOURCES[k % 3] ?? { source: 'Datadog', tags: [] }
  return {
    id: `a-${String(k).padStart(3, '0')}`,
    created: MARCH + k * 290 * M,
    ackAfter: k % 4 === 0 ? null : (3 + (k % 9)) * M,
    closeAfter: k >= 148 ? null : (20 + k) * M,
    priority: `P${1 + (k % 5)}`,
    ...from,
  }
})

function alertObject(a: Alert) {
  const closed = a.closeAfter !== null
  const updated = a.created + (a.closeAfter ?? a.ackAfter ?? 0)
  return {
    id: a.id,
    tinyId: a.id.slice(2),
    alias: `alias-${a.id}`,
    message: `alert ${a.id}`,
    status: closed ? 'closed' : 'open',
    acknowledged: a.ackAfter !== null,
    isSeen: true,
    tags: a.tags,
    snoozed: false,
    count: 1,
    lastOccurredAt: at(a.created),
    createdAt: at(a.created),
    updatedAt: at(updated),
    source: a.source,
    owner: 'ana@example.com',
    priority: a.priority,
    responders: [{ type: 'team', id: '8418d193-2dab-4490-b331-8c02cdd196b7' }],
    integration: { id: '4513b7ea-3b91-438f-b7e4-e3e54af9147c', name: `${a.source} integration`, type: 'API' },
    report: {
      ...(a.ackAfter !== null ? { ackTime: a.ackAfter, acknowledgedBy: 'ana@example.com' } : {}),
      ...(closed ? { closeTime: a.closeAfter, closedBy: 'ana@example.com' } : {}),
    },
  }
}

/** The same alerts as engops incidents, by the README's rules. */
function incidentEvents(alerts: readonly Alert[]) {
  const service: Record<string, string> = { Datadog: 'payments', Grafana: 'grafana' }
  return alerts.map((a) => ({
    type: 'incident',
    source: 'opsgenie',
    id: a.id,
    services: [a.tags.includes('service:storefront') ? 'storefront' : service[a.source]],
    severity: `SEV-${Math.min(4, Number(a.priority.slice(1)))}`,
    detectedAt: at(a.created),
    ...(a.ackAfter !== null ? { acknowledgedAt: at(a.created + a.ackAfter) } : {}),
    ...(a.closeAfter !== null ? { resolvedAt: at(a.created + a.closeAfter) } : {}),
  }))
}

let root: string
let cleanup: () => void
let server: ReturnType<typeof createServer>
let url: string
const requests: string[] = []

function project(name: string, api: string): string {
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
  - { id: payments, owner: web, tier: 1, repositories: [payments] }
sources:
  - { id: og, kind: opsgenie, apiUrl: ${api}, tokenEnv: OG_TEST_KEY, since: 2025-03-01, serviceMap: { Datadog: payments } }
`,
  )
  return dir
}

const sync = (dir: string, key = KEY) => engopsAsync(['sync', '--json'], dir, { OG_TEST_KEY: key })

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ...(body as object), took: 0.004, requestId: `req-${requests.length}` }))
    }
    if (req.headers.authorization !== `GenieKey ${KEY}`)
      return send(401, { message: 'Could not authenticate' })
    if (requests.length === 2) return send(429, { message: 'You are making too many requests!' })
    if (requests.length === 4) return send(500, { message: 'Internal Server Error' })
    const query = new URL(req.url ?? '/', 'http://localhost')
    if (query.pathname !== '/v2/alerts') return send(404, { message: 'Not found' })
    const q = query.searchParams.get('query') ?? ''
    const from = Number(/updatedAt >= (\d+)/.exec(q)?.[1])
    const to = Number(/updatedAt < (\d+)/.exec(q)?.[1])
    const offset = Number(query.searchParams.get('offset') ?? 0)
    const limit = Number(query.searchParams.get('limit') ?? 20)
    const found = ALERTS.map(alertObject)
      .filter((a) => Date.parse(a.updatedAt) >= from && Date.parse(a.updatedAt) < to)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
    const data = found.slice(offset, offset + limit)
    const page = (o: number) => `${url}/v2/alerts?query=${encodeURIComponent(q)}&offset=${o}&limit=${limit}`
    send(200, {
      data,
      paging: { first: page(0), ...(offset + limit < found.length ? { next: page(offset + limit) } : {}) },
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  cleanup()
})

describe('engops sync from Opsgenie', () => {
  let synced: string

  test('reads every alert through paging, a 429 and a 500; reliability equals the NDJSON of the same facts', async () => {
    synced = project('synced', url)
    const result = await sync(synced)
    expect(result.code, result.stderr).toBe(0)
    const [summary] = JSON.parse(result.stdout) as { events: Record<string, number>; notes: string[] }[]
    expect(summary?.events).toEqual({ incident: 150 })
    expect(summary?.notes).toEqual([
      "Opsgenie alert sources that map to no service of the org file (add them to serviceMap, tag the alerts service:<id>, or set a service's onCall): Grafana",
    ])
    // The rate-limited and the failed request were each asked again; March's alerts took two pages.
    expect(requests[2]).toBe(requests[1])
    expect(requests[4]).toBe(requests[3])
    expect(requests.some((r) => r.includes('offset=100'))).toBe(true)

    const plain = project('plain', 'http://127.0.0.1:9')
    expect(
      engops(['ingest', 'events', ndjson(join(plain, 'alerts.ndjson'), incidentEvents(ALERTS))], plain).code,
    ).toBe(0)
    const a = JSON.parse(engops(['metrics', 'reliability', ...PERIOD], synced).stdout)
    expect(a).toEqual(JSON.parse(engops(['metrics', 'reliability', ...PERIOD], plain).stdout))
    expect(a.summary.incidents.total).toBe(150)
    expect(a.summary.mtta.n).toBe(ALERTS.filter((x) => x.ackAfter !== null).length)
  }, 60_000)

  test('a second sync reads the alerts updated since: one closed now', async () => {
    const open = ALERTS.find((x) => x.id === 'a-148')
    if (!open) throw new Error('fixture')
    // Closed just now, after the first sync's cursor.
    open.closeAfter = Date.now() - 10 - open.created
    const before = requests.length
    expect((await sync(synced)).code).toBe(0)
    expect(requests.length - before).toBe(1)
    expect(await storeRows(synced, `select resolved_at from incidents where id = 'a-148'`)).toEqual([
      { resolved_at: open.created + open.closeAfter },
    ])
  }, 60_000)

  test('a refused key stops the source with its name and URL, and stores nothing', async () => {
    const before = await storeCounts(synced)
    const refused = await sync(synced, 'wrong')
    expect(refused.code).toBe(1)
    const [summary] = JSON.parse(refused.stdout) as { error: string }[]
    expect(summary?.error).toContain('source og: Opsgenie refused the token (401)')
    expect(summary?.error).toContain(url)
    expect(await storeCounts(synced)).toEqual(before)
  })
})
