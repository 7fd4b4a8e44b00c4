/**
 * The longer views: the QBR engineering section (outcomes against OKRs with scores, delivery and
 * reliability trends, investments, risks, hiring and attrition, next quarter's proposals), the
 * 30-day baseline assessment of a newly arrived leader, one team's page and a role's scorecard.
 */
import { incidentsIn } from '../engine/lists.js'
import { dependencyMap, gates, initiatives, insights, maturity, okrTree, risks } from '../engine/operating.js'
import { dayKey } from '../metrics/calendar.js'
import type { KpiId } from '../metrics/kpi-catalog.js'
import { flattenOkrs } from '../operating/okrs.js'
import {
  AS_IS,
  addLines,
  byId,
  dependencyTable,
  HOURS,
  incidentTable,
  initiativeTable,
  kpiLine,
  kpiSignal,
  monthlyTrend,
  okrTable,
  PERCENT,
  requireData,
  type TrendMetric,
  trendChart,
} from './blocks.js'
import { formatTarget, formatValue } from './format.js'
import { type Report, type ReportSection, type Signal, section } from './model.js'
import { type ReportContext, scopeLabel } from './monthly.js'

const iso = (epoch: number) => new Date(epoch).toISOString()

function frame(ctx: ReportContext, kind: string, title: string): Omit<Report, 'summary' | 'sections'> {
  return {
    kind,
    title,
    org: ctx.engine.org.org.name,
    scope: scopeLabel(ctx.engine, ctx.team),
    period: { from: iso(ctx.period.from), to: iso(ctx.period.to), label: ctx.period.label },
    asOf: iso(Math.min(ctx.now, ctx.period.to)),
    asOfDate: dayKey(Math.min(ctx.now, ctx.period.to), ctx.engine.org.org.timezone),
  }
}

const RISK_SIGNAL = (score: number): Signal => (score >= 6 ? 'act' : score >= 3 ? 'watch' : 'good')

async function riskSection(ctx: ReportContext, at: number, limit = 8): Promise<ReportSection> {
  const register = section('risks', 'Risks', '⚠️')
  const list = (await risks(ctx.engine, at)).slice(0, limit)
  if (list.length > 0) {
    register.tables.push({
      columns: ['Risk', 'Owner', 'Likelihood', 'Impact', 'Mitigation'],
      rows: list.map((r) => [r.title, r.owner, r.likelihood, r.impact, r.mitigation || '—']),
      signals: list.map((r) => RISK_SIGNAL(r.score)),
    })
  } else register.notes.push('No risks declared or found.')
  return register
}

