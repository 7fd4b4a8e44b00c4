/** The platform KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { days, ge, type KpiDefinition, lt, needs } from './define.js'

export const PLATFORM_KPIS = [
  {
    id: 'platform_adoption',
    name: 'Paved-road adoption',
    family: 'platform',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.8, 0.6),
    frequency: 'monthly',
    owner: 'head-of-platform',
    minN: 1,
    seed: '004 "Adoption ≥ 80%"; 001 "Self-service adoption > 80%"',
    read: needs('pavedRoad', (b) => ({
      value: b.platform.pavedRoad.adoption,
      n: b.platform.pavedRoad.services,
    })),
  },
  {
    id: 'service_onboarding_time',
    name: 'Time to onboard a new service',
    family: 'platform',
    unit: 'seconds',
    direction: 'lower',
    target: lt(days(1), days(7)),
    frequency: 'quarterly',
    owner: 'head-of-platform',
    minN: 1,
    seed: '001 "Time to onboard new service < 1 day"',
    read: (b) => ({ value: b.platform.onboarding.median, n: b.platform.onboarding.n }),
  },
  {
    id: 'support_requests',
    name: 'Support requests per team per month',
    family: 'platform',
    unit: 'per-month',
    direction: 'lower',
    target: lt(5, 10),
    frequency: 'monthly',
    owner: 'head-of-platform',
    minN: 0,
    seed: '001 "Support tickets per team per month < 5"',
    read: needs('workItems', (b) => ({
      value: b.platform.supportRequests.perTeamPerMonth,
      n: b.platform.supportRequests.teams,
    })),
  },
] as const satisfies readonly KpiDefinition[]
