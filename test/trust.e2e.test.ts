/**
 * Trust at the surfaces, run as a user would: human-readable dates are the org-local dates the
 * user typed (Berlin, east of UTC), impossible report periods are rejected, CSV severities in
 * every documented form, the starter file and the README's minimal file pass `engops check`, and
 * JUnit XML stays well-formed whatever the org file holds.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { engops, engopsJson, ROOT, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

const BERLIN_ORG = `org: { name: Acme, timezone: Europe/Berlin }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 3, repositories: [shop] }
okrs:
  - id: o1
    level: team
    owner: web
    period: 2024-Q4
    objective: Ship faster
    keyResults:
      - { id: kr1, title: Deploys per week to 10, baseline: 2, target: 10, current: 6 }
`

describe('dates in text are the org-local dates the user typed', () => {
  beforeEach(() => writeFileSync(join(dir, 'engops.yaml'), BERLIN_ORG))

  test('metrics and KPI headers show --from and --to as typed, not a day early', () => {
    const dora = engops(['metrics', 'dora', '--from', '2024-09-01', '--to', '2024-12-01'], dir)
    expect(dora.code).toBe(0)
    expect(dora.stdout).toContain('2024-09-01 → 2024-12-01 (to exclusive, 91 days)')
    const kpis = engops(['kpis', '--from', '2024-09-01', '--to', '2024-12-01'], dir)
    expect(kpis.code).toBe(0)
    expect(kpis.stdout).toContain('2024-09-01 → 2024-12-01 (to exclusive)')
    // The JSON keeps the instants: local midnight in Berlin is 22:00 or 23:00 UTC the day before.
    const json = engopsJson<{ period: { from: string; to: string } }>(
      ['metrics', 'dora', '--from', '2024-09-01', '--to', '2024-12-01', '--json'],
      dir,
    )
    expect(json.period).toMatchObject({
      from: '2024-08-31T22:00:00.000Z',
      to: '2024-11-30T23:00:00.000Z',
    })
  })

  test('an empty store has no deploy frequency tier: no data, not "low"', () => {
    const dora = engops(['metrics', 'dora', '--from', '2024-09-01', '--to', '2024-12-01'], dir)
    expect(dora.stdout).toContain('no data: no production deployments recorded for this scope')
    expect(dora.stdout).not.toMatch(/Deployment frequency.*(Low|\[low\])/)
  })

  test('okr status --at and report titles use the local day', () => {
    const okr = engops(['okr', 'status', '--at', '2024-11-30'], dir)
    expect(okr.code).toBe(0)
    expect(okr.stdout).toContain('OKRs — Acme — 2024-11-30')
    const report = engops(['report', 'monthly', '--period', '2024-11', '--at', '2024-12-05'], dir)
    expect(report.code).toBe(0)
    expect(report.stdout).toContain('Acme · November 2024 · as of 2024-12-01')
    const range = engops(
      ['report', 'monthly', '--period', '2024-09-01..2024-12-01', '--at', '2024-12-05'],
      dir,
    )
    expect(range.stdout).toContain('2024-09-01 – 2024-11-30')
  })
})

describe('impossible report periods are usage errors', () => {
  beforeEach(() => writeFileSync(join(dir, 'engops.yaml'), BERLIN_ORG))

  test.each([
    ['2024-13', 'there is no month 13 (months are 01 to 12)'],
    ['2024-00', 'there is no month 00 (months are 01 to 12)'],
    ['2024-W60', '2024 has ISO weeks W01 to W52'],
    ['2021-W53', '2021 has ISO weeks W01 to W52'],
    ['2024-W00', '2024 has ISO weeks W01 to W52'],
  ])('--period %s', (period, message) => {
    const result = engops(['report', 'monthly', '--period', period], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toContain('    at ')
  })

  test('a year with 53 ISO weeks has a week 53', () => {
    const result = engops(['report', 'weekly', '--period', '2020-W53', '--at', '2021-01-10'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('week 53 of 2020')
  })
})

describe('CSV severities', () => {
  test('"2", "sev2" and "SEV 2" are SEV-2; anything else names the accepted forms', () => {
    writeFileSync(join(dir, 'engops.yaml'), BERLIN_ORG)
    writeFileSync(
      join(dir, 'incidents.csv'),
      [
        'type,id,services,severity,detectedAt,resolvedAt',
        'incident,I1,storefront,2,2024-10-01T10:00:00Z,2024-10-01T11:00:00Z',
        'incident,I2,storefront,sev2,2024-10-02T10:00:00Z,2024-10-02T11:00:00Z',
        'incident,I3,storefront,SEV 2,2024-10-03T10:00:00Z,2024-10-03T11:00:00Z',
        'incident,I4,storefront,1,2024-10-04T10:00:00Z,2024-10-04T10:30:00Z',
      ].join('\n'),
    )
    expect(engops(['ingest', 'events', 'incidents.csv'], dir).code).toBe(0)
    const dora = engopsJson<{ timeToRestore: { bySeverity: Record<string, { n: number }> } }>(
      ['metrics', 'dora', '--from', '2024-10-01', '--to', '2024-11-01', '--json'],
      dir,
    )
    expect(dora.timeToRestore.bySeverity['SEV-2']?.n).toBe(3)
    expect(dora.timeToRestore.bySeverity['SEV-1']?.n).toBe(1)
    writeFileSync(
      join(dir, 'bad.csv'),
      'type,id,services,severity,detectedAt\nincident,I9,storefront,high,2024-10-05T10:00:00Z\n',
    )
    const bad = engops(['ingest', 'events', 'bad.csv'], dir)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(
      'bad.csv:2: severity: expected a severity: SEV-1 to SEV-4 (also written sev2, SEV 2 or 2)',
    )
  })
})

describe('the examples pass engops check', () => {
  test('the starter from engops init', () => {
    expect(engops(['init'], dir).code).toBe(0)
    const check = engops(['check'], dir)
    expect(check.stdout).toContain('[ok]    service-owner')
    expect(check.code).toBe(0)
  })

  test('the README’s minimal complete file', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const minimal = /this minimal file is complete[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(minimal).toBeDefined()
    writeFileSync(join(dir, 'engops.yaml'), minimal ?? '')
    const check = engops(['check'], dir)
    expect(check.stdout).not.toContain('has no people')
    expect(check.code).toBe(0)
  })

  test('a person named in members only belongs to the team too', () => {
    writeFileSync(
      join(dir, 'engops.yaml'),
      `org: { name: Acme }
people:
  - { id: ana, name: Ana Lima }
teams:
  - { id: web, name: Web, type: stream-aligned, members: [ana] }
services:
  - { id: storefront, owner: web, tier: 3 }
`,
    )
    expect(engops(['check'], dir).code).toBe(0)
  })
})

describe('JUnit XML', () => {
  test('control characters in org-file strings never break the XML', () => {
    // A tab is allowed in XML 1.0; \u0001 and \u001b are not.
    writeFileSync(
      join(dir, 'engops.yaml'),
      `org: { name: "Acme" }
people:
  - { id: ana, name: "Ana\\u0001Lima", team: web }
teams:
  - { id: web, name: "Web\\u001b[31m", type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1 }
okrs:
  - { id: o1, level: team, owner: web, period: 2025-Q1, objective: "Ship\u0001faster\tnow" }
`,
    )
    const result = engops(['check', '--format', 'junit'], dir)
    expect(result.code).toBe(1)
    expect(result.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
    // Nothing XML 1.0 forbids: only tab, newline and carriage return below U+0020.
    const forbidden = [...result.stdout].filter((c) => {
      const code = c.codePointAt(0) ?? 0
      return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0xfffe || code === 0xffff
    })
    expect(forbidden).toEqual([])
    expect(result.stdout).toContain('<failure type="policy"')
    // The objective is reported, its forbidden character replaced and its tab kept.
    expect(result.stdout).toContain('&quot;Ship\ufffdfaster\tnow&quot; has no key results')
  })
})
