/**
 * The report model: every report is data first — one typed structure, which is also its
 * `--json` — and the shared renderers (terminal, Markdown, HTML) only lay it out. A section
 * without data says so and why instead of disappearing.
 */

/** The seed dashboard's signals: ✅ elite / on target, 🟢 good, 🟡 watch, 🔴 act, ⚪ no data. */
export type Signal = 'elite' | 'good' | 'watch' | 'act' | 'none'

export interface ReportLine {
  signal: Signal
  label: string
  value: string
  /** Tier or target, e.g. "Elite" or "target: < 1 day". */
  context?: string
  /** Change against the previous period, in words ("up 15% from last month"). */
  change?: string
  /** A KPI id or other reference for drill-down. */
  ref?: string
}

export interface ReportTable {
  title?: string
  columns: string[]
  rows: string[][]
  /** A signal per row, shown as its first cell's symbol. */
  signals?: Signal[]
}

export interface ChartSeries {
  name: string
  /** One value per category; null where there is no data. */
  values: (number | null)[]
}

export interface ChartSpec {
  id: string
  title: string
  kind: 'line' | 'bar'
  /** Unit label of the values, e.g. "hours", "%", "per day". */
  unit: string
  categories: string[]
  series: ChartSeries[]
  /** A target drawn as a horizontal line. */
  target?: number
  /** Shaded value ranges behind the series, e.g. the DORA tiers (null: open end). */
  bands?: { label: string; from: number | null; to: number | null; color: string }[]
}

export interface ReportSection {
  id: string
  title: string
  icon?: string
  lines: ReportLine[]
  tables: ReportTable[]
  charts: ChartSpec[]
  notes: string[]
  /** Set when the section has no data: why, and what would fill it. */
  missing?: string
}

export interface Report {
  kind: string
  title: string
  org: string
  scope: string
  period: { from: string; to: string; label: string }
  /** The instant the report describes ("now"); reports are reproducible from it. */
  asOf: string
  /** The org-local calendar day of `asOf`, as the human-readable renderers print it. */
  asOfDate: string
  summary: string[]
  sections: ReportSection[]
}

export function section(id: string, title: string, icon?: string): ReportSection {
  return { id, title, ...(icon ? { icon } : {}), lines: [], tables: [], charts: [], notes: [] }
}
