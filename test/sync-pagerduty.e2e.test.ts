/**
 * `engops sync` against a local PagerDuty stand-in (REST API v2 shapes from PagerDuty's OpenAPI
 * description): 260 incidents over two months in 30-day windows, paged, through a 429 and a 500;
 * an acknowledgement that falls in the next window; services mapped by `serviceMap`, by `onCall`,
 * and one left unmapped (reported); a second sync that reads only what changed; a refused key.
 * Reliability figures from the synced incidents equal those from the same facts as NDJSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, engopsAsync, ndjson, storeCounts, storeRows, tempDir } from './helpers.js'
import {
  PAGERDUTY_TOKEN,
  type PagerDutyFixture,
  type PagerDutyIncident,
  type PagerDutyLogEntry,
  type PagerDutyOncall,
  startPagerDuty,
} from './pagerduty-standin.js'

const M = 60_000
const MARCH = Date.parse('2025-03-01T00:00:00Z')
const at = (ms: number) => new Date(ms).toISOString()
const PERIOD = ['--from', '2025-03-01', '--to', '2025-05-01']
const SERVICES = [
  { id: 'PSHOP01', name: 'Shop Frontend' },
  { id: 'PPAY001', name: 'Payments On-Call' },
  { id: 'PLEG001', name: 'Legacy Batch' },
]

let root: string
let cleanup: () => void
let standIn: Awaited<ReturnType<typeof startPagerDuty>>
let synced: string

function org(api: string) {
  return `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], team: web }
  - { id: bob, name: Bob, emails: [bob@acme.example], team: web } # PagerDuty knows Bob by another email
  - { id: cai, name: Cai, emails: [cai@example.com], team: web }
  - { id: dee, name: Dee, emails: [dee@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
  - { id: payments, owner: web, tier: 1, repositories: [payments], onCall: Payments On-Call }
sources:
  - { id: pd, kind: pagerduty, apiUrl: ${api}, tokenEnv: PD_TEST_TOKEN, since: 2025-03-01, serviceMap: { PSHOP01: storefront }, schedules: { PSCHED1: payments } }
`
}

interface Facts {
  incident: PagerDutyIncident
  ackAt: number | null
}

/** 260 incidents, one every 5.5 hours from March 1st; the last two still open. */
function makeFacts(): Facts[] {
  const priorities = ['P1', 'P2', 'P3', 'P4', 'P5', null]
  const facts = Array.from({ length: 260 }, (_, k): Facts => {
    const created = MARCH + k * 330 * M
    const open = k >= 258
    const resolved = open ? null : created + (30 + k) * M
    return {
      incident: {
        id: `Q${String(k).padStart(4, '0')}`,
        number: 1000 + k,
        title: `incident ${k}`,
        createdAt: at(created),
        status: open ? 'triggered' : 'resolved',
        resolvedAt: resolved === null ? null : at(resolved),
        urgency: k % 2 === 0 ? 'high' : 'low',
        priority: priorities[k % 6] ?? null,
        service: SERVICES[k % 3] ?? { id: 'PSHOP01', name: 'Shop Frontend' },
      },
      ackAt: k % 5 === 0 || open ? null : created + (5 + (k % 7)) * M,
    }
  })
  // Created ten minutes before the first window ends, acknowledged and resolved in the next.
  const boundary = MARCH + 30 * 24 * 60 * M - 10 * M
  facts.push({
    incident: {
      id: 'QEDGE',
      number: 999,
      title: 'across the window',
      createdAt: at(boundary),
      status: 'resolved',
      resolvedAt: at(boundary + 50 * M),
      urgency: 'high',
      priority: 'P2',
      service: { id: 'PPAY001', name: 'Payments On-Call' },
    },
    ackAt: boundary + 15 * M,
  })
  return facts
}

function logEntries(facts: readonly Facts[]): PagerDutyLogEntry[] {
  return facts.flatMap(({ incident, ackAt }) => {
    const created = Date.parse(incident.createdAt)
    const entry = (type: PagerDutyLogEntry['type'], ms: number): PagerDutyLogEntry => ({
      id: `${type}-${incident.id}-${ms}`,
      type,
      createdAt: at(ms),
      incident: incident.id,
    })
    return [
      entry('trigger_log_entry', created),
      entry('notify_log_entry', created + M),
      ...(ackAt === null ? [] : [entry('acknowledge_log_entry', ackAt)]),
      ...(incident.resolvedAt ? [entry('resolve_log_entry', Date.parse(incident.resolvedAt))] : []),
    ]
  })
}

