/**
 * The scoreboard surfaces on the demo organization: the JSON contracts of `kpis`, `metrics
 * <family>` and `scorecard`, and the demo's stories showing in the numbers.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { KpiResult } from '../src/engine/engine.js'
import { engops, engopsJson, tempDir } from './helpers.js'

let demo: string
let cleanup: () => void
const PERIOD = ['--from', '2026-05-01', '--to', '2026-06-01']

beforeAll(() => {
  const temp = tempDir()
  cleanup = temp.cleanup
  demo = join(temp.dir, 'acme')
  const result = engops(['demo', '--dir', demo, '--seed', '7', '--end', '2026-05-31', '--quiet'], temp.dir)
  if (result.code !== 0) throw new Error(result.stderr)
})
afterAll(() => cleanup())

interface KpisJson {
  scope: { kind: string; id?: string }
  period: { from: string; to: string }
  kpis: KpiResult[]
}

const byId = (kpis: KpiResult[]) => Object.fromEntries(kpis.map((kpi) => [kpi.id, kpi]))

describe('engops kpis', () => {
  test('every catalog KPI is reported with a status, and n, target and trend follow the contract', () => {
    const answer = engopsJson<KpisJson>(['kpis', ...PERIOD], demo)
    expect(answer.period).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' })
    expect(answer.kpis.length).toBeGreaterThan(80)
    for (const kpi of answer.kpis) {
      expect(['green', 'yellow', 'red', 'no-data']).toContain(kpi.status)
      if (kpi.status === 'no-data') expect(kpi.note).toBeTruthy()
      else expect(typeof kpi.value).toBe('number')
    }
    const kpis = byId(answer.kpis)
    // Durations in seconds, rates as fractions.
    expect(kpis.lead_time_p50!.unit).toBe('seconds')
    expect(kpis.change_failure_rate!.value).toBeLessThan(1)
    expect(kpis.lead_time_p50!.target).toEqual({ kind: 'threshold', op: '<', value: 86400, yellow: 604800 })
    // Almost everything has data in the demo: only what the month cannot show is missing.
    const missing = answer.kpis.filter((kpi) => kpi.status === 'no-data').map((kpi) => kpi.id)
    expect(missing.length).toBeLessThanOrEqual(6)
  })

  test('the regressing team is red where it should be: Beta’s reviews and sprints', () => {
    const beta = byId(engopsJson<KpisJson>(['kpis', '--team', 'beta', ...PERIOD], demo).kpis)
    const alpha = byId(engopsJson<KpisJson>(['kpis', '--team', 'alpha', ...PERIOD], demo).kpis)
    expect(beta.review_sla_share!.status).toBe('red')
    expect(beta.review_sla_share!.trend?.direction).toBe('worsening')
    expect(alpha.review_sla_share!.value!).toBeGreaterThan(beta.review_sla_share!.value!)
    expect(beta.sprint_predictability!.status).toBe('red')
    expect(beta.lead_time_p50!.trend?.direction).toBe('worsening')
  })

  test('payments burns its error budget: its SLO is missed and the burn is red', () => {
    const slo = engopsJson<{
      summary: { entries: { id: string; status: { met: boolean; budgetRemaining: number; alert: string } }[] }
      kpis: KpiResult[]
    }>(['metrics', 'slo', '--service', 'payments', ...PERIOD], demo)
    expect(slo.summary.entries[0]).toMatchObject({ id: 'payments-availability', status: { met: false } })
    expect(slo.summary.entries[0]!.status.budgetRemaining).toBeLessThan(0)
    expect(slo.summary.entries[0]!.status.alert).toBe('ticket')
    expect(byId(slo.kpis).error_budget_burn!.status).toBe('red')
    const storefront = engopsJson<{ summary: { entries: { status: { met: boolean } }[] } }>(
      ['metrics', 'slo', '--service', 'storefront', ...PERIOD],
      demo,
    )
    expect(storefront.summary.entries[0]!.status.met).toBe(true)
  })

  test('--role keeps a scorecard’s KPIs; an unknown role is a usage error', () => {
    const sre = engopsJson<KpisJson>(['kpis', '--role', 'sre', ...PERIOD], demo)
    expect(sre.kpis.map((kpi) => kpi.id).sort()).toEqual([
      'alert_precision',
      'backup_restore',
      'mttr',
      'pages_per_team_week',
      'slo_attainment',
    ])
    const bad = engops(['kpis', '--role', 'wizard'], demo)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown role "wizard"')
  })

  test('the terminal view uses the seed dashboard’s status symbols and shows targets and trends', () => {
    const text = engops(['kpis', '--team', 'beta', ...PERIOD], demo).stdout
    expect(text).toContain('Engineering KPIs — team beta')
    expect(text).toMatch(/\[act\]\s+Reviews within 24 h\s+\d+\.\d%\s+target >= 90\.0%/)
    expect(text).toMatch(/\d+ ok · \d+ watch · \d+ act · \d+ n\/a/)
  })
})

describe('engops metrics <family>', () => {
  test('every family answers with its summary and its KPIs', () => {
    const families = [
      'flow',
      'reviews',
      'delivery',
      'quality',
      'reliability',
      'slo',
      'release',
      'capacity',
      'platform',
      'security',
      'team-health',
      'hiring',
      'cost',
      'dx',
    ]
    // Each family's summary has its documented fields, and its KPIs are exactly the catalog's
    // KPIs of that family with the same values as `engops kpis` gives.
    const fields: Record<string, string[]> = {
      flow: ['cycleTime', 'flowEfficiency', 'throughput', 'waitTime', 'wip'],
      reviews: ['mergedWithoutReview', 'productivity', 'size', 'turnaround'],
      delivery: ['dependencies', 'predictability', 'roadmap', 'scopeChange', 'sprints', 'velocity'],
      quality: [
        'bugRatePer100Points',
        'bugs',
        'customerReported',
        'customerReportedPer1000Users',
        'defectEscapeRate',
        'escapedDefects',
        'knownOrigin',
        'pointsCompleted',
      ],
      reliability: [
        'actionItems',
        'incidents',
        'mtta',
        'mttr',
        'pages',
        'postmortems',
        'responseTime',
        'updateCadence',
      ],
      slo: ['attainment', 'entries', 'judged', 'met', 'ratio', 'worstBurn'],
      release: [
        'flags',
        'fridayOrWeekend',
        'fridayOrWeekendShare',
        'hotfixes',
        'hotfixesPerMonth',
        'perWeek',
        'regressionRate',
        'regressionReported',
        'regressions',
        'releases',
        'rollbackRate',
        'rollbacks',
        'successRate',
      ],
      capacity: ['byInvestment', 'points'],
      platform: ['onboarding', 'pavedRoad', 'supportRequests'],
      security: ['bySeverity', 'due', 'open', 'rate', 'withinSla'],
      'team-health': [
        'attrition',
        'engagement',
        'enps',
        'headcount',
        'hires',
        'leaves',
        'regrettableAttrition',
        'voluntaryAttrition',
      ],
      hiring: ['funnel', 'interviewToHire', 'offers', 'timeToFill', 'timeToProductivity'],
      cost: [
        'cloud',
        'cloudPerUser',
        'cloudVariance',
        'costPerDeploy',
        'costPerEngineer',
        'engineers',
        'headcount',
        'months',
        'revenue',
        'revenuePerEngineer',
        'tooling',
        'toolingPerEngineer',
      ],
      dx: ['builds', 'docs', 'failed', 'failureRate', 'flaky', 'flakyRate', 'runs', 'survey'],
    }
    const all = engopsJson<KpisJson>(['kpis', ...PERIOD], demo).kpis
    for (const family of families) {
      const answer = engopsJson<{ family: string; summary: Record<string, unknown>; kpis: KpiResult[] }>(
        ['metrics', family, ...PERIOD],
        demo,
      )
      expect(answer.family).toBe(family)
      expect(Object.keys(answer.summary).sort(), family).toEqual(fields[family])
      expect(answer.kpis, family).toEqual(all.filter((kpi) => kpi.family === family))
    }
    const reliability = engopsJson<{ summary: { incidents: { total: number }; postmortems: unknown } }>(
      ['metrics', 'reliability', ...PERIOD],
      demo,
    )
    expect(reliability.summary.incidents.total).toBeGreaterThan(0)
    // The DX survey by question, with the previous period for its trend.
    const dx = engopsJson<{ summary: { survey: { question: string }[] }; previous: { survey: unknown[] } }>(
      ['metrics', 'dx', ...PERIOD],
      demo,
    )
    expect(dx.summary.survey.map((q) => q.question)).toContain('dx-code-review')
    expect(dx.summary.survey).toHaveLength(12)
    expect(dx.previous.survey.length).toBeGreaterThan(0)
  })
})

describe('targets in engops.yaml', () => {
  test('an override changes the status the same numbers get', () => {
    const before = byId(engopsJson<KpisJson>(['kpis', ...PERIOD], demo).kpis).deploy_frequency!
    expect(before.status).toBe('green')
    const config = join(demo, 'engops.yaml')
    const text = readFileSync(config, 'utf8')
    writeFileSync(config, `${text}targets:\n  deploy_frequency: { op: '>=', value: 100, yellow: 50 }\n`)
    try {
      const after = byId(engopsJson<KpisJson>(['kpis', ...PERIOD], demo).kpis).deploy_frequency!
      expect(after.value).toBe(before.value)
      expect(after.target).toEqual({ kind: 'threshold', op: '>=', value: 100, yellow: 50 })
      expect(after.status).toBe('red')
    } finally {
      writeFileSync(config, text)
    }
  })
})

describe('engops scorecard', () => {
  test('a role’s KPIs with its thresholds and its checkable definition of done', () => {
    const card = engopsJson<{
      role: string
      status: string
      kpis: KpiResult[]
      definitionOfDone: { item: string; met: boolean; evidence: string }[]
    }>(['scorecard', 'tech-lead', '--team', 'beta', ...PERIOD], demo)
    expect(card.role).toBe('tech-lead')
    // The tech lead's "SLOs green" means every SLO met.
    expect(byId(card.kpis).slo_attainment!.target).toEqual({
      kind: 'threshold',
      op: '>=',
      value: 1,
      yellow: 0.9,
    })
    expect(card.definitionOfDone.map((d) => d.item)).toEqual([
      'One owner per service',
      'Rollback < 5 minutes',
      'Preview environments p95 < 5 minutes',
      'Pager quiet (≤ 2 pages per week)',
    ])
    for (const item of card.definitionOfDone) expect(item.evidence.length).toBeGreaterThan(5)
    const cto = engops(['scorecard', 'cto', ...PERIOD], demo)
    expect(cto.stdout).toContain('Scorecard: CTO — Chief Technology Officer')
    expect(cto.stdout).toMatch(/100% services owned with SLOs & runbooks\s+\d+ of 12 services/)
  })
})
