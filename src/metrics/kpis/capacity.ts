/** The capacity KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { type KpiDefinition, le } from './define.js'

export const CAPACITY_KPIS = [
  {
    id: 'allocation_deviation',
    name: 'Capacity allocation off plan (largest gap)',
    family: 'capacity',
    unit: 'fraction',
    direction: 'lower',
    target: le(0.05, 0.15),
    frequency: 'quarterly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '003 capacity allocation (roadmap, tech debt, reliability, security)',
    read: (b) => {
      const gaps = Object.values(b.allocation.byInvestment)
        .map((i) => i.gap)
        .filter((g): g is number => g !== null)
      return {
        value: gaps.length ? Math.max(...gaps.map(Math.abs)) : null,
        n: gaps.length ? b.allocation.points : 0,
      }
    },
  },
] as const satisfies readonly KpiDefinition[]
