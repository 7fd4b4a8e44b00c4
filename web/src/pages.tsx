/**
 * The dashboard's pages. Metric pages show their KPI tiles and monthly trends, each trend
 * drillable into the events behind it; operating pages show the OKR tree, initiatives, the
 * dependency graph, RACI, the topology map, scorecards and insights. All names are rendered as
 * text (React escapes them).
 */
import { type ReactElement, useRef, useState } from 'react'
import type {
  FamilyResponse,
  KpiId,
  KpisResponse,
  OperatingResponse,
  OrgResponse,
  TrendsResponse,
} from '../../src/server/api-types'
import { get } from './api'
import {
  Chart,
  Drilldown,
  type DrillList,
  ErrorBanner,
  KpiGrid,
  Loading,
  type Query,
  Table,
  trendSpec,
  useChart,
  useData,
} from './components'
import type { EChartsOption } from './echarts'

// API payloads of the operating views are read field by field; their types live with the engine.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = Record<string, any>

interface PageProps {
  query: Query
  org: OrgResponse
}

interface TrendDef {
  kpi: KpiId
  title: string
  kind?: 'line' | 'bar'
  /** The events behind the number; none where they are private (survey answers) or not listed. */
  drill?: DrillList
}

/** KPI tiles of some families plus monthly trends that drill into their events. */
function MetricPage({
  title,
  families,
  trends,
  query,
  intro,
}: {
  title: string
  families: string[]
  trends: TrendDef[]
  query: Query
  intro?: string
}) {
  const kpis = useData(() => get<KpisResponse>('/api/kpis', query), JSON.stringify(query))
  const series = useData(
    () =>
      get<TrendsResponse>('/api/trends', {
        kpis: trends.map((t) => t.kpi).join(','),
        team: query.team,
        service: query.service,
        months: 6,
        to: query.to,
        profile: query.profile,
      }),
    JSON.stringify([trends.map((t) => t.kpi), query]),
  )
  const [drill, setDrill] = useState<{ list: DrillList; query: Query; title: string } | null>(null)
  return (
    <>
      <h2>{title}</h2>
      {intro && <p className="intro">{intro}</p>}
      <ErrorBanner error={kpis.error ?? series.error} />
      {kpis.data ? <KpiGrid kpis={kpis.data.kpis} families={families} /> : <Loading what="KPIs" />}
      {series.data && (
        <div className="charts">
          {trends.map((t) => (
            <Chart
              key={t.kpi}
              spec={trendSpec(series.data!, t.kpi, t.title, t.kind)}
              onPick={
                t.drill
                  ? (i) => {
                      const period = series.data!.periods[i]!
                      setDrill({
                        list: t.drill!,
                        query: { ...query, from: period.from, to: period.to },
                        title: `${t.title} — ${series.data!.categories[i]}: the ${t.drill}`,
                      })
                    }
                  : undefined
              }
            />
          ))}
        </div>
      )}
      {drill && <Drilldown {...drill} onClose={() => setDrill(null)} />}
    </>
  )
}

export function Overview({ query }: PageProps) {
  return (
    <MetricPage
      title="Overview"
      intro="Every KPI of the catalog for this scope and period: status against its target, the trend against the period before, speed beside its paired quality metric."
      families={[
        'dora',
        'flow',
        'reviews',
        'delivery',
        'quality',
        'slo',
        'reliability',
        'release',
        'team-health',
        'hiring',
        'cost',
        'platform',
        'security',
        'dx',
      ]}
      trends={[
        { kpi: 'deploy_frequency', title: 'Deploy frequency', kind: 'bar', drill: 'deployments' },
        { kpi: 'lead_time_p50', title: 'Lead time (median)', drill: 'changes' },
      ]}
      query={query}
    />
  )
}

export const DoraPage = ({ query }: PageProps) => (
  <MetricPage
    title="DORA"
    families={['dora']}
    trends={[
      { kpi: 'deploy_frequency', title: 'Deploy frequency', kind: 'bar', drill: 'deployments' },
      { kpi: 'lead_time_p50', title: 'Lead time (median)', drill: 'changes' },
      { kpi: 'change_failure_rate', title: 'Change failure rate', drill: 'deployments' },
      { kpi: 'mttr', title: 'Time to restore (median)', drill: 'incidents' },
    ]}
    query={query}
  />
)

