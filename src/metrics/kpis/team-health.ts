/** The team-health KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { gt, type KpiDefinition, lt, needs } from './define.js'

export const TEAM_HEALTH_KPIS = [
  {
    id: 'retention',
    name: 'Retention (annualized)',
    family: 'team-health',
    unit: 'fraction',
    direction: 'higher',
    target: gt(0.9, 0.85),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '000 "Retention: 92% (target: >90%)"',
    read: needs('people', (b) => {
      const attrition = b.teamHealth.attrition.annualized
      return { value: attrition === null ? null : 1 - attrition, n: b.teamHealth.headcount.end }
    }),
  },
  {
    id: 'voluntary_attrition',
    name: 'Voluntary attrition (annualized)',
    family: 'team-health',
    unit: 'fraction',
    direction: 'lower',
    target: lt(0.1, 0.15),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '000 "target: <10%/year"',
    read: needs('people', (b) => ({
      value: b.teamHealth.voluntaryAttrition.annualized,
      n: b.teamHealth.headcount.end,
    })),
  },
  {
    id: 'regrettable_attrition',
    name: 'Regrettable attrition (annualized)',
    family: 'team-health',
    unit: 'fraction',
    direction: 'lower',
    target: lt(0.05, 0.08),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '000 "target: <5%/year"',
    read: needs('people', (b) => ({
      value: b.teamHealth.regrettableAttrition.annualized,
      n: b.teamHealth.headcount.end,
    })),
  },
  {
    id: 'engagement',
    name: 'Engagement score',
    family: 'team-health',
    unit: 'score',
    direction: 'higher',
    target: gt(4, 3.5),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 5,
    seed: '000 "target: >4/5 score"',
    read: (b) => ({ value: b.teamHealth.engagement.score, n: b.teamHealth.engagement.respondents }),
  },
  {
    id: 'enps',
    name: 'eNPS',
    family: 'team-health',
    unit: 'nps',
    direction: 'higher',
    target: gt(0, -10),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 5,
    seed: '000 eNPS; 003 "Positive trend"',
    read: (b) => ({ value: b.teamHealth.enps.score, n: b.teamHealth.enps.respondents }),
  },
] as const satisfies readonly KpiDefinition[]
