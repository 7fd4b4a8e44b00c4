/** The security KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { ge, type KpiDefinition } from './define.js'

export const SECURITY_KPIS = [
  {
    id: 'vulnerability_sla',
    name: 'Vulnerabilities fixed within SLA',
    family: 'security',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.95, 0.85),
    frequency: 'monthly',
    owner: 'head-of-engineering',
    minN: 1,
    seed: '003 "95%+ within SLA"',
    read: (b) => ({ value: b.security.rate, n: b.security.due }),
  },
] as const satisfies readonly KpiDefinition[]
