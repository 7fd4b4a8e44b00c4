/**
 * The monthly reports: "Engineering Metrics — <Month Year>" in the layout of the eng-ops seed's
 * dashboard example (DORA, team health, delivery, cost; value, tier or target, symbol, change
 * against last month; trend charts in HTML), and the engineering–finance sync.
 */

import type { Engine } from '../engine/engine.js'
import { requisitionsIn } from '../engine/lists.js'
import { audits, insights } from '../engine/operating.js'
import { dayKey } from '../metrics/calendar.js'
import type { KpiId } from '../metrics/kpi-catalog.js'
import {
  AS_IS,
  addLines,
  byId,
  HOURS,
  kpiLine,
  monthlyTrend,
  PERCENT,
  requireData,
  type TrendMetric,
  trendChart,
} from './blocks.js'
import { formatValue } from './format.js'
import { type Report, section } from './model.js'
import type { LabelledPeriod } from './periods.js'

export interface ReportContext {
  engine: Engine
  period: LabelledPeriod
  now: number
  team?: string
}

const iso = (epoch: number) => new Date(epoch).toISOString()

export function scopeLabel(engine: Engine, team: string | undefined): string {
  return team ? `Team ${engine.org.teams.find((t) => t.id === team)?.name ?? team}` : engine.org.org.name
}

const DELIVERY_TRENDS: TrendMetric[] = [
  { kpi: 'velocity', label: 'Velocity', unit: 'points per sprint', scale: AS_IS },
  { kpi: 'sprint_predictability', label: 'Sprint predictability', unit: '%', scale: PERCENT },
]

const DORA_TRENDS: TrendMetric[] = [
  { kpi: 'deploy_frequency', label: 'Deploys per day', unit: 'per day', scale: AS_IS },
  { kpi: 'lead_time_p50', label: 'Lead time p50', unit: 'hours', scale: HOURS },
  { kpi: 'change_failure_rate', label: 'Change failure rate', unit: '%', scale: PERCENT },
  { kpi: 'mttr', label: 'Time to restore p50', unit: 'hours', scale: HOURS },
]

