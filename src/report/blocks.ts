/**
 * The pieces reports are made of: a KPI as a dashboard line (value, tier or target, change
 * against the last period), monthly trend charts, and the operating tables (OKRs, initiatives,
 * dependencies, incidents, SLOs) that several reports share.
 */
import type { Engine } from '../engine/engine.js'
import type { Tier } from '../metrics/benchmarks.js'
import { dayKey } from '../metrics/calendar.js'
import type { KpiId } from '../metrics/kpi-catalog.js'
import type { KpiResult } from '../metrics/kpi-status.js'
import type { Incident } from '../model/types.js'
import type { DependencyStatus } from '../operating/dependencies.js'
import type { InitiativeStatus } from '../operating/initiatives.js'
import type { ObjectiveStatus, OkrStatus } from '../operating/okrs.js'
import { formatTarget, formatValue } from './format.js'
import type { ChartSpec, ReportLine, ReportSection, ReportTable, Signal } from './model.js'
import { monthsBefore } from './periods.js'

const TIER_NAME: Record<Tier, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' }

export function kpiSignal(kpi: KpiResult): Signal {
  switch (kpi.status) {
    case 'green':
      return kpi.target.kind === 'trend' ? 'good' : 'elite'
    case 'yellow':
      return 'watch'
    case 'red':
      return 'act'
    case 'no-data':
      return 'none'
  }
}

/** "up 15% from last month": the change in plain words, or "" without a previous value. */
export function changeText(kpi: KpiResult, periodName: string): string {
  if (!kpi.trend || kpi.trend.previous === null) return ''
  const { change, relative } = kpi.trend
  // From zero there is no percentage, but anything but zero again is a rise or a fall.
  if (relative === null) {
    if (change === 0) return `flat vs last ${periodName}`
    return `${change > 0 ? 'up' : 'down'} from ${formatValue(0, kpi.unit)} last ${periodName}`
  }
  if (Math.abs(relative) < 0.02) return `flat vs last ${periodName}`
  const pct = Math.round(Math.abs(relative) * 100)
  return `${change > 0 ? 'up' : 'down'} ${pct}% from ${formatValue(kpi.trend.previous, kpi.unit)} last ${periodName}`
}

export interface KpiLineOptions {
  label?: string
  tier?: Tier | null
  periodName?: string
}

/** A KPI as the seed dashboard writes it: "Lead Time: 3 days (High, target: <1 day)". */
export function kpiLine(kpi: KpiResult | undefined, options: KpiLineOptions = {}): ReportLine | null {
  if (!kpi) return null
  const label = options.label ?? kpi.name
  if (kpi.status === 'no-data') {
    return { signal: 'none', label, value: 'no data', context: kpi.note ?? undefined, ref: kpi.id }
  }
  const tier = options.tier ?? null
  const target =
    kpi.target.kind === 'trend' ? null : `target: ${formatTarget(kpi.target, kpi.unit, kpi.direction)}`
  const context = tier
    ? [TIER_NAME[tier], kpi.status !== 'green' ? target : null].filter(Boolean).join(', ')
    : (target ?? undefined)
  const change = changeText(kpi, options.periodName ?? 'period')
  return {
    // The marker is always the target status; the benchmark tier is a word beside the value.
    signal: kpiSignal(kpi),
    label,
    value: formatValue(kpi.value, kpi.unit),
    ...(context ? { context } : {}),
    ...(change ? { change } : {}),
    ref: kpi.id,
  }
}

export function addLines(section: ReportSection, lines: (ReportLine | null)[]): void {
  for (const line of lines) if (line) section.lines.push(line)
}

export function byId(kpis: readonly KpiResult[]): Map<KpiId, KpiResult> {
  return new Map(kpis.map((k) => [k.id, k]))
}

/** Marks a section as empty when none of its lines has data, saying which sources would fill it. */
export function requireData(section: ReportSection, why: string): void {
  if (
    section.lines.length > 0 &&
    section.lines.every((l) => l.signal === 'none') &&
    section.tables.length === 0
  ) {
    section.missing = why
    section.lines = []
    section.charts = []
  }
}

export interface TrendMetric {
  kpi: KpiId
  label: string
  unit: string
  scale: (value: number) => number
}

export const HOURS = (seconds: number) => Math.round((seconds / 3600) * 10) / 10
export const PERCENT = (fraction: number) => Math.round(fraction * 1000) / 10
export const AS_IS = (value: number) => Math.round(value * 100) / 100

/** KPI values month by month (the `months` months ending with the report's), for trend charts. */
export async function monthlyTrend(
  engine: Engine,
  to: number,
  months: number,
  metrics: readonly TrendMetric[],
  scope: { team?: string } = {},
): Promise<{ categories: string[]; values: Map<string, (number | null)[]> }> {
  const periods = monthsBefore(to, months, engine.org.org.timezone)
  const values = new Map(metrics.map((m) => [m.kpi, [] as (number | null)[]]))
  for (const period of periods) {
    const answer = await engine.kpis({
      ...scope,
      from: new Date(period.from).toISOString(),
      to: new Date(period.to).toISOString(),
    })
    const found = byId(answer.kpis)
    for (const m of metrics) {
      const kpi = found.get(m.kpi)
      values
        .get(m.kpi)!
        .push(kpi && kpi.value !== null && kpi.status !== 'no-data' ? m.scale(kpi.value) : null)
    }
  }
  return { categories: periods.map((p) => p.label.replace(/^(\w{3})\w* (\d{4})$/, '$1 $2')), values }
}

