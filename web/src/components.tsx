/**
 * The dashboard's building blocks: KPI tiles (status as symbol and word, never colour alone),
 * charts drawn with the same definitions as the reports, accessible drill-down (a click on a
 * chart or a button per point) into the events behind a number, tables and the error banner.
 */
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react'
import { wallClock } from '../../src/metrics/calendar'
import { chartOption } from '../../src/report/chart-options'
import { formatTarget, formatValue } from '../../src/report/format'
import type { ChartSpec } from '../../src/report/model'
import type { KpiId, KpiResult, PageResponse, TrendsResponse } from '../../src/server/api-types'
import { get } from './api'
import type { echarts } from './echarts'

export type Query = { team?: string; service?: string; from?: string; to?: string; profile?: string }

/** Loads `load()` whenever `key` changes; the error, if any, is shown by the page. */
export function useData<T>(
  load: () => Promise<T>,
  key: string,
): { data: T | null; error: Error | null; loading: boolean } {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  })
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything `load` reads
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: Error) => live && setState({ data: null, error, loading: false }),
    )
    return () => {
      live = false
    }
  }, [key])
  return state
}

export function ErrorBanner({ error }: { error: Error | null }) {
  if (!error) return null
  return (
    <div role="alert" className="banner error">
      {error.message}
    </div>
  )
}

export function Loading({ what }: { what: string }) {
  return <p className="loading">Loading {what}…</p>
}

const STATUS_TEXT: Record<KpiResult['status'], [string, string]> = {
  green: ['✓', 'on target'],
  yellow: ['!', 'watch'],
  red: ['✕', 'act'],
  'no-data': ['–', 'no data'],
}

export function KpiTile({ kpi, paired }: { kpi: KpiResult; paired?: KpiResult }) {
  const [symbol, word] = STATUS_TEXT[kpi.status]
  const trend = kpi.trend
  const arrow = !trend ? '' : trend.change > 0 ? '↑' : trend.change < 0 ? '↓' : '→'
  return (
    <article className={`tile ${kpi.status}`} aria-label={`${kpi.name}: ${word}`} data-kpi={kpi.id}>
      <header>
        <span className={`badge ${kpi.status}`} aria-hidden="true">
          {symbol}
        </span>
        <h3>{kpi.name}</h3>
      </header>
      <p className="value">{kpi.status === 'no-data' ? 'no data' : formatValue(kpi.value, kpi.unit)}</p>
      <p className="meta">
        <span className="word">{word}</span>
        {kpi.target.kind !== 'trend' && <> · target {formatTarget(kpi.target, kpi.unit, kpi.direction)}</>}
        {trend && (
          <>
            {' '}
            · {arrow} {trend.relative === null ? '' : `${Math.abs(Math.round(trend.relative * 100))}% `}
            {trend.direction}
          </>
        )}
      </p>
      {kpi.status === 'no-data' && kpi.note && <p className="note">{kpi.note}</p>}
      {paired && (
        <p className="paired">
          paired with {paired.name}:{' '}
          {paired.status === 'no-data' ? 'no data' : formatValue(paired.value, paired.unit)}
        </p>
      )}
    </article>
  )
}

export function KpiGrid({ kpis, families }: { kpis: KpiResult[]; families?: string[] }) {
  const shown = families ? kpis.filter((k) => families.includes(k.family)) : kpis
  const byId = new Map(kpis.map((k) => [k.id, k]))
  return (
    <div className="tiles">
      {shown.map((kpi) => (
        <KpiTile key={kpi.id} kpi={kpi} paired={kpi.paired ? byId.get(kpi.paired) : undefined} />
      ))}
    </div>
  )
}

type ECharts = ReturnType<typeof echarts.init>

/**
 * ECharts (most of the bundle) is loaded on first use, in its own chunk: the KPI tiles render
 * without waiting for it to be fetched and evaluated.
 */
let echartsModule: Promise<typeof echarts> | undefined
const loadEcharts = () => {
  echartsModule ??= import('./echarts').then((m) => m.echarts)
  return echartsModule
}

/** Draws a chart into the element once ECharts is loaded; disposes of it when the deps change or on unmount. */
export function useChart(
  ref: { current: HTMLDivElement | null },
  key: string,
  draw: (chart: ECharts) => void,
) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: redrawn when the key (the spec, by value) changes
  useEffect(() => {
    let chart: ECharts | undefined
    let observer: ResizeObserver | undefined
    let live = true
    loadEcharts().then((lib) => {
      const element = ref.current
      if (!live || !element) return
      chart = lib.init(element, null, { renderer: 'svg' })
      draw(chart)
      const drawn = chart
      observer = new ResizeObserver(() => drawn.resize())
      observer.observe(element)
    })
    return () => {
      live = false
      observer?.disconnect()
      chart?.dispose()
    }
  }, [key])
}

/** An ECharts chart from a ChartSpec (the reports' definitions), with a click on a point reported. */
export function Chart({
  spec,
  onPick,
  height = 260,
}: {
  spec: ChartSpec
  onPick?: (index: number) => void
  height?: number
}) {
  const ref = useRef<HTMLDivElement>(null)
  useChart(ref, JSON.stringify(spec), (chart) => {
    chart.setOption(chartOption(spec))
    if (onPick) chart.on('click', (event) => onPick(event.dataIndex))
  })
  return (
    <figure className="chart" data-chart={spec.id}>
      <div ref={ref} style={{ height }} role="img" aria-label={`${spec.title} (${spec.unit})`} />
      {onPick && (
        <figcaption>
          <span className="hint">Drill down:</span>
          {spec.categories.map((category, i) => (
            <button
              type="button"
              key={category}
              onClick={() => onPick(i)}
              aria-label={`${spec.title}: events of ${category}`}
            >
              {category}
            </button>
          ))}
        </figcaption>
      )}
    </figure>
  )
}

