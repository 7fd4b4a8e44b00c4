import { describe, expect, test } from 'vitest'
import { MINIMAL_CONFIG } from '../../test/helpers.js'
import { EngopsError } from '../model/errors.js'
import { orgJsonSchema } from './json-schema.js'
import { parseConfig } from './load-config.js'
import { STARTER_CONFIG } from './starter.js'

const MINIMAL = MINIMAL_CONFIG

function problems(text: string): string[] {
  try {
    parseConfig(text, 'engops.yaml')
    return []
  } catch (error) {
    expect(error).toBeInstanceOf(EngopsError)
    return (error as EngopsError).details.map((d) => `${d.file}:${d.line}: ${d.path}: ${d.message}`)
  }
}

describe('engops.yaml', () => {
  test('the minimal file of the foundation issue is accepted as it is', () => {
    const { org } = parseConfig(MINIMAL, 'engops.yaml')
    expect(org.org).toMatchObject({ name: 'Acme', timezone: 'UTC', benchmarkProfile: 'default' })
    expect(org.services[0]).toMatchObject({ id: 'storefront', owner: 'web', tier: 1, repositories: ['shop'] })
  })

  test('the starter file written by "engops init" is valid', () => {
    expect(parseConfig(STARTER_CONFIG, 'engops.yaml').org.teams).toHaveLength(1)
  })

  test('dangling references are errors with file, line and path', () => {
    const text = MINIMAL.replace('team: web }', 'team: mobile }').replace('owner: web', 'owner: webb')
    expect(problems(text)).toEqual([
      'engops.yaml:3: people[0].team: unknown team "mobile"',
      'engops.yaml:7: services[0].owner: unknown team "webb"',
    ])
  })

  test('schema errors name the line and the path; unknown fields are caught', () => {
    const text = `${MINIMAL}slos:\n  - id: storefront-avail\n    service: storefront\n    objective: 120\n    windw: 30d\n`
    expect(problems(text)).toEqual([
      'engops.yaml:11: slos[0].objective: Too big: expected number to be <100',
      'engops.yaml:12: slos[0]: unknown field "windw"',
    ])
    expect(problems('org: { name: Acme, timezone: Mars/Olympus }\n')).toEqual([
      'engops.yaml:1: org.timezone: unknown IANA time zone',
    ])
  })

  test('duplicate ids and YAML syntax errors', () => {
    expect(
      problems(MINIMAL.replace('teams:\n', 'teams:\n  - { id: web, name: Web 2, type: platform }\n')),
    ).toEqual(['engops.yaml:6: teams[1].id: duplicate team id "web"'])
    expect(problems('org: { name: Acme\n')[0]).toMatch(/^engops\.yaml:2: undefined: Flow map/)
  })

  test('KPI target overrides: a known KPI with a threshold or a range; unknown KPIs are errors', () => {
    const ok = parseConfig(
      `${MINIMAL}targets:\n  lead_time_p50: { op: '<', value: 43200, yellow: 172800 }\n  cost_per_engineer: { min: 150000, max: 200000 }\n`,
      'engops.yaml',
    )
    expect(ok.org.targets).toEqual({
      lead_time_p50: { op: '<', value: 43200, yellow: 172800 },
      cost_per_engineer: { min: 150000, max: 200000, tolerance: 0.1 },
    })
    expect(problems(`${MINIMAL}targets:\n  lead_time: { op: '<', value: 1, yellow: 2 }\n`)).toEqual([
      'engops.yaml:9: targets.lead_time: unknown KPI "lead_time" (see "engops kpis")',
    ])
  })

  test('the JSON Schema describes the sections', () => {
    const schema = orgJsonSchema() as { properties: Record<string, unknown>; required: string[] }
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['org', 'people', 'teams', 'services', 'slos', 'dependencies', 'okrs']),
    )
    expect(schema.required).toEqual(['org'])
  })
})