export async function monthlyReport(ctx: ReportContext): Promise<Report> {
  const { engine, period, team } = ctx
  const scope = team ? { team } : {}
  const answer = await engine.kpis({ ...scope, from: iso(period.from), to: iso(period.to) })
  const k = byId(answer.kpis)
  const dora = answer.board.dora
  const periodName = 'month'

  const doraSection = section('dora', 'DORA metrics', '📊')
  addLines(doraSection, [
    kpiLine(k.get('deploy_frequency'), {
      label: 'Deploy Frequency',
      tier: dora.deploymentFrequency.tier,
      periodName,
    }),
    kpiLine(k.get('lead_time_p50'), { label: 'Lead Time', tier: dora.leadTime.tier, periodName }),
    kpiLine(k.get('mttr'), { label: 'MTTR', tier: dora.timeToRestore.tier, periodName }),
    kpiLine(k.get('change_failure_rate'), {
      label: 'Change Fail Rate',
      tier: dora.changeFailureRate.tier,
      periodName,
    }),
  ])
  // One pass over the months for every trend of the report.
  const trend = await monthlyTrend(engine, period.to, 6, [...DORA_TRENDS, ...DELIVERY_TRENDS], scope)
  doraSection.charts.push(
    trendChart('deploy-frequency', 'Deploy frequency', trend, DORA_TRENDS[0]!, 'bar'),
    trendChart('lead-time', 'Lead time (median)', trend, DORA_TRENDS[1]!),
    trendChart('change-failure-rate', 'Change failure rate', trend, DORA_TRENDS[2]!),
    trendChart('mttr', 'Time to restore (median)', trend, DORA_TRENDS[3]!),
  )
  requireData(
    doraSection,
    'no deployments or incidents in the period (ingest git and deployment/incident events)',
  )

  const health = section('team-health', 'Team health', '👥')
  addLines(health, [
    kpiLine(k.get('retention'), { label: 'Retention', periodName }),
    kpiLine(k.get('engagement'), { label: 'Engagement', periodName }),
    kpiLine(k.get('enps'), { label: 'eNPS', periodName }),
    kpiLine(k.get('time_to_fill'), { label: 'Hiring: time to fill', periodName }),
    kpiLine(k.get('offer_acceptance'), { label: 'Offer acceptance', periodName }),
  ])
  requireData(
    health,
    'no person events, surveys or requisitions (ingest person_event, survey_response and requisition events)',
  )

  const delivery = section('delivery', 'Delivery', '🚀')
  addLines(delivery, [
    kpiLine(k.get('velocity'), { label: 'Velocity', periodName }),
    kpiLine(k.get('sprint_predictability'), { label: 'Sprint Predictability', periodName }),
    kpiLine(k.get('bug_rate'), { label: 'Bug Rate', periodName }),
    kpiLine(k.get('review_turnaround_p50'), { label: 'Code review turnaround', periodName }),
  ])
  delivery.charts.push(trendChart('velocity', 'Velocity', trend, DELIVERY_TRENDS[0]!, 'bar'), {
    ...trendChart('predictability', 'Sprint predictability', trend, DELIVERY_TRENDS[1]!),
    target: 80,
  })
  requireData(delivery, 'no sprints or work items (ingest sprint and work_item events)')

  const cost = section('cost', 'Cost', '💰')
  addLines(cost, [
    kpiLine(k.get('revenue_per_engineer'), { label: 'Revenue/Engineer', periodName }),
    kpiLine(k.get('cloud_spend'), { label: 'Cloud Spend', periodName }),
    kpiLine(k.get('cost_per_deploy'), { label: 'Cost per deploy', periodName }),
    kpiLine(k.get('cloud_per_user'), { label: 'Cloud spend per user', periodName }),
  ])
  requireData(cost, 'no cost or business events (ingest cost and business events)')

  const sections = [doraSection, health, delivery, cost]
  if (!team) {
    const teams = section('teams', 'Teams at a glance', '🧭')
    const rows: string[][] = []
    const signals: ('elite' | 'good' | 'watch' | 'act' | 'none')[] = []
    for (const t of engine.org.teams) {
      const ta = byId((await engine.kpis({ team: t.id, from: iso(period.from), to: iso(period.to) })).kpis)
      const cell = (id: KpiId) => {
        const kpi = ta.get(id)
        return kpi && kpi.status !== 'no-data' ? formatValue(kpi.value, kpi.unit) : '—'
      }
      const statuses = (
        ['lead_time_p50', 'change_failure_rate', 'review_turnaround_p50', 'sprint_predictability'] as const
      ).map((id) => ta.get(id)?.status)
      rows.push([
        t.name,
        cell('deploy_frequency'),
        cell('lead_time_p50'),
        cell('change_failure_rate'),
        cell('review_turnaround_p50'),
        cell('sprint_predictability'),
      ])
      signals.push(
        statuses.includes('red')
          ? 'act'
          : statuses.includes('yellow')
            ? 'watch'
            : statuses.every((s) => s === 'no-data')
              ? 'none'
              : 'elite',
      )
    }
    teams.tables.push({
      columns: [
        'Team',
        'Deploys',
        'Lead time p50',
        'Change fail rate',
        'Review turnaround',
        'Predictability',
      ],
      rows,
      signals,
    })
    sections.push(teams)
    const attention = section('attention', 'Needs attention', '⚠️')
    for (const insight of (await insights(engine, Math.min(ctx.now, period.to - 1))).slice(0, 6)) {
      attention.lines.push({
        signal: insight.severity === 'critical' ? 'act' : 'watch',
        label: insight.title,
        value: insight.evidence[0] ?? '',
      })
    }
    // Every KPI off its target needs attention too, not only the diagnoses: each red one on its
    // own line, the yellow ones named together.
    for (const kpi of answer.kpis.filter((k) => k.status === 'red')) {
      const line = kpiLine(kpi, { periodName })
      if (line) attention.lines.push(line)
    }
    const watch = answer.kpis.filter((k) => k.status === 'yellow')
    if (watch.length > 0)
      attention.lines.push({
        signal: 'watch',
        label: `${watch.length} KPI${watch.length === 1 ? '' : 's'} to watch`,
        value: watch.map((k) => k.name).join(', '),
      })
    if (attention.lines.length === 0) attention.notes.push('Nothing needs attention.')
    sections.push(attention)
  }

  const counts = (s: string) => answer.kpis.filter((kpi) => kpi.status === s).length
  const red = answer.kpis.filter((kpi) => kpi.status === 'red').map((kpi) => kpi.name)
  return {
    kind: 'monthly',
    title: `Engineering Metrics — ${period.label}`,
    org: engine.org.org.name,
    scope: scopeLabel(engine, team),
    period: { from: iso(period.from), to: iso(period.to), label: period.label },
    asOf: iso(Math.min(ctx.now, period.to)),
    asOfDate: dayKey(Math.min(ctx.now, period.to), ctx.engine.org.org.timezone),
    summary: [
      `${counts('green')} KPIs on target, ${counts('yellow')} to watch, ${counts('red')} to act on, ${counts('no-data')} without data.`,
      ...(red.length > 0
        ? [`Act on: ${red.slice(0, 6).join(', ')}${red.length > 6 ? ` and ${red.length - 6} more` : ''}.`]
        : []),
    ],
    sections,
  }
}