export const FlowPage = ({ query }: PageProps) => (
  <MetricPage
    title="Flow and reviews"
    families={['flow', 'reviews']}
    trends={[
      { kpi: 'review_turnaround_p50', title: 'Review turnaround (median)', drill: 'pull-requests' },
      { kpi: 'pr_size_p50', title: 'PR size (median)', kind: 'bar', drill: 'pull-requests' },
    ]}
    query={query}
  />
)

export const ReliabilityPage = ({ query }: PageProps) => {
  const slo = useData(() => get<FamilyResponse>('/api/metrics/slo', query), JSON.stringify(query))
  const entries = ((slo.data?.summary as Json | undefined)?.entries ?? []) as Json[]
  return (
    <>
      <MetricPage
        title="Reliability"
        families={['slo', 'reliability']}
        trends={[
          { kpi: 'incidents_sev1_2', title: 'SEV-1/2 incidents', kind: 'bar', drill: 'incidents' },
          { kpi: 'mttr', title: 'Time to restore (median)', drill: 'incidents' },
        ]}
        query={query}
      />
      <h3>SLOs and error budgets</h3>
      <ErrorBanner error={slo.error} />
      {slo.data && (
        <Table
          columns={['SLO', 'Service', 'Objective', 'Attainment', 'Budget left', 'Burn', 'Alert']}
          rows={entries.map((e) => [
            e.id,
            e.service,
            `${e.status.objective}%`,
            e.status.attainment === null ? '—' : `${(e.status.attainment * 100).toFixed(2)}%`,
            e.status.budgetRemaining === null ? '—' : `${Math.round(e.status.budgetRemaining * 100)}%`,
            e.status.burnRate === null ? '—' : `${e.status.burnRate.toFixed(2)}×`,
            e.status.alert,
          ])}
        />
      )}
    </>
  )
}

export const DeliveryPage = ({ query }: PageProps) => (
  <MetricPage
    title="Delivery and quality"
    families={['delivery', 'quality', 'release']}
    trends={[
      { kpi: 'velocity', title: 'Velocity', kind: 'bar', drill: 'work-items' },
      { kpi: 'sprint_predictability', title: 'Sprint predictability', drill: 'work-items' },
    ]}
    query={query}
  />
)

export const PeoplePage = ({ query }: PageProps) => (
  <MetricPage
    title="Team health and hiring"
    intro="Team-level only: survey answers of groups under five people are never shown, and individual answers are never listed (the engagement trend has no drill-down by design)."
    families={['team-health', 'hiring']}
    trends={[{ kpi: 'engagement', title: 'Engagement' }]}
    query={query}
  />
)

export const CostPage = ({ query }: PageProps) => (
  <MetricPage
    title="Cost"
    families={['cost']}
    trends={[
      { kpi: 'cloud_spend', title: 'Cloud spend', kind: 'bar', drill: 'costs' },
      { kpi: 'cost_per_deploy', title: 'Cost per deploy', drill: 'deployments' },
    ]}
    query={query}
  />
)

export const PlatformPage = ({ query }: PageProps) => (
  <MetricPage
    title="Platform, security and developer experience"
    families={['platform', 'security', 'dx', 'capacity']}
    trends={[{ kpi: 'build_time_p50', title: 'CI build time (median)', drill: 'pipeline-runs' }]}
    query={query}
  />
)

function useOperating<T>(path: string, query: Query) {
  return useData(() => get<OperatingResponse<T>>(path, { at: query.to }), `${path}${query.to ?? ''}`)
}

const STATUS_WORD: Record<string, string> = {
  achieved: '✓ achieved',
  'on-track': '✓ on track',
  'at-risk': '! at risk',
  'off-track': '✕ off track',
  'no-data': '– no data',
}

