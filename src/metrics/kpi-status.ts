/**
 * A KPI's status: green / yellow / red against its target and yellow band, or by its trend when
 * the seeds give no number, and "no-data" (not enough data) when the sample is below the KPI's
 * minimum — never a misleading zero. The trend compares with the previous period of equal length.
 */
import {
  type CatalogKpi,
  type Direction,
  isKpiId,
  type KpiDefinition,
  type KpiId,
  type Reading,
  type Target,
} from './kpi-catalog.js'

export type Status = 'green' | 'yellow' | 'red' | 'no-data'

export interface Trend {
  previous: number
  change: number
  /** Change ÷ |previous|; null when the previous value is zero. */
  relative: number | null
  direction: 'improving' | 'worsening' | 'flat'
}

export interface KpiResult {
  id: KpiId
  name: string
  family: string
  unit: KpiDefinition['unit']
  direction: Direction
  target: Target
  frequency: KpiDefinition['frequency']
  owner: string
  paired: KpiId | null
  value: number | null
  n: number
  status: Status
  trend: Trend | null
  /** Why there is no status, when there is none. */
  note: string | null
}

/** Relative changes smaller than this are flat. */
const FLAT = 0.02

function enough(reading: Reading | null, minN: number): reading is Reading & { value: number } {
  return reading !== null && reading.value !== null && !Number.isNaN(reading.value) && reading.n >= minN
}

export function trendOf(current: number, previous: number, direction: Direction): Trend {
  const change = current - previous
  const relative = previous === 0 ? null : change / Math.abs(previous)
  const size = relative === null ? (change === 0 ? 0 : 1) : Math.abs(relative)
  const better = direction === 'higher' ? change > 0 : change < 0
  return { previous, change, relative, direction: size < FLAT ? 'flat' : better ? 'improving' : 'worsening' }
}

export function statusAgainst(target: Target, value: number, trend: Trend | null): Status | null {
  switch (target.kind) {
    case 'threshold': {
      const meets = {
        '<': value < target.value,
        '<=': value <= target.value,
        '>': value > target.value,
        '>=': value >= target.value,
      }[target.op]
      if (meets) return 'green'
      const lowerIsBetter = target.op === '<' || target.op === '<='
      return (lowerIsBetter ? value <= target.yellow : value >= target.yellow) ? 'yellow' : 'red'
    }
    case 'range': {
      if (value >= target.min && value <= target.max) return 'green'
      const near =
        value >= target.min * (1 - target.tolerance) && value <= target.max * (1 + target.tolerance)
      return near ? 'yellow' : 'red'
    }
    case 'trend': {
      if (trend === null) return null
      if (trend.direction !== 'worsening') return 'green'
      const size = trend.relative === null ? 1 : Math.abs(trend.relative)
      return size > 0.2 ? 'red' : size > 0.05 ? 'yellow' : 'green'
    }
  }
}

export function evaluateKpi(
  kpi: CatalogKpi,
  current: Reading,
  previous: Reading | null,
  override?: Target,
): KpiResult {
  const target = override ?? kpi.target
  const base = {
    id: kpi.id,
    name: kpi.name,
    family: kpi.family,
    unit: kpi.unit,
    direction: kpi.direction,
    target,
    frequency: kpi.frequency,
    owner: kpi.owner,
    paired: kpi.paired !== undefined && isKpiId(kpi.paired) ? kpi.paired : null,
  }
  if (!enough(current, kpi.minN)) {
    const note =
      current.value === null
        ? (current.note ?? 'no data in the period')
        : `not enough data (n=${current.n}, needs ${kpi.minN})`
    return { ...base, value: current.value, n: current.n, status: 'no-data', trend: null, note }
  }
  const trend = enough(previous, kpi.minN) ? trendOf(current.value, previous.value, kpi.direction) : null
  const status = statusAgainst(target, current.value, trend)
  return {
    ...base,
    value: current.value,
    n: current.n,
    status: status ?? 'no-data',
    trend,
    note: status === null ? 'judged by its trend: no previous period to compare' : (current.note ?? null),
  }
}
