/** The org-file commands and the demo, run as a user would. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { DoraJson } from '../src/engine/engine.js'
import { engops, engopsJson, ROOT, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

describe('the command itself', () => {
  test('--version prints the package version; help <command> its usage; a name that does not exist is a usage mistake', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    const printed = engops(['--version'], dir)
    expect(printed.code).toBe(0)
    expect(printed.stdout.trim()).toBe(version)
    const help = engops(['help', 'sync'], dir)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: engops sync [options]')
    writeFileSync(
      join(dir, 'engops.yaml'),
      'org: { name: A }\nteams:\n  - { id: web, name: Web, type: stream-aligned }\n',
    )
    for (const args of [
      ['metrics', 'dora', '--team', 'nope'],
      ['scorecard', 'nope'],
      ['report', 'nope'],
      ['experiment', 'nope'],
    ]) {
      const result = engops(args, dir)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(/nope/)
    }
  })
})

describe('org file commands', () => {
  test('init writes a commented starter that validates, and refuses to overwrite', () => {
    expect(engops(['init'], dir).code).toBe(0)
    expect(readFileSync(join(dir, 'engops.yaml'), 'utf8')).toContain(
      '# engops.yaml — your organization as code.',
    )
    expect(engops(['validate'], dir).stdout).toContain(
      'engops.yaml: valid — 1 teams, 2 people, 1 services, 1 SLOs',
    )
    const again = engops(['init'], dir)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already exists (use --force to overwrite)')
  })

  test('validate names file, line and path, and exits non-zero', () => {
    writeFileSync(
      join(dir, 'org.yaml'),
      'org: { name: Acme }\nteams:\n  - { id: web, name: Web, type: stream-aligned, members: [ghost] }\n',
    )
    const result = engops(['validate', 'org.yaml'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('org.yaml: 1 problem')
    expect(result.stderr).toContain('org.yaml:3: teams[0].members[0]: unknown person "ghost"')
  })

  test('a missing org file says how to make one', () => {
    const result = engops(['metrics', 'dora'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no such file (run "engops init" to write a starter file)')
  })

  test('schema prints a JSON Schema', () => {
    const schema = JSON.parse(engops(['schema'], dir).stdout) as { title: string; properties: object }
    expect(schema.title).toBe('engops.yaml')
    expect(Object.keys(schema.properties)).toContain('services')
  })

  test('--config and --db point elsewhere', () => {
    engops(['init', '--config', join(dir, 'custom.yaml')], dir)
    const db = join(dir, 'elsewhere', 'x.db')
    const result = engops(['--config', 'custom.yaml', '--db', db, 'metrics', 'dora', '--json'], dir)
    expect(result.code).toBe(0)
    expect(readFileSync(db).length).toBeGreaterThan(0)
  })
})

describe('engops demo', () => {
  test('is deterministic and tells its stories', () => {
    const a = engops(['demo', '--dir', 'a', '--seed', '7', '--end', '2026-06-30'], dir)
    expect(a.code).toBe(0)
    expect(a.stderr).toMatch(
      /demo organization in .*: 6 teams, 32 people, 12 services; [\d,]+ deployments, [\d,]+ incidents, [\d,]+ pull requests, [\d,]+ commits/,
    )
    // The data later views need: sprints and work items, surveys, people, hiring, cost, SLIs.
    for (const type of [
      'work_item',
      'sprint',
      'survey_response',
      'person_event',
      'requisition',
      'cost',
      'business',
      'sli',
    ]) {
      expect(a.stderr).toMatch(new RegExp(`[\\d,]+ ${type}\\b`))
    }
    expect(a.stdout).toContain('DORA metrics — Acme (organization)')
    expect(a.stdout).toContain('2026-06-01 → 2026-07-01')
    engops(['demo', '--dir', 'b', '--seed', '7', '--end', '2026-06-30', '--quiet'], dir)
    for (const file of [
      'engops.yaml',
      'commits.ndjson',
      'pull-requests.ndjson',
      'deployments.ndjson',
      'incidents.ndjson',
    ]) {
      expect(readFileSync(join(dir, 'b', file), 'utf8'), file).toBe(
        readFileSync(join(dir, 'a', file), 'utf8'),
      )
    }
    const demo = join(dir, 'a')
    expect(engops(['validate'], demo).code).toBe(0)
    // Beta's reviews slowed down: pickup and lead time rise between spring and the last month.
    const spring = engopsJson<DoraJson>(
      ['metrics', 'dora', '--team', 'beta', '--from', '2026-02-01', '--to', '2026-04-01'],
      demo,
    )
    const recent = engopsJson<DoraJson>(
      ['metrics', 'dora', '--team', 'beta', '--from', '2026-06-01', '--to', '2026-07-01'],
      demo,
    )
    expect(recent.leadTime.stages.pickup.medianSeconds!).toBeGreaterThan(
      3 * spring.leadTime.stages.pickup.medianSeconds!,
    )
    expect(recent.leadTime.medianSeconds!).toBeGreaterThan(spring.leadTime.medianSeconds!)
    // Payments burns its error budget: its change failure rate in the last weeks is far above the org's.
    const payments = engopsJson<DoraJson>(
      ['metrics', 'dora', '--service', 'payments', '--from', '2026-05-20', '--to', '2026-07-01'],
      demo,
    )
    const org = engopsJson<DoraJson>(['metrics', 'dora', '--from', '2026-05-20', '--to', '2026-07-01'], demo)
    expect(payments.changeFailureRate.rate!).toBeGreaterThan(2 * org.changeFailureRate.rate!)
    // Every team and tier is there, and the hub team has many dependents.
    const yaml = readFileSync(join(demo, 'engops.yaml'), 'utf8')
    for (const type of ['stream-aligned', 'platform', 'enabling', 'complicated-subsystem'])
      expect(yaml).toContain(`type: ${type}`)
    expect(yaml.match(/provider: platform/g)).toHaveLength(4)
    expect(yaml).toContain('kr-lead-time')
  })
})