/** The same facts as engops incident events, mapped by the README's rules. */
function incidentEvents(facts: readonly Facts[]) {
  const service = { PSHOP01: 'storefront', PPAY001: 'payments', PLEG001: 'legacy-batch' } as Record<
    string,
    string
  >
  return facts.map(({ incident, ackAt }) => {
    const p = /P(\d)/.exec(incident.priority ?? '')
    return {
      type: 'incident',
      source: 'pagerduty',
      id: incident.id,
      services: [service[incident.service.id]],
      severity: p ? `SEV-${Math.min(4, Number(p[1]))}` : incident.urgency === 'high' ? 'SEV-2' : 'SEV-3',
      detectedAt: incident.createdAt,
      ...(ackAt === null ? {} : { acknowledgedAt: at(ackAt) }),
      ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
    }
  })
}

/**
 * Weekly shifts on the payments rota from March 3rd, Ana and Bob taking turns (two people of the
 * four in the team), and a schedule the source does not name, whose shifts are not read.
 */
function makeOncalls(): PagerDutyOncall[] {
  const WEEK = 7 * 24 * 60 * M
  const first = Date.parse('2025-03-03T09:00:00Z')
  const people = [
    { id: 'PANA001', name: 'Ana', email: 'ana@example.com' },
    { id: 'PBOB001', name: 'Bob', email: 'bob@example.com' },
  ]
  const rota = Array.from({ length: 8 }, (_, w) => ({
    schedule: { id: 'PSCHED1', name: 'Payments Primary' },
    user: people[w % 2] ?? people[0],
    start: at(first + w * WEEK),
    end: at(first + (w + 1) * WEEK),
  })) as PagerDutyOncall[]
  return [
    ...rota,
    {
      schedule: { id: 'PSCHED9', name: 'Someone Else' },
      user: { id: 'PCAI001', name: 'Cai', email: 'cai@example.com' },
      start: at(first),
      end: at(first + WEEK),
    },
  ]
}

const shiftEvents = (oncalls: readonly PagerDutyOncall[]) =>
  oncalls
    .filter((o) => o.schedule.id === 'PSCHED1')
    .map((o) => ({
      type: 'oncall_shift',
      source: 'pagerduty',
      service: 'payments',
      person: o.user.email,
      start: o.start,
      end: o.end,
      schedule: o.schedule.name,
    }))

const facts = makeFacts()
const fixture: PagerDutyFixture = {
  incidents: facts.map((f) => f.incident),
  logEntries: logEntries(facts),
  oncalls: makeOncalls(),
}

function project(name: string, api: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'engops.yaml'), org(api))
  return dir
}

const sync = (dir: string, token = PAGERDUTY_TOKEN) =>
  engopsAsync(['sync', '--json'], dir, { PD_TEST_TOKEN: token })

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  standIn = await startPagerDuty(fixture, { rateLimitAt: 2, serverErrorAt: 5 })
  synced = project('synced', standIn.url)
})
afterAll(async () => {
  await standIn?.close()
  cleanup()
})