export async function engFinanceReport(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const answer = await engine.kpis({ from: iso(period.from), to: iso(period.to) })
  const k = byId(answer.kpis)
  const periodName = 'month'
  const org = engine.org

  const headcount = section('headcount', 'Headcount against plan', '👥')
  const { open: openReqs, filled } = await requisitionsIn(engine, period)
  const people = org.people.length
  headcount.lines.push({
    signal: openReqs.length === 0 ? 'elite' : 'watch',
    label: 'Headcount',
    value: `${people} people`,
    context: `plan ${people + openReqs.length} (${openReqs.length} open requisitions)`,
    change: `${filled.length} hired this month`,
  })
  addLines(headcount, [
    kpiLine(k.get('time_to_fill'), { label: 'Time to fill', periodName }),
    kpiLine(k.get('voluntary_attrition'), { label: 'Voluntary attrition', periodName }),
  ])

  const cloud = section('cloud', 'Cloud spend', '☁️')
  addLines(cloud, [
    kpiLine(k.get('cloud_spend'), { label: 'Cloud spend', periodName }),
    kpiLine(k.get('cloud_variance'), { label: 'Variance vs forecast', periodName }),
    kpiLine(k.get('cloud_per_user'), { label: 'Cloud spend per user', periodName }),
  ])
  const cloudTrends: TrendMetric[] = [
    { kpi: 'cloud_spend', label: 'Cloud spend', unit: org.org.currency, scale: AS_IS },
  ]
  cloud.charts.push(
    trendChart(
      'cloud-spend',
      'Cloud spend by month',
      await monthlyTrend(engine, period.to, 6, cloudTrends),
      cloudTrends[0]!,
      'bar',
    ),
  )
  requireData(
    cloud,
    'no cloud cost events (ingest cost events with category cloud, and business events for the forecast)',
  )

  const tooling = section('tooling', 'Tooling costs', '🧰')
  addLines(tooling, [kpiLine(k.get('tooling_per_engineer'), { label: 'Tooling per engineer', periodName })])
  const tools = audits(org).tools
  if (tools.tools.length > 0) {
    tooling.tables.push({
      columns: ['Tool', 'Category', 'Per year'],
      rows: tools.tools.map((t) => [t.name, t.category, formatValue(t.costPerYear, 'currency')]),
    })
    for (const s of tools.suggestions) tooling.notes.push(s)
  }
  requireData(tooling, 'no tooling costs (cost events with category tooling, or tools in engops.yaml)')

  const unit = section('unit-costs', 'Unit costs', '📐')
  addLines(unit, [
    kpiLine(k.get('cost_per_engineer'), { label: 'Cost per engineer (loaded)', periodName }),
    kpiLine(k.get('cost_per_deploy'), { label: 'Cost per deploy', periodName }),
    kpiLine(k.get('revenue_per_engineer'), { label: 'Revenue per engineer', periodName }),
  ])
  requireData(unit, 'no cost or business events')

  return {
    kind: 'eng-finance',
    title: `Engineering–Finance sync — ${period.label}`,
    org: org.org.name,
    scope: org.org.name,
    period: { from: iso(period.from), to: iso(period.to), label: period.label },
    asOf: iso(Math.min(ctx.now, period.to)),
    asOfDate: dayKey(Math.min(ctx.now, period.to), ctx.engine.org.org.timezone),
    summary: [],
    sections: [headcount, cloud, tooling, unit],
  }
}