const SCALE: Record<string, (v: number) => number> = {
  seconds: (v) => Math.round((v / 3600) * 10) / 10,
  fraction: (v) => Math.round(v * 1000) / 10,
}
const UNIT_LABEL: Record<string, string> = { seconds: 'hours', fraction: '%' }

const TIER_COLOUR = { elite: '#15803d', high: '#65a30d', medium: '#d97706', low: '#dc2626' }

export function trendSpec(
  trends: TrendsResponse,
  kpi: KpiId,
  title: string,
  kind: 'line' | 'bar' = 'line',
): ChartSpec {
  const unit = trends.units[kpi] ?? ''
  const scale = SCALE[unit] ?? ((v: number) => Math.round(v * 100) / 100)
  const bands = trends.bands[kpi]
  const values = (trends.series[kpi] ?? []).filter((v): v is number => v !== null).map(scale)
  const top = values.length > 0 ? Math.max(...values) * 1.15 : null
  return {
    // Tier bands behind the series; only those the values reach, so the axis keeps to the data.
    ...(bands && top !== null
      ? {
          bands: bands
            .map((b) => ({
              label: b.tier,
              from: b.from === null ? null : scale(b.from),
              to: b.to === null ? null : scale(b.to),
              color: TIER_COLOUR[b.tier],
            }))
            .filter((b) => (b.from ?? 0) < top)
            .map((b) => ({ ...b, to: b.to === null || b.to > top ? null : b.to })),
        }
      : {}),
    id: kpi,
    title,
    kind,
    unit: UNIT_LABEL[unit] ?? unit,
    categories: trends.categories,
    series: [{ name: title, values: (trends.series[kpi] ?? []).map((v) => (v === null ? null : scale(v))) }],
  }
}

export function Table({
  columns,
  rows,
  caption,
}: {
  columns: string[]
  rows: ReactNode[][]
  caption?: string
}) {
  return (
    <div className="table-wrap">
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <tr key={i}>
              {row.map((cell, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export type DrillList =
  | 'deployments'
  | 'changes'
  | 'pull-requests'
  | 'incidents'
  | 'work-items'
  | 'costs'
  | 'pipeline-runs'

const COLUMNS: Record<DrillList, string[]> = {
  deployments: ['id', 'service', 'environment', 'finishedAt', 'kind', 'changes', 'pullRequests', 'failures'],
  changes: ['sha', 'repo', 'deployment', 'authoredAt', 'leadTimeSeconds', 'pullRequest'],
  'pull-requests': ['id', 'deployment', 'codingSeconds', 'pickupSeconds', 'reviewSeconds', 'deploySeconds'],
  incidents: ['id', 'severity', 'services', 'detectedAt', 'resolvedAt', 'restoreSeconds', 'causedBy'],
  'work-items': ['key', 'team', 'itemType', 'points', 'createdAt', 'statusChanges'],
  costs: ['month', 'category', 'vendor', 'team', 'amount'],
  'pipeline-runs': ['id', 'attempt', 'repo', 'workflow', 'result', 'startedAt', 'finishedAt'],
}

/** Lists served by their own endpoint rather than the DORA drill-down. */
const LOCAL_LISTS = new Set<DrillList>(['work-items', 'costs', 'pipeline-runs'])

/** The org's time zone, provided once the org is loaded: every date on screen is on its calendar. */
export const OrgTimeZone = createContext('UTC')

/** Times in drill-down tables are shown on the org's wall clock ("2025-03-10 21:00"). */
function localTime(epoch: number, timeZone: string): string {
  const w = wallClock(epoch, timeZone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`
}

function cellText(value: unknown, column: string, timeZone: string): string {
  if (typeof value === 'number' && column.endsWith('At')) return localTime(value, timeZone)
  if (value === null || value === undefined) return '—'
  if (Array.isArray(value))
    return value
      .map((v) =>
        v && typeof v === 'object'
          ? Object.entries(v)
              .map(([k, x]) => cellText(x, k, timeZone))
              .join(' ')
          : String(v),
      )
      .join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** The rows behind a number: a paginated list from /api/drilldown. */
export function Drilldown({
  list,
  query,
  title,
  onClose,
}: {
  list: DrillList
  query: Query
  title: string
  onClose: () => void
}) {
  const [page, setPage] = useState(1)
  const timeZone = useContext(OrgTimeZone)
  const { data, error } = useData(
    () =>
      get<PageResponse>(LOCAL_LISTS.has(list) ? `/api/${list}` : `/api/drilldown/${list}`, {
        ...query,
        page,
        pageSize: 25,
      }),
    JSON.stringify([list, query, page]),
  )
  const ref = useRef<HTMLElement>(null)
  useEffect(() => ref.current?.focus(), [])
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1
  return (
    <section className="drilldown" aria-label={title} tabIndex={-1} ref={ref} data-drilldown={list}>
      <header>
        <h3>{title}</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <ErrorBanner error={error} />
      {data && (
        <>
          <p className="meta">
            {data.total} {list}
          </p>
          <Table
            columns={COLUMNS[list]}
            rows={data.items.map((item) => COLUMNS[list].map((c) => cellText(item[c], c, timeZone)))}
          />
          {pages > 1 && (
            <nav className="pager" aria-label="pages">
              <button type="button" disabled={page === 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                page {page} of {pages}
              </span>
              <button type="button" disabled={page === pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  )
}
