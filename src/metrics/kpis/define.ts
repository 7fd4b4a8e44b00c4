/**
 * What a KPI of the catalog is (unit, direction, target with its yellow band, cadence, owner,
 * pair, minimum sample, seed and how it reads the scoreboard) and the helpers the family files
 * write their targets and readings with. Durations in KPI values and targets are seconds.
 */
import { type Scoreboard, SOURCES, type SourceKey } from '../scoreboard.js'

export type Unit =
  | 'seconds'
  | 'fraction'
  | 'per-day'
  | 'per-week'
  | 'per-month'
  | 'count'
  | 'points'
  | 'score'
  | 'nps'
  | 'currency'
  | 'per-100-points'
  | 'per-1000-users'
  | 'ratio'
  | 'days'
  | 'lines'

export type Direction = 'higher' | 'lower'
export type Frequency = 'weekly' | 'monthly' | 'quarterly'

export type Target =
  /** Green when `value op target`; yellow up to the `yellow` bound; red beyond. */
  | { kind: 'threshold'; op: '<' | '<=' | '>' | '>='; value: number; yellow: number }
  /** Green inside [min, max]; yellow within `tolerance` (a fraction) outside it. */
  | { kind: 'range'; min: number; max: number; tolerance: number }
  /** No fixed number in the seeds: judged by the trend against the previous period. */
  | { kind: 'trend' }

export interface Reading {
  value: number | null
  n: number
  /** Why there is no value, or how the value was reached when it needs saying (a fallback). */
  note?: string
}

export interface KpiDefinition {
  id: string
  name: string
  family: string
  unit: Unit
  direction: Direction
  target: Target
  frequency: Frequency
  owner: string
  paired?: string
  /** Below this sample size the KPI shows "not enough data", never a misleading number. */
  minN: number
  /** Where the KPI and its target come from. */
  seed: string
  read: (board: Scoreboard) => Reading
}

/** Durations for targets, in seconds (the unit of every duration KPI). */
export const minutes = (n: number) => n * 60
export const hours = (n: number) => n * 3600
export const days = (n: number) => n * 86_400

export const lt = (value: number, yellow: number): Target => ({ kind: 'threshold', op: '<', value, yellow })
export const le = (value: number, yellow: number): Target => ({ kind: 'threshold', op: '<=', value, yellow })
export const gt = (value: number, yellow: number): Target => ({ kind: 'threshold', op: '>', value, yellow })
export const ge = (value: number, yellow: number): Target => ({ kind: 'threshold', op: '>=', value, yellow })
export const trend: Target = { kind: 'trend' }
/**
 * A reading that is "no data", with the reason, while a source it depends on does not cover the
 * period: zero pages means "none happened" only when incidents are ingested up to the period's end.
 */
export const needs =
  (sources: SourceKey | readonly SourceKey[], read: (board: Scoreboard) => Reading) =>
  (board: Scoreboard): Reading => {
    const missing = (typeof sources === 'string' ? [sources] : sources).find((s) => !board.sources[s])
    return missing === undefined ? read(board) : { value: null, n: 0, note: SOURCES[missing] }
  }

export const measured =
  (kpi: string) =>
  (b: Scoreboard): Reading => {
    const m = b.measurements.get(kpi)
    return { value: m?.value ?? null, n: m?.n ?? 0 }
  }
