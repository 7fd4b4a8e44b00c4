import { describe, expect, test } from 'vitest'
import { KPI_BY_ID, KPI_CATALOG } from './kpi-catalog.js'
import { evaluateKpi, statusAgainst, trendOf } from './kpi-status.js'

const kpi = (id: string) => KPI_BY_ID.get(id)!

describe('KPI status', () => {
  test('thresholds with a yellow band: lead time < 1 day green, up to 7 days yellow, beyond red', () => {
    expect(evaluateKpi(kpi('lead_time_p50'), { value: 3 * 3600, n: 10 }, null).status).toBe('green')
    expect(evaluateKpi(kpi('lead_time_p50'), { value: 3 * 86400, n: 10 }, null).status).toBe('yellow')
    expect(evaluateKpi(kpi('lead_time_p50'), { value: 8 * 86400, n: 10 }, null).status).toBe('red')
    expect(evaluateKpi(kpi('sprint_predictability'), { value: 0.85, n: 2 }, null).status).toBe('green')
    expect(evaluateKpi(kpi('sprint_predictability'), { value: 0.75, n: 2 }, null).status).toBe('yellow')
    expect(evaluateKpi(kpi('sprint_predictability'), { value: 0.6, n: 2 }, null).status).toBe('red')
  })

  test('ranges: cost per engineer $180K–250K, within 10 % outside is yellow', () => {
    const target = kpi('cost_per_engineer').target
    expect(statusAgainst(target, 210_000, null)).toBe('green')
    expect(statusAgainst(target, 270_000, null)).toBe('yellow')
    expect(statusAgainst(target, 300_000, null)).toBe('red')
  })

  test('not enough data is its own status, never a zero', () => {
    const result = evaluateKpi(kpi('engagement'), { value: 4.5, n: 3 }, null)
    expect(result).toMatchObject({ status: 'no-data', note: 'not enough data (n=3, needs 5)' })
    expect(evaluateKpi(kpi('mttr'), { value: null, n: 0 }, null)).toMatchObject({
      status: 'no-data',
      note: 'no data in the period',
    })
  })

  test('trend: direction-aware, flat within 2 %, trend-only KPIs judged by how much they worsened', () => {
    expect(trendOf(120, 150, 'higher')).toEqual({
      previous: 150,
      change: -30,
      relative: -0.2,
      direction: 'worsening',
    })
    expect(trendOf(120, 150, 'lower').direction).toBe('improving')
    expect(trendOf(101, 100, 'higher').direction).toBe('flat')
    // Velocity (trend-only) fell 20 % — the seed's scenario — yellow; 25 % is red.
    expect(evaluateKpi(kpi('velocity'), { value: 120, n: 6 }, { value: 150, n: 6 }).status).toBe('yellow')
    expect(evaluateKpi(kpi('velocity'), { value: 112, n: 6 }, { value: 150, n: 6 }).status).toBe('red')
    expect(evaluateKpi(kpi('velocity'), { value: 160, n: 6 }, { value: 150, n: 6 }).status).toBe('green')
    expect(evaluateKpi(kpi('velocity'), { value: 160, n: 6 }, null)).toMatchObject({
      status: 'no-data',
      note: expect.stringContaining('no previous period'),
    })
  })

  test('overrides from engops.yaml replace the seed target', () => {
    const result = evaluateKpi(kpi('lead_time_p50'), { value: 3 * 3600, n: 10 }, null, {
      kind: 'threshold',
      op: '<',
      value: 3600,
      yellow: 4 * 3600,
    })
    expect(result.status).toBe('yellow')
  })

  test('the catalog is well formed: unique ids, paired metrics exist, every owner is a scorecard role', () => {
    const ids = KPI_CATALOG.map((k) => k.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const k of KPI_CATALOG)
      if (k.paired) expect(KPI_BY_ID.has(k.paired), `${k.id} → ${k.paired}`).toBe(true)
    const roles = new Set([
      'cto',
      'head-of-engineering',
      'head-of-platform',
      'tech-lead',
      'pm',
      'sre',
      'data',
      'staff',
      'engineer',
    ])
    for (const k of KPI_CATALOG) expect(roles.has(k.owner), k.id).toBe(true)
  })
})