export function trendChart(
  id: string,
  title: string,
  trend: { categories: string[]; values: Map<string, (number | null)[]> },
  metric: TrendMetric,
  kind: 'line' | 'bar' = 'line',
): ChartSpec {
  return {
    id,
    title,
    kind,
    unit: metric.unit,
    categories: trend.categories,
    series: [{ name: metric.label, values: trend.values.get(metric.kpi) ?? [] }],
  }
}

const OKR_SIGNAL: Record<OkrStatus, Signal> = {
  achieved: 'elite',
  'on-track': 'good',
  'at-risk': 'watch',
  'off-track': 'act',
  'no-data': 'none',
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`)
const num = (x: number | null) => (x === null ? '—' : String(Number(x.toFixed(2))))
/** The org-local calendar day of an instant, as reports print dates. */
export const isoDay = (epoch: number | null, zone: string) => (epoch === null ? '—' : dayKey(epoch, zone))

export function okrTable(objectives: readonly ObjectiveStatus[], withScores = false): ReportTable {
  const rows: string[][] = []
  const signals: Signal[] = []
  for (const o of objectives) {
    for (const kr of o.keyResults) {
      rows.push([
        kr.title,
        o.objective,
        o.owner,
        `${num(kr.current)}${kr.unit ? ` ${kr.unit}` : ''} (${num(kr.baseline)} → ${num(kr.target)})`,
        `${pct(kr.progress)} / ${pct(kr.expected)}`,
        withScores ? num(kr.score) : kr.status,
        kr.escalate ? 'escalate' : '',
      ])
      signals.push(OKR_SIGNAL[kr.status])
    }
  }
  return {
    columns: [
      'Key result',
      'Objective',
      'Owner',
      'Value (baseline → target)',
      'Progress / expected',
      withScores ? 'Score' : 'Status',
      '',
    ],
    rows,
    signals,
  }
}

const HEALTH_SIGNAL: Record<InitiativeStatus['health'], Signal> = {
  done: 'elite',
  'on-track': 'good',
  'at-risk': 'watch',
  'off-track': 'act',
  blocked: 'act',
}

export function initiativeTable(list: readonly InitiativeStatus[], zone: string): ReportTable {
  return {
    columns: ['Initiative', 'Owner', 'Status', 'Timeline', 'Impact'],
    rows: list.map((i) => [
      i.name,
      i.owner,
      `${i.health}${i.health !== i.declared ? ` (declared ${i.declared})` : ''}`,
      i.start !== null || i.end !== null ? `${isoDay(i.start, zone)} → ${isoDay(i.end, zone)}` : '—',
      i.impact ?? '—',
    ]),
    signals: list.map((i) => HEALTH_SIGNAL[i.health]),
  }
}

export function dependencyTable(deps: readonly DependencyStatus[]): ReportTable {
  const rows = [...deps].sort((a, b) => (b.ageDays ?? 0) - (a.ageDays ?? 0))
  return {
    columns: ['Dependency', 'Provider → consumer', 'Type', 'Status', 'Risk', 'Age', 'Need-by', 'Next step'],
    rows: rows.map((d) => [
      d.what,
      `${d.provider} → ${d.consumer}`,
      d.type,
      d.status,
      d.risk,
      d.ageDays === null ? '—' : `${d.ageDays} d`,
      d.daysToNeed === null ? '—' : d.daysToNeed < 0 ? `${-d.daysToNeed} d late` : `in ${d.daysToNeed} d`,
      d.escalation === 'escalate-now'
        ? `escalate · ${d.strategyText.split(':')[0]}`
        : d.strategyText.split(':')[0]!,
    ]),
    signals: rows.map((d) => (d.overdue || d.excuse ? 'act' : d.risk === 'high' ? 'watch' : 'good')),
  }
}

const SEVERITY_SIGNAL: Record<string, Signal> = {
  'SEV-1': 'act',
  'SEV-2': 'act',
  'SEV-3': 'watch',
  'SEV-4': 'good',
}

export function incidentTable(incidents: readonly Incident[]): ReportTable {
  const sorted = [...incidents].sort((a, b) => a.detectedAt - b.detectedAt)
  const hours = (ms: number) =>
    ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} d` : `${(ms / 3_600_000).toFixed(1)} h`
  return {
    columns: ['Incident', 'Severity', 'Services', 'Detected', 'Time to restore', 'Postmortem'],
    rows: sorted.map((i) => [
      i.id,
      i.severity,
      i.services.join(', '),
      new Date(i.detectedAt).toISOString().slice(0, 16).replace('T', ' '),
      i.resolvedAt === null ? 'open' : hours(i.resolvedAt - i.detectedAt),
      i.postmortem?.status ?? (i.severity === 'SEV-4' ? 'not needed' : 'not started'),
    ]),
    signals: sorted.map((i) => SEVERITY_SIGNAL[i.severity] ?? 'none'),
  }
}
