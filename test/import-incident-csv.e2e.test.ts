/**
 * `engops import pagerduty-csv` and `opsgenie-csv`: the products' CSV exports (PagerDuty's Insights
 * incident report with the Analytics API's raw-incident columns, and its older report's title-case
 * columns; Opsgenie's alert fields with the report's ackTime / closeTime) stored as incidents whose
 * reliability figures are computed by hand here and equal those of the same facts as NDJSON; a
 * missing column, a bad cell and a bad --map store nothing and say where.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, ndjson, storeCounts, tempDir } from './helpers.js'

const PERIOD = ['--from', '2025-03-01', '--to', '2025-04-01', '--json']
const CONFIG = `org: { name: Acme, timezone: UTC }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
  - { id: payments, owner: web, tier: 1, repositories: [payments], onCall: Ledger API }
`

const PAGERDUTY_INSIGHTS = `id,incident_number,description,service_id,service_name,team_name,created_at,resolved_at,seconds_to_first_ack,seconds_to_resolve,urgency,priority_name,status
Q1ABC,101,"Checkout 500s, EU",PSVC1,Shop Frontend,Web,2025-03-03T10:00:00Z,2025-03-03T11:00:00Z,120,3600,high,P1,resolved
Q2DEF,102,Slow ledger,PSVC2,Ledger API,Web,2025-03-05T08:00:00Z,2025-03-05T08:30:00Z,300,1800,low,,resolved
Q3GHI,103,Disk full,PSVC2,Ledger API,Web,2025-03-10 12:00:00,,,,high,P3,triggered
Q4JKL,104,Queue backlog,PSVC9,Batch Jobs,Web,2025-03-12T09:00:00Z,2025-03-12T13:00:00Z,600,14400,low,P2,resolved
`
// The older incidents report: title-case columns, times with an offset.
const PAGERDUTY_REPORT = `Incident ID,Incident Number,Service Name,Created On,Resolved On,Acknowledged At,Urgency
Q5MNO,105,Shop Frontend,2025-03-20T10:00:00+01:00,2025-03-20T10:45:00+01:00,2025-03-20T10:05:00+01:00,high
`
const OPSGENIE = `TinyId,Id,Message,Status,Priority,Source,Tags,CreatedAt,AckTime,CloseTime,Integration Name
12,og-1,CPU high,closed,P1,Datadog,"service:storefront,prod",${Date.parse('2025-03-04T10:00:00Z')},60000,1800000,Datadog integration
13,og-2,Ledger lag,closed,P3,Ledger API,,2025-03-06 09:00:00,240000,5400000,
14,og-3,Cron missed,open,P5,Grafana,,2025-03-07T07:00:00Z,,,Grafana integration
`

const at = (iso: string) => new Date(iso).toISOString()
/** The same facts as engops incidents, by the README's rules. */
const FACTS = [
  {
    id: 'Q1ABC',
    service: 'storefront',
    severity: 'SEV-1',
    detectedAt: '2025-03-03T10:00:00Z',
    acknowledgedAt: '2025-03-03T10:02:00Z',
    resolvedAt: '2025-03-03T11:00:00Z',
  },
  {
    id: 'Q2DEF',
    service: 'payments',
    severity: 'SEV-3',
    detectedAt: '2025-03-05T08:00:00Z',
    acknowledgedAt: '2025-03-05T08:05:00Z',
    resolvedAt: '2025-03-05T08:30:00Z',
  },
  { id: 'Q3GHI', service: 'payments', severity: 'SEV-3', detectedAt: '2025-03-10T12:00:00Z' },
  {
    id: 'Q4JKL',
    service: 'batch-jobs',
    severity: 'SEV-2',
    detectedAt: '2025-03-12T09:00:00Z',
    acknowledgedAt: '2025-03-12T09:10:00Z',
    resolvedAt: '2025-03-12T13:00:00Z',
  },
  {
    id: 'Q5MNO',
    service: 'storefront',
    severity: 'SEV-2',
    detectedAt: '2025-03-20T09:00:00Z',
    acknowledgedAt: '2025-03-20T09:05:00Z',
    resolvedAt: '2025-03-20T09:45:00Z',
  },
].map(({ service, ...f }) => ({ type: 'incident', source: 'pagerduty', services: [service], ...f }))
const OPSGENIE_FACTS = [
  {
    id: 'og-1',
    service: 'storefront',
    severity: 'SEV-1',
    detectedAt: '2025-03-04T10:00:00Z',
    acknowledgedAt: '2025-03-04T10:01:00Z',
    resolvedAt: '2025-03-04T10:30:00Z',
  },
  {
    id: 'og-2',
    service: 'payments',
    severity: 'SEV-3',
    detectedAt: '2025-03-06T09:00:00Z',
    acknowledgedAt: '2025-03-06T09:04:00Z',
    resolvedAt: '2025-03-06T10:30:00Z',
  },
  { id: 'og-3', service: 'grafana', severity: 'SEV-4', detectedAt: '2025-03-07T07:00:00Z' },
].map(({ service, ...f }) => ({ type: 'incident', source: 'opsgenie', services: [service], ...f }))