function Objective({ node }: { node: Json }) {
  return (
    <li>
      <div className={`okr ${node.rollup}`}>
        <strong>{node.objective}</strong>{' '}
        <span className="meta">
          ({node.level} · {node.owner} · week {node.week}/{node.weeks})
        </span>{' '}
        <span className={`status ${node.status}`}>{STATUS_WORD[node.status]}</span>
        {node.escalate && <span className="escalate"> ⚠ escalate</span>}
        <ul className="krs">
          {(node.keyResults as Json[]).map((kr) => (
            <li key={kr.id}>
              <span className={`status ${kr.status}`}>{STATUS_WORD[kr.status]}</span> {kr.title}:{' '}
              {kr.current ?? '—'}
              {kr.unit ? ` ${kr.unit}` : ''} ({kr.baseline ?? '—'} → {kr.target ?? '—'}), progress{' '}
              {kr.progress === null ? '—' : `${Math.round(kr.progress * 100)}%`} of expected{' '}
              {Math.round(kr.expected * 100)}%
            </li>
          ))}
        </ul>
      </div>
      {(node.children as Json[]).length > 0 && (
        <ul className="tree">
          {(node.children as Json[]).map((child) => (
            <Objective key={child.id} node={child} />
          ))}
        </ul>
      )}
    </li>
  )
}

export function OkrPage({ query }: PageProps) {
  const okrs = useOperating<Json[]>('/api/okrs', query)
  return (
    <>
      <h2>OKR tree</h2>
      <ErrorBanner error={okrs.error} />
      {okrs.data ? (
        okrs.data.data.length === 0 ? (
          <p>No OKRs in engops.yaml.</p>
        ) : (
          <ul className="tree">
            {okrs.data.data.map((node) => (
              <Objective key={node.id} node={node} />
            ))}
          </ul>
        )
      ) : (
        <Loading what="OKRs" />
      )}
    </>
  )
}

export function InitiativesPage({ query }: PageProps) {
  const list = useOperating<Json[]>('/api/initiatives', query)
  return (
    <>
      <h2>Initiatives</h2>
      <ErrorBanner error={list.error} />
      {list.data && (
        <Table
          columns={['Initiative', 'Owner', 'Health', 'Declared', 'Impact', 'Why']}
          rows={list.data.data.map((i) => [
            i.name,
            i.owner,
            i.health,
            i.declared,
            i.impact ?? '—',
            (i.reasons as string[]).join('; ') || '—',
          ])}
        />
      )}
    </>
  )
}

function GraphChart({ option, label }: { option: EChartsOption; label: string }) {
  const ref = useRef<HTMLDivElement>(null)
  useChart(ref, JSON.stringify(option), (chart) => chart.setOption(option))
  return (
    <figure className="chart" data-chart="graph">
      <div ref={ref} style={{ height: 420 }} role="img" aria-label={label} />
    </figure>
  )
}

export function DependenciesPage({ query, org }: PageProps) {
  const map = useOperating<Json>('/api/dependencies', query)
  const deps = (map.data?.data.dependencies ?? []) as Json[]
  const open = deps.filter((d) => d.open)
  const teams = (map.data?.data.teams ?? []) as string[]
  const name = (id: string) => org.teams.find((t) => t.id === id)?.name ?? id
  return (
    <>
      <h2>Dependencies</h2>
      <ErrorBanner error={map.error} />
      {map.data && (
        <>
          <GraphChart
            label={`Dependency graph: ${open.length} open dependencies between ${teams.length} teams`}
            option={{
              animation: false,
              aria: { enabled: true },
              tooltip: {},
              series: [
                {
                  type: 'graph',
                  layout: 'circular',
                  roam: true,
                  label: { show: true },
                  edgeSymbol: ['none', 'arrow'],
                  edgeSymbolSize: 10,
                  symbolSize: 46,
                  data: teams.map((t) => ({
                    name: name(t),
                    itemStyle: {
                      color: (map.data!.data.hubs as Json[]).some((h) => h.team === t)
                        ? '#dc2626'
                        : '#2563eb',
                    },
                  })),
                  links: open.map((d) => ({
                    source: name(d.provider),
                    target: name(d.consumer),
                    label: { show: true, formatter: d.what, fontSize: 10 },
                    lineStyle: {
                      width: d.type === 'blocking' ? 3 : 1,
                      type: d.type === 'soft' ? 'dotted' : 'solid',
                      color: d.overdue || d.risk === 'high' ? '#dc2626' : '#6b7280',
                    },
                  })),
                },
              ],
            }}
          />
          <Table
            columns={[
              'Dependency',
              'Provider → consumer',
              'Type',
              'Status',
              'Risk',
              'Age',
              'Need-by',
              'Strategy',
            ]}
            rows={deps.map((d) => [
              d.what,
              `${d.provider} → ${d.consumer}`,
              d.type,
              d.status,
              d.risk,
              d.ageDays === null ? '—' : `${d.ageDays} d`,
              d.daysToNeed === null
                ? '—'
                : d.daysToNeed < 0
                  ? `${-d.daysToNeed} d late`
                  : `in ${d.daysToNeed} d`,
              d.strategyText,
            ])}
          />
        </>
      )}
    </>
  )
}