export async function qbrReport(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const scope = ctx.team ? { team: ctx.team } : {}
  const answer = await engine.kpis({ ...scope, from: iso(period.from), to: iso(period.to) })
  const k = byId(answer.kpis)
  const periodName = 'quarter'

  const outcomes = section('outcomes', 'Outcomes against OKRs', '🎯')
  const objectives = flattenOkrs(await okrTree(engine, at)).filter(
    (o) => o.from < period.to && o.to > period.from,
  )
  if (objectives.length > 0) {
    outcomes.tables.push(okrTable(objectives, true))
    for (const o of objectives) {
      outcomes.lines.push({
        signal:
          o.grade === 'green' ? 'elite' : o.grade === 'yellow' ? 'watch' : o.grade === 'red' ? 'act' : 'none',
        label: o.objective,
        value: `score ${o.score ?? '—'}${o.final ? '' : ' so far'}`,
        context: `${o.owner}, ${o.status}`,
      })
    }
  } else outcomes.missing = `no OKRs for ${period.label} in engops.yaml`

  const delivery = section('delivery', 'Delivery trends', '🚀')
  addLines(delivery, [
    kpiLine(k.get('deploy_frequency'), {
      label: 'Deploy frequency',
      tier: answer.board.dora.deploymentFrequency.tier,
      periodName,
    }),
    kpiLine(k.get('lead_time_p50'), {
      label: 'Lead time',
      tier: answer.board.dora.leadTime.tier,
      periodName,
    }),
    kpiLine(k.get('sprint_predictability'), { label: 'Sprint predictability', periodName }),
    kpiLine(k.get('roadmap_predictability'), { label: 'Roadmap predictability', periodName }),
  ])
  const deliveryTrends: TrendMetric[] = [
    { kpi: 'lead_time_p50', label: 'Lead time p50', unit: 'hours', scale: HOURS },
    { kpi: 'deploy_frequency', label: 'Deploys per day', unit: 'per day', scale: AS_IS },
  ]
  const rTrends: TrendMetric[] = [
    { kpi: 'change_failure_rate', label: 'Change failure rate', unit: '%', scale: PERCENT },
    { kpi: 'incidents_sev1_2', label: 'SEV-1/2 incidents', unit: 'incidents', scale: AS_IS },
  ]
  // One pass over the months for every trend of the report.
  const trend = await monthlyTrend(engine, period.to, 6, [...deliveryTrends, ...rTrends], scope)
  delivery.charts.push(
    trendChart('qbr-lead-time', 'Lead time by month', trend, deliveryTrends[0]!),
    trendChart('qbr-deploys', 'Deploys per day by month', trend, deliveryTrends[1]!, 'bar'),
  )
  requireData(delivery, 'no deployments or sprints in the quarter')

  const reliability = section('reliability', 'Reliability trends', '🛡️')
  addLines(reliability, [
    kpiLine(k.get('change_failure_rate'), {
      label: 'Change failure rate',
      tier: answer.board.dora.changeFailureRate.tier,
      periodName,
    }),
    kpiLine(k.get('mttr'), {
      label: 'Time to restore',
      tier: answer.board.dora.timeToRestore.tier,
      periodName,
    }),
    kpiLine(k.get('incidents_sev1_2'), { label: 'SEV-1/2 incidents', periodName }),
    kpiLine(k.get('slo_attainment'), { label: 'SLOs met', periodName }),
  ])
  reliability.charts.push(
    trendChart('qbr-cfr', 'Change failure rate by month', trend, rTrends[0]!),
    trendChart('qbr-incidents', 'SEV-1/2 incidents by month', trend, rTrends[1]!, 'bar'),
  )
  requireData(reliability, 'no incidents or SLO data in the quarter')

  const investments = section('investments', 'Investments and their ROI signals', '💡')
  const alloc = answer.board.allocation
  if (alloc.points > 0) {
    for (const [name, v] of Object.entries(alloc.byInvestment)) {
      if (v.share === null && v.planned === null) continue
      investments.lines.push({
        signal: v.gap === null ? 'none' : Math.abs(v.gap) > 0.1 ? 'watch' : 'elite',
        label: `Capacity on ${name}`,
        value: v.share === null ? '—' : `${Math.round(v.share * 100)}%`,
        context: v.planned === null ? 'no plan' : `plan ${Math.round(v.planned * 100)}%`,
      })
    }
  }
  const tracker = await initiatives(engine, at)
  if (tracker.length > 0) investments.tables.push(initiativeTable(tracker, ctx.engine.org.org.timezone))
  if (investments.lines.length === 0 && investments.tables.length === 0)
    investments.missing = 'no work items with an investment type and no initiatives'

  const people = section('people', 'Hiring and attrition', '👥')
  addLines(people, [
    kpiLine(k.get('retention'), { label: 'Retention', periodName }),
    kpiLine(k.get('regrettable_attrition'), { label: 'Regrettable attrition', periodName }),
    kpiLine(k.get('time_to_fill'), { label: 'Time to fill', periodName }),
    kpiLine(k.get('offer_acceptance'), { label: 'Offer acceptance', periodName }),
    kpiLine(k.get('engagement'), { label: 'Engagement', periodName }),
  ])
  requireData(people, 'no person events, requisitions or surveys')

  const register = await riskSection(ctx, at)

  const proposals = section('proposals', "Next quarter's proposals", '🧭')
  const seen = new Set<string>()
  for (const insight of await insights(engine, at)) {
    const action = insight.actions[0]
    if (!action || seen.has(action)) continue
    seen.add(action)
    proposals.lines.push({
      signal: insight.severity === 'critical' ? 'act' : 'watch',
      label: insight.title,
      value: action,
    })
  }
  for (const m of await maturity(engine, at)) {
    if (m.model === 'incident-management' && m.nextActions[0])
      proposals.lines.push({
        signal: 'good',
        label: `Incident management maturity ${m.level} → ${m.level + 1}`,
        value: m.nextActions.slice(0, 2).join('; '),
      })
  }
  if (proposals.lines.length === 0)
    proposals.notes.push('Keep course: nothing in the data asks for a change.')

  return {
    ...frame(ctx, 'qbr', `Quarterly Business Review: Engineering — ${period.label}`),
    summary: [
      `${objectives.filter((o) => o.grade === 'green').length} of ${objectives.length} objectives scored green; ${answer.kpis.filter((x) => x.status === 'red').length} KPIs need action.`,
    ],
    sections: [outcomes, delivery, reliability, investments, people, register, proposals],
  }
}

