/**
 * The KPI catalog: every metric of the scoreboard as a KPI with its unit, direction, target and
 * yellow band from the seeds (`000` monthly dashboard, `001` VP tables, `003` KPI framework,
 * `004` role KPIs), review frequency, owning role, paired metric (speed beside quality) and the
 * smallest sample that makes it meaningful. Targets can be overridden in `engops.yaml` `targets`.
 * One file per family under kpis/; this list is their order on every surface.
 */

import { CAPACITY_KPIS } from './kpis/capacity.js'
import { COST_KPIS } from './kpis/cost.js'
import type { KpiDefinition } from './kpis/define.js'
import { DELIVERY_KPIS } from './kpis/delivery.js'
import { DORA_KPIS } from './kpis/dora.js'
import { DX_KPIS } from './kpis/dx.js'
import { FLOW_KPIS } from './kpis/flow.js'
import { HIRING_KPIS } from './kpis/hiring.js'
import { MEASURED_KPIS } from './kpis/measured.js'
import { PLATFORM_KPIS } from './kpis/platform.js'
import { QUALITY_KPIS } from './kpis/quality.js'
import { RELEASE_KPIS } from './kpis/release.js'
import { RELIABILITY_KPIS } from './kpis/reliability.js'
import { REVIEWS_KPIS } from './kpis/reviews.js'
import { SECURITY_KPIS } from './kpis/security.js'
import { SLO_KPIS } from './kpis/slo.js'
import { TEAM_HEALTH_KPIS } from './kpis/team-health.js'

export type { Direction, Frequency, KpiDefinition, Reading, Target, Unit } from './kpis/define.js'

const CATALOG = [
  ...DORA_KPIS,
  ...FLOW_KPIS,
  ...REVIEWS_KPIS,
  ...DELIVERY_KPIS,
  ...QUALITY_KPIS,
  ...SLO_KPIS,
  ...RELIABILITY_KPIS,
  ...RELEASE_KPIS,
  ...CAPACITY_KPIS,
  ...PLATFORM_KPIS,
  ...SECURITY_KPIS,
  ...TEAM_HEALTH_KPIS,
  ...HIRING_KPIS,
  ...COST_KPIS,
  ...DX_KPIS,
  ...MEASURED_KPIS,
] as const satisfies readonly KpiDefinition[]

/** The id of a KPI that exists: reports, scorecards and the dashboard name KPIs by it. */
export type KpiId = (typeof CATALOG)[number]['id']

export interface CatalogKpi extends KpiDefinition {
  id: KpiId
}

export const KPI_CATALOG: readonly CatalogKpi[] = CATALOG

/** Lookup by any text (an org file's `targets`, a URL); typed code names a `KpiId`. */
export const KPI_BY_ID: ReadonlyMap<string, CatalogKpi> = new Map(KPI_CATALOG.map((kpi) => [kpi.id, kpi]))

export function isKpiId(id: string): id is KpiId {
  return KPI_BY_ID.has(id)
}
