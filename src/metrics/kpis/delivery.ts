/** The delivery KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { ge, type KpiDefinition, le, trend } from './define.js'

export const DELIVERY_KPIS = [
  {
    id: 'velocity',
    name: 'Velocity (points per sprint)',
    family: 'delivery',
    unit: 'points',
    direction: 'higher',
    target: trend,
    frequency: 'monthly',
    owner: 'head-of-engineering',
    paired: 'bug_rate',
    minN: 1,
    seed: '000 "Story points per sprint (track trend)"',
    read: (b) => ({ value: b.delivery.velocity.mean, n: b.delivery.sprints }),
  },
  {
    id: 'sprint_predictability',
    name: 'Sprint predictability',
    family: 'delivery',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.8, 0.7),
    frequency: 'monthly',
    owner: 'head-of-engineering',
    paired: 'velocity',
    minN: 1,
    seed: '000 "target: >80%"',
    read: (b) => {
      const p = b.delivery.predictability
      const note =
        p.unknown === 0
          ? undefined
          : `${p.unknown} of ${b.delivery.sprints} sprints do not report completedCommitted and are left out`
      return { value: p.rate, n: b.delivery.sprints - p.unknown, ...(note ? { note } : {}) }
    },
  },
  {
    id: 'roadmap_predictability',
    name: 'Roadmap delivery predictability',
    family: 'delivery',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.8, 0.7),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '003 "80–90% predictability"',
    read: (b) => ({ value: b.roadmap.rate, n: b.roadmap.quarters.length }),
  },
  {
    id: 'dependency_aging',
    name: 'Open cross-team dependency age (p50 days)',
    family: 'delivery',
    unit: 'days',
    direction: 'lower',
    target: le(14, 30),
    frequency: 'weekly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '003 "Reduce aging; set SLA"',
    read: (b) => ({ value: b.dependencies.medianAgeDays, n: b.dependencies.open }),
  },
] as const satisfies readonly KpiDefinition[]