export async function baselineReport(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const answer = await engine.kpis({ from: iso(period.from), to: iso(period.to) })
  const k = byId(answer.kpis)
  const family = (id: string, title: string, icon: string, ids: KpiId[], why: string) => {
    const s = section(id, title, icon)
    addLines(
      s,
      ids.map((kpi) => kpiLine(k.get(kpi), { periodName: 'period' })),
    )
    requireData(s, why)
    return s
  }
  const delivery = family(
    'delivery',
    'Delivery',
    '🚀',
    [
      'deploy_frequency',
      'lead_time_p50',
      'cycle_time_p50',
      'review_turnaround_p50',
      'sprint_predictability',
      'dependency_aging',
    ],
    'no deployments, pull requests or work items',
  )
  const reliability = family(
    'reliability',
    'Reliability',
    '🛡️',
    [
      'change_failure_rate',
      'mttr',
      'incidents_sev1_2',
      'slo_attainment',
      'postmortem_completion_sev1_2',
      'pages_per_person_week',
    ],
    'no incidents or SLO data',
  )
  const quality = family(
    'quality',
    'Quality',
    '🧪',
    ['bug_rate', 'escaped_defects', 'defect_escape_rate', 'customer_bug_rate', 'vulnerability_sla'],
    'no work items with bugs or vulnerabilities',
  )
  const talent = family(
    'talent',
    'Talent',
    '👥',
    ['retention', 'regrettable_attrition', 'engagement', 'enps', 'time_to_fill'],
    'no person events, surveys or requisitions',
  )

  const bleeding = section('stop-the-bleeding', 'Stop the bleeding', '🩹')
  for (const kpi of answer.kpis.filter(
    (x) => x.status === 'red' && ['dora', 'reliability', 'slo', 'security', 'quality'].includes(x.family),
  )) {
    bleeding.lines.push({
      signal: kpiSignal(kpi),
      label: kpi.name,
      value: formatValue(kpi.value, kpi.unit),
      context: `target ${formatTarget(kpi.target, kpi.unit, kpi.direction)}`,
    })
  }
  for (const g of (await gates(engine, at)).filter((x) => x.status === 'fail' && x.severity === 'error')) {
    bleeding.lines.push({
      signal: 'act',
      label: `Gate ${g.id}`,
      value: `${g.findings.length} finding(s)`,
      context: g.findings[0] ? `${g.findings[0].subject}: ${g.findings[0].message}` : undefined,
    })
  }
  if (bleeding.lines.length === 0)
    bleeding.notes.push(
      'Nothing is bleeding: no red reliability, security or quality KPI and no failing gate.',
    )

  const register = await riskSection(ctx, at, 12)
  const deps = dependencyMap(engine.org, at).dependencies.filter((d) => d.open)
  const dependencies = section('dependencies', 'Delivery dependencies', '🔗')
  if (deps.length > 0) dependencies.tables.push(dependencyTable(deps))
  else dependencies.missing = 'no dependencies in engops.yaml'

  return {
    ...frame(ctx, 'baseline', `30-day baseline assessment — ${engine.org.org.name}`),
    summary: [
      `Baseline over ${period.label}: ${answer.kpis.filter((x) => x.status === 'red').length} red, ${answer.kpis.filter((x) => x.status === 'yellow').length} yellow, ${answer.kpis.filter((x) => x.status === 'green').length} green KPIs.`,
    ],
    sections: [delivery, reliability, quality, talent, bleeding, register, dependencies],
  }
}

