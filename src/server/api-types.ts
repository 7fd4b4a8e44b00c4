/**
 * The API's response types, declared once: the server returns them and the dashboard (web/)
 * imports them, so a change to either side is a type error on the other.
 */
import type { DoraJson, KpiId, KpiResult, Scope } from '../engine/engine.js'

export type { KpiId, KpiResult, Scope }

export interface Period {
  from: string
  to: string
}

export interface OrgResponse {
  name: string
  timezone: string
  teams: { id: string; name: string; type: string; members: number }[]
  services: { id: string; name: string; owner: string; tier: number }[]
  slos: { id: string; service: string; objective: number }[]
  roles: string[]
  reports: string[]
}

export interface KpisResponse {
  scope: Scope
  period: Period
  kpis: KpiResult[]
}

export interface FamilyResponse extends KpisResponse {
  family: string
  summary: unknown
  previous: unknown
}

export type DoraResponse = DoraJson

export interface TrendsResponse {
  /** Month labels, oldest first ("Jan 2026"). */
  categories: string[]
  periods: Period[]
  /** Per KPI id, one value per month (null without data), in the KPI's base unit. */
  series: Record<string, (number | null)[]>
  units: Record<string, string>
  /** Benchmark tiers of the DORA KPIs among them, in the same base unit. */
  bands: Record<
    string,
    { tier: 'elite' | 'high' | 'medium' | 'low'; from: number | null; to: number | null }[]
  >
}

export interface PageResponse<T = Record<string, unknown>> {
  items: T[]
  page: number
  pageSize: number
  total: number
}

export interface OperatingResponse<T = unknown> {
  at: string
  data: T
}

export interface ErrorResponse {
  error: {
    code: string
    message: string
    details?: { file?: string; line?: number; path?: string; message: string }[]
  }
}