export function RaciPage({ query }: PageProps) {
  const raci = useOperating<Json>('/api/raci', query)
  const roles = (raci.data?.data.roles ?? []) as string[]
  return (
    <>
      <h2>RACI</h2>
      <ErrorBanner error={raci.error} />
      {raci.data && (
        <>
          <Table
            columns={['Responsibility', ...roles.map((r) => r.toUpperCase())]}
            rows={(raci.data.data.rows as Json[]).map((row) => [
              row.responsibility,
              ...roles.map((r) => (row.cells[r] ?? []).join('/')),
            ])}
          />
          <p className="meta">
            A = Accountable (single owner) · R = Responsible · C = Consulted · I = Informed
          </p>
          {(raci.data.data.problems as Json[]).length > 0 && (
            <ul>
              {(raci.data.data.problems as Json[]).map((p) => (
                <li key={`${p.responsibility}${p.message}`}>
                  {p.severity}: {p.responsibility}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  )
}

const TYPE_LABEL: Record<string, string> = {
  'stream-aligned': 'Stream-aligned',
  platform: 'Platform',
  enabling: 'Enabling',
  'complicated-subsystem': 'Complicated subsystem',
}

export function TopologyPage({ query }: PageProps) {
  const topology = useOperating<Json>('/api/topology', query)
  const teams = (topology.data?.data.teams ?? []) as Json[]
  const types = Object.keys(TYPE_LABEL)
  return (
    <>
      <h2>Topology</h2>
      <ErrorBanner error={topology.error} />
      {topology.data && (
        <>
          <GraphChart
            label={`Team map: ${teams.length} teams by type with their interactions`}
            option={{
              animation: false,
              aria: { enabled: true },
              legend: { data: types.map((t) => TYPE_LABEL[t]!) },
              tooltip: {},
              series: [
                {
                  type: 'graph',
                  layout: 'circular',
                  label: { show: true },
                  categories: types.map((t) => ({ name: TYPE_LABEL[t]! })),
                  edgeSymbol: ['none', 'arrow'],
                  data: teams.map((t) => ({
                    name: t.name,
                    category: types.indexOf(t.type),
                    symbolSize: 24 + t.size * 5,
                    value: t.size,
                  })),
                  links: teams.flatMap((t) =>
                    (t.interactions as Json[]).map((i) => ({
                      source: t.name,
                      target: teams.find((x) => x.id === i.team)?.name ?? i.team,
                      label: { show: true, formatter: i.mode, fontSize: 10 },
                    })),
                  ),
                },
              ],
            }}
          />
          <Table
            columns={['Team', 'Type', 'Size', 'Cognitive load', 'Owns']}
            rows={teams.map((t) => [
              t.name,
              TYPE_LABEL[t.type] ?? t.type,
              `${t.size} (${t.range.min}–${t.range.max})`,
              t.cognitiveLoad ? `${t.cognitiveLoad.total}/10 ${t.cognitiveLoad.status}` : '—',
              (t.services as string[]).join(', '),
            ])}
          />
          <h3>Anti-patterns</h3>
          <ul>
            {(topology.data.data.antiPatterns as Json[]).map((a) => (
              <li key={`${a.kind}${a.subject}${a.evidence}`}>
                <strong>{a.kind}</strong>: {a.evidence} — <em>{a.fix}</em>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}

export function ScorecardsPage({ query, org }: PageProps) {
  const [role, setRole] = useState(org.roles[0] ?? 'cto')
  const card = useData(() => get<Json>(`/api/scorecards/${role}`, query), JSON.stringify([role, query]))
  return (
    <>
      <h2>Scorecards</h2>
      <label>
        Role{' '}
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          {org.roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <ErrorBanner error={card.error} />
      {card.data && (
        <>
          <p className="intro">{card.data.northStar}</p>
          <KpiGrid kpis={card.data.kpis} />
          <h3>Definition of done</h3>
          <Table
            columns={['Item', 'Met', 'Evidence']}
            rows={(card.data.definitionOfDone as Json[]).map((d) => [
              d.item,
              d.met ? '✓ yes' : '✕ no',
              d.evidence,
            ])}
          />
        </>
      )}
    </>
  )
}

export function InsightsPage({ query }: PageProps) {
  const insights = useOperating<Json[]>('/api/insights', query)
  return (
    <>
      <h2>Insights</h2>
      <ErrorBanner error={insights.error} />
      {insights.data &&
        (insights.data.data.length === 0 ? (
          <p>Nothing needs attention.</p>
        ) : (
          insights.data.data.map((i) => (
            <article key={`${i.kind}${i.subject}${i.title}`} className={`insight ${i.severity}`}>
              <h3>
                {i.severity === 'critical' ? '✕' : '!'} {i.title}
              </h3>
              <ul>
                {(i.evidence as string[]).map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
              <p>
                <strong>Options:</strong> {(i.actions as string[]).join(' · ')}
              </p>
            </article>
          ))
        ))}
    </>
  )
}

export function ServicePage({ query, org }: PageProps) {
  const [service, setService] = useState(query.service ?? org.services[0]?.id ?? '')
  return (
    <>
      <label className="service-picker">
        Service{' '}
        <select value={service} onChange={(e) => setService(e.target.value)}>
          {org.services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.owner}, tier {s.tier})
            </option>
          ))}
        </select>
      </label>
      <MetricPage
        title={`Service ${service}`}
        families={['dora', 'slo', 'reliability', 'release', 'security']}
        trends={[
          { kpi: 'deploy_frequency', title: 'Deploy frequency', kind: 'bar', drill: 'deployments' },
          { kpi: 'change_failure_rate', title: 'Change failure rate', drill: 'deployments' },
        ]}
        query={{ ...query, team: undefined, service }}
      />
    </>
  )
}

export const PAGES: { path: string; title: string; component: (props: PageProps) => ReactElement }[] = [
  { path: '/', title: 'Overview', component: Overview },
  { path: '/dora', title: 'DORA', component: DoraPage },
  { path: '/flow', title: 'Flow & reviews', component: FlowPage },
  { path: '/reliability', title: 'Reliability', component: ReliabilityPage },
  { path: '/delivery', title: 'Delivery & quality', component: DeliveryPage },
  { path: '/people', title: 'Team health & hiring', component: PeoplePage },
  { path: '/cost', title: 'Cost', component: CostPage },
  { path: '/platform', title: 'Platform & DX', component: PlatformPage },
  { path: '/service', title: 'Services', component: ServicePage },
  { path: '/okrs', title: 'OKRs', component: OkrPage },
  { path: '/initiatives', title: 'Initiatives', component: InitiativesPage },
  { path: '/dependencies', title: 'Dependencies', component: DependenciesPage },
  { path: '/raci', title: 'RACI', component: RaciPage },
  { path: '/topology', title: 'Topology', component: TopologyPage },
  { path: '/scorecards', title: 'Scorecards', component: ScorecardsPage },
  { path: '/insights', title: 'Insights', component: InsightsPage },
]
