import { expect, test } from 'vitest'
import { ALERT_KINDS, type OrgFile, orgFileSchema } from '../model/org.js'
import { alertRules, DEFAULT_ALERT_RULES, inScope, quietMs } from './alerts.js'

const org = (extra: Record<string, unknown>): OrgFile =>
  orgFileSchema.parse({
    org: { name: 'Acme' },
    destinations: [
      { id: 'slack', kind: 'slack', urlEnv: 'S' },
      { id: 'mail', kind: 'email', smtpUrlEnv: 'M', to: ['a@example.com'] },
    ],
    ...extra,
  })

test('one default rule per kind, named by it (engops.yaml checks rule ids against the kinds)', () => {
  expect(DEFAULT_ALERT_RULES.map((r) => r.id)).toEqual([...ALERT_KINDS])
  expect(DEFAULT_ALERT_RULES.every((r) => r.id === r.kind)).toBe(true)
})

test('alerts: default sends every default rule to the chat and webhook destinations', () => {
  const rules = alertRules(org({ alerts: 'default' }))
  expect(rules.map((r) => [r.id, r.to, r.quietMs])).toEqual([
    ['kpi-status', ['slack'], 24 * 3_600_000],
    ['slo-burn', ['slack'], 4 * 3_600_000],
    ['error-budget', ['slack'], 24 * 3_600_000],
    ['okr-status', ['slack'], 7 * 86_400_000],
    ['okr-escalation', ['slack'], 7 * 86_400_000],
    ['dependency-overdue', ['slack'], 86_400_000],
    ['postmortem-overdue', ['slack'], 86_400_000],
    ['gate-failing', ['slack'], 86_400_000],
  ])
  expect(alertRules(org({}))).toEqual([])
})

test('a default switched off, one re-scoped, one of its own; no defaults at all', () => {
  const rules = alertRules(
    org({
      alerts: {
        to: ['mail'],
        rules: [
          { id: 'gate-failing', enabled: false },
          { id: 'kpi-status', scope: { team: 'beta' }, kpis: ['review_sla_share'], quiet: '30m' },
          { id: 'checkout', kind: 'slo-burn', scope: { service: 'checkout' }, to: ['slack'] },
        ],
      },
    }),
  )
  expect(rules.map((r) => r.id)).toEqual([...ALERT_KINDS.filter((k) => k !== 'gate-failing'), 'checkout'])
  expect(rules[0]).toEqual({
    id: 'kpi-status',
    kind: 'kpi-status',
    scope: { team: 'beta' },
    kpis: ['review_sla_share'],
    to: ['mail'],
    quietMs: 30 * 60_000,
  })
  expect(rules.at(-1)).toMatchObject({ kind: 'slo-burn', to: ['slack'], quietMs: 24 * 3_600_000 })
  expect(alertRules(org({ alerts: { defaults: false, rules: [] } }))).toEqual([])
})

test('scopes: a team rule sees its team only, a service rule its service only', () => {
  const [team] = alertRules(org({ alerts: { rules: [{ id: 'kpi-status', scope: { team: 'beta' } }] } }))
  expect(team && inScope(team, { team: 'beta' })).toBe(true)
  expect(team && inScope(team, { team: 'alpha' })).toBe(false)
  const [org_] = alertRules(org({ alerts: { rules: [{ id: 'kpi-status', scope: 'org' }] } }))
  expect(org_ && inScope(org_, { team: 'alpha' })).toBe(true)
  expect(quietMs('2d')).toBe(2 * 86_400_000)
})