describe('engops sync from PagerDuty', () => {
  test('reads every incident through paging, a 429 and a 500, and names the unmapped service', async () => {
    const result = await sync(synced)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const [summary] = JSON.parse(result.stdout) as {
      events: Record<string, number>
      notes: string[]
      error: null
    }[]
    expect(summary?.error).toBeNull()
    expect(summary?.notes).toContain(
      "PagerDuty services that map to no service of the org file (add them to serviceMap or a service's onCall): Legacy Batch",
    )
    expect(summary?.notes).toContain(
      'PagerDuty on-call users who are no person of the org file (add their emails to people; their shifts still count): bob@example.com',
    )
    // The 429 and the 500 were each asked again.
    expect(standIn.requests[2]).toBe(standIn.requests[1])
    expect(standIn.requests[5]).toBe(standIn.requests[4])
    const stored = await storeRows(synced, `select count(*) as n from incidents where source = 'pagerduty'`)
    expect(stored).toEqual([{ n: 261 }])
    // March's window holds ~131 incidents and ~500 log entries: more than one page of each.
    const pages = standIn.requests.filter((r) => r.startsWith('/incidents?') && r.includes('offset=100'))
    expect(pages.length).toBeGreaterThan(0)
    expect(
      standIn.requests.filter((r) => r.startsWith('/log_entries?') && r.includes('offset=300')).length,
    ).toBeGreaterThan(0)
    // The incident acknowledged in the next window was read again by id and kept its acknowledgement.
    expect(standIn.requests).toContain('/incidents/QEDGE')
    expect(
      await storeRows(
        synced,
        `select services, severity, acknowledged_at, resolved_at from incidents where id = 'QEDGE'`,
      ),
    ).toEqual([
      {
        services: '["payments"]',
        severity: 'SEV-2',
        acknowledged_at: Date.parse('2025-03-31T00:05:00Z'),
        resolved_at: Date.parse('2025-03-31T00:40:00Z'),
      },
    ])
  }, 60_000)

  test('reliability from the sync equals the same incidents given as NDJSON', () => {
    const plain = project('plain', 'http://127.0.0.1:9')
    const file = ndjson(join(plain, 'incidents.ndjson'), [
      ...incidentEvents(facts),
      ...shiftEvents(fixture.oncalls),
    ])
    expect(engops(['ingest', 'events', file], plain).code).toBe(0)
    const a = engops(['metrics', 'reliability', ...PERIOD, '--json'], synced)
    expect(a.code).toBe(0)
    const b = engops(['metrics', 'reliability', ...PERIOD, '--json'], plain)
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout))
    const summary = JSON.parse(a.stdout).summary
    // 261 incidents; acknowledged: every one but each fifth and the two open ones.
    expect(summary.incidents.total).toBe(261)
    expect(summary.mtta.n).toBe(facts.filter((f) => f.ackAt !== null).length)
    expect(
      JSON.parse(
        engops(['metrics', 'reliability', ...PERIOD, '--service', 'payments', '--json'], synced).stdout,
      ).summary.pages as { people: number; fromRota: boolean },
    ).toMatchObject({ people: 2, fromRota: true })
  })

  test('a second sync reads only what changed since, including an older incident resolved now', async () => {
    const open = fixture.incidents.find((i) => i.id === 'Q0258')
    if (!open) throw new Error('fixture')
    // After the first sync's cursor (its start), before this one's.
    const now = Date.now()
    Object.assign(open, { status: 'resolved', resolvedAt: at(now - 10) })
    fixture.logEntries.push(
      { id: 'ack-late', type: 'acknowledge_log_entry', createdAt: at(now - 20), incident: 'Q0258' },
      { id: 'res-late', type: 'resolve_log_entry', createdAt: at(now - 10), incident: 'Q0258' },
    )
    const before = standIn.requests.length
    const result = await sync(synced)
    expect(result.code).toBe(0)
    // One window: its incidents, its log entries, the touched incident by id, the rota's shifts.
    expect(standIn.requests.slice(before)).toEqual([
      expect.stringMatching(/^\/incidents\?since=/),
      expect.stringMatching(/^\/log_entries\?since=/),
      '/incidents/Q0258',
      expect.stringMatching(/^\/oncalls\?since=.*schedule_ids%5B%5D=PSCHED1&include%5B%5D=users/),
    ])
    expect(
      await storeRows(synced, `select acknowledged_at, resolved_at from incidents where id = 'Q0258'`),
    ).toEqual([{ acknowledged_at: now - 20, resolved_at: now - 10 }])
  }, 60_000)

  test('a refused key stops the source with its name and URL, and stores nothing', async () => {
    const before = await storeCounts(synced)
    const refused = await sync(synced, 'wrong-key')
    expect(refused.code).toBe(1)
    const [summary] = JSON.parse(refused.stdout) as { error: string }[]
    expect(summary?.error).toContain('source pd: PagerDuty refused the token (401)')
    expect(summary?.error).toContain(standIn.url)
    expect(await storeCounts(synced)).toEqual(before)
  })
})