let root: string
let cleanup: () => void
const file = (name: string, text: string) => {
  writeFileSync(join(root, name), text)
  return name
}

beforeAll(() => {
  ;({ dir: root, cleanup } = tempDir())
  writeFileSync(join(root, 'engops.yaml'), CONFIG)
})
afterAll(() => cleanup())

describe('incident CSV exports', () => {
  test('PagerDuty: both report layouts; MTTA and MTTR as counted by hand and as from NDJSON', () => {
    const a = file('insights.csv', PAGERDUTY_INSIGHTS)
    const b = file('report.csv', PAGERDUTY_REPORT)
    const result = engops(['import', 'pagerduty-csv', a, b, '--map', 'Shop Frontend=storefront'], root)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('5 incidents')
    expect(result.stdout).toContain(
      "PagerDuty services that map to no service of the org file (add them to serviceMap, or set a service's onCall): Batch Jobs",
    )
    const reliability = JSON.parse(engops(['metrics', 'reliability', ...PERIOD], root).stdout).summary
    expect(reliability.incidents).toEqual({
      total: 5,
      bySeverity: { 'SEV-1': 1, 'SEV-2': 2, 'SEV-3': 2, 'SEV-4': 0 },
    })
    // Acknowledged after 120, 300, 600 and 300 s; resolved after 3,600, 1,800, 14,400 and 2,700 s.
    expect(reliability.mtta).toMatchObject({ n: 4, median: 300 })
    expect(reliability.mttr).toMatchObject({ n: 4, median: (2_700 + 3_600) / 2 })

    const plain = tempDir()
    try {
      writeFileSync(join(plain.dir, 'engops.yaml'), CONFIG)
      const events = ndjson(join(plain.dir, 'facts.ndjson'), FACTS)
      expect(engops(['ingest', 'events', events], plain.dir).code).toBe(0)
      expect(reliability).toEqual(
        JSON.parse(engops(['metrics', 'reliability', ...PERIOD], plain.dir).stdout).summary,
      )
    } finally {
      plain.cleanup()
    }
  })

  test('Opsgenie: epoch and zone-less times, ackTime and closeTime after creation, services by tag, source and onCall', () => {
    const result = engops(['import', 'opsgenie-csv', file('alerts.csv', OPSGENIE), '--json'], root)
    expect(result.code, result.stderr).toBe(0)
    const [summary] = [JSON.parse(result.stdout)]
    expect(summary.events).toEqual({ incident: 3 })
    expect(summary.notes).toEqual([
      "Opsgenie alert sources that map to no service of the org file (add them to serviceMap, tag the alerts service:<id>, or set a service's onCall): Grafana",
    ])
    const plain = tempDir()
    try {
      writeFileSync(join(plain.dir, 'engops.yaml'), CONFIG)
      const events = ndjson(join(plain.dir, 'facts.ndjson'), [...FACTS, ...OPSGENIE_FACTS])
      expect(engops(['ingest', 'events', events], plain.dir).code).toBe(0)
      const mine = JSON.parse(engops(['metrics', 'reliability', ...PERIOD], root).stdout).summary
      expect(mine).toEqual(
        JSON.parse(engops(['metrics', 'reliability', ...PERIOD], plain.dir).stdout).summary,
      )
      expect(mine.mtta).toMatchObject({ n: 6 })
      expect(at(OPSGENIE_FACTS[1]?.detectedAt ?? '')).toBe('2025-03-06T09:00:00.000Z')
    } finally {
      plain.cleanup()
    }
  })

  test('a missing column, a bad cell or a bad --map stores nothing and says where', async () => {
    const before = await storeCounts(root)
    const noColumn = engops(['import', 'pagerduty-csv', file('nocol.csv', 'id,service\nX,y\n')], root)
    expect(noColumn.code).toBe(1)
    expect(noColumn.stderr).toContain(
      'nocol.csv: no creation time column (created at or created on or created); the columns are: id, service',
    )
    const badCell = engops(
      ['import', 'opsgenie-csv', file('bad.csv', 'id,createdAt\nok,2025-03-01T00:00:00Z\nbad,yesterday\n')],
      root,
    )
    expect(badCell.code).toBe(1)
    expect(badCell.stderr).toContain('bad.csv:3: detectedAt: expected an ISO 8601 time, got "yesterday"')
    const badMap = engops(['import', 'pagerduty-csv', 'insights.csv', '--map', 'oops'], root)
    expect(badMap.code).toBe(2)
    expect(badMap.stderr).toContain('--map: "oops" is not name=service')
    for (const r of [noColumn, badCell, badMap]) expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(await storeCounts(root)).toEqual(before)
  })
})