export async function teamReport(ctx: ReportContext & { team: string }): Promise<Report> {
  const { engine, period, team } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const answer = await engine.kpis({ team, from: iso(period.from), to: iso(period.to) })
  const sections: ReportSection[] = []
  const families = [...new Set(answer.kpis.map((x) => x.family))]
  for (const fam of families) {
    const s = section(
      `kpis-${fam}`,
      fam === 'dora' ? 'DORA' : fam[0]!.toUpperCase() + fam.slice(1).replace(/-/g, ' '),
    )
    addLines(
      s,
      answer.kpis
        .filter((x) => x.family === fam && x.status !== 'no-data')
        .map((x) => kpiLine(x, { periodName: 'period' })),
    )
    if (s.lines.length > 0) sections.push(s)
  }
  const okrs = section('okrs', 'OKRs', '🎯')
  const objectives = flattenOkrs(await okrTree(engine, at)).filter((o) => o.owner === team)
  if (objectives.length > 0) okrs.tables.push(okrTable(objectives))
  else okrs.missing = `${team} owns no OKRs in engops.yaml`
  const deps = section('dependencies', 'Dependencies', '🔗')
  const mine = dependencyMap(engine.org, at).dependencies.filter(
    (d) => d.open && (d.provider === team || d.consumer === team),
  )
  if (mine.length > 0) deps.tables.push(dependencyTable(mine))
  else deps.notes.push('No open dependencies.')
  const incidents = section('incidents', 'Incidents', '🚨')
  const list = await incidentsIn(engine, { kind: 'team', id: team }, period)
  if (list.length > 0) incidents.tables.push(incidentTable(list))
  else incidents.notes.push('No incidents in the period.')
  const agile = (await maturity(engine, at)).find((m) => m.model === 'agile' && m.subject === team)
  const growth = section('maturity', 'Agile maturity', '📈')
  if (agile) {
    growth.lines.push({
      signal: agile.level >= 4 ? 'elite' : agile.level >= 3 ? 'good' : 'watch',
      label: 'Level',
      value: `${agile.level} ${agile.levelName}`,
    })
    for (const action of agile.nextActions) growth.notes.push(`Next: ${action}`)
  }
  const name = engine.org.teams.find((t) => t.id === team)?.name ?? team
  return {
    ...frame(ctx, 'team', `Team ${name} — outcome review — ${period.label}`),
    summary: [
      `${answer.kpis.filter((x) => x.status === 'red').length} KPIs to act on, ${answer.kpis.filter((x) => x.status === 'yellow').length} to watch.`,
    ],
    sections: [...sections, okrs, deps, incidents, growth],
  }
}

export async function scorecardReport(ctx: ReportContext & { role: string }): Promise<Report> {
  const { engine, period } = ctx
  const scope = ctx.team ? { team: ctx.team } : {}
  const card = await engine.scorecard(ctx.role, { ...scope, from: iso(period.from), to: iso(period.to) })
  const kpis = section('kpis', 'KPIs', '📊')
  addLines(
    kpis,
    card.kpis.map((x) => kpiLine(x, { periodName: 'period' })),
  )
  const done = section('definition-of-done', 'Definition of done', '✅')
  done.tables.push({
    columns: ['Item', 'Evidence'],
    rows: card.definitionOfDone.map((d) => [d.item, d.evidence]),
    signals: card.definitionOfDone.map((d) => (d.met ? 'elite' : 'act')),
  })
  return {
    ...frame(ctx, 'scorecard', `Scorecard: ${card.name} — ${period.label}`),
    summary: [`North star: ${card.northStar}`],
    sections: [kpis, done],
  }
}
