/**
 * The weekly rituals: the status mail to the CTO/CEO, the reliability huddle, the WIP &
 * dependency sweep and the engineering–product sync — each ready to send as it is.
 */
import { blockedWorkItems, incidentsIn, quarterCommitments } from '../engine/lists.js'
import { dependencyMap, gates, initiatives, insights, okrTree } from '../engine/operating.js'
import { dayKey, orgDay } from '../metrics/calendar.js'
import { flattenOkrs } from '../operating/okrs.js'
import {
  addLines,
  byId,
  dependencyTable,
  incidentTable,
  initiativeTable,
  isoDay,
  kpiLine,
  okrTable,
  requireData,
} from './blocks.js'
import { formatValue } from './format.js'
import { type Report, type Signal, section } from './model.js'
import { type ReportContext, scopeLabel } from './monthly.js'

const iso = (epoch: number) => new Date(epoch).toISOString()
const DAY = 86_400_000

function frame(ctx: ReportContext, kind: string, title: string): Omit<Report, 'summary' | 'sections'> {
  return {
    kind,
    title: `${title} — ${ctx.period.label}`,
    org: ctx.engine.org.org.name,
    scope: scopeLabel(ctx.engine, ctx.team),
    period: { from: iso(ctx.period.from), to: iso(ctx.period.to), label: ctx.period.label },
    asOf: iso(Math.min(ctx.now, ctx.period.to)),
    asOfDate: dayKey(Math.min(ctx.now, ctx.period.to), ctx.engine.org.org.timezone),
  }
}

export async function weeklyReport(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const objectives = flattenOkrs(await okrTree(engine, at))
  const okrs = section('okrs', 'OKR status', '🎯')
  if (objectives.length > 0) okrs.tables.push(okrTable(objectives))
  else okrs.missing = 'no OKRs in engops.yaml (add an okrs: section)'

  const tracker = section('initiatives', 'Initiative tracker', '🗂️')
  const list = await initiatives(engine, at)
  if (list.length > 0) tracker.tables.push(initiativeTable(list, ctx.engine.org.org.timezone))
  else tracker.missing = 'no initiatives in engops.yaml'

  const deps = dependencyMap(engine.org, at)
  const escalations = section('escalations', 'Escalations', '📣')
  for (const o of objectives) {
    for (const kr of o.keyResults.filter((x) => x.escalate)) {
      escalations.lines.push({
        signal: kr.status === 'off-track' ? 'act' : 'watch',
        label: `OKR ${o.id}`,
        value: `${kr.title} is ${kr.status} in week ${o.week} of ${o.weeks}`,
        context: `owner ${o.owner}`,
      })
    }
  }
  for (const d of deps.dependencies.filter((x) => x.open && x.escalation === 'escalate-now')) {
    escalations.lines.push({
      signal: 'act',
      label: `Dependency ${d.id}`,
      value: `${d.consumer} blocked on ${d.provider} for "${d.what}"`,
      context: d.overdue ? `${-(d.daysToNeed ?? 0)} days past need-by` : `${d.ageDays} days old`,
    })
  }
  for (const i of list.filter((x) => x.health === 'blocked')) {
    escalations.lines.push({
      signal: 'act',
      label: `Initiative ${i.id}`,
      value: `${i.name} is blocked`,
      context: `owner ${i.owner}`,
    })
  }
  if (escalations.lines.length === 0) escalations.notes.push('No escalations this week.')

  const weekIncidents = await incidentsIn(engine, { kind: 'org' }, period)
  const incidents = section('incidents', 'Incidents of the week', '🚨')
  if (weekIncidents.length > 0) incidents.tables.push(incidentTable(weekIncidents))
  else incidents.notes.push('No incidents this week.')

  const atRisk = section('dependencies', 'Dependencies at risk', '🔗')
  const risky = deps.dependencies.filter(
    (d) => d.open && (d.risk === 'high' || d.overdue || d.excuse || d.inCycle),
  )
  if (risky.length > 0) atRisk.tables.push(dependencyTable(risky))
  else
    atRisk.notes.push(
      deps.dependencies.length > 0 ? 'No dependency at risk.' : 'No dependencies in engops.yaml.',
    )

  const decisions = section('decisions', 'Decisions needed', '🧭')
  for (const insight of (await insights(engine, at)).filter(
    (i) => i.kind === 'okr-at-risk' && i.severity === 'critical',
  )) {
    decisions.lines.push({
      signal: 'act',
      label: insight.title,
      value: insight.actions.slice(0, 3).join(' · '),
    })
  }
  for (const d of risky.filter((x) => x.escalation === 'escalate-now')) {
    decisions.lines.push({ signal: 'act', label: `Unblock ${d.consumer}: ${d.what}`, value: d.strategyText })
  }
  if (decisions.lines.length === 0) decisions.notes.push('No decisions needed this week.')

  const offTrack = objectives.filter((o) => o.status === 'off-track' || o.status === 'at-risk').length
  return {
    ...frame(ctx, 'weekly', 'Weekly engineering status'),
    summary: [
      `${objectives.length} objectives: ${offTrack} at risk or off track; ${weekIncidents.length} incidents; ${escalations.lines.length} escalations.`,
    ],
    sections: [okrs, tracker, escalations, incidents, atRisk, decisions],
  }
}

export async function reliabilityHuddle(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const answer = await engine.kpis({ now: at })
  const k = byId(answer.kpis)
  const slos = section('slos', 'SLOs and error budgets', '🎯')
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`)
  if (answer.board.slos.entries.length > 0) {
    slos.tables.push({
      columns: ['SLO', 'Service', 'Objective', 'Attainment', 'Budget left', 'Burn', 'Alert'],
      rows: answer.board.slos.entries.map((e) => [
        e.id,
        e.service,
        `${e.status.objective}%`,
        pct(e.status.attainment),
        e.status.budgetRemaining === null ? '—' : `${Math.round(e.status.budgetRemaining * 100)}%`,
        e.status.burnRate === null ? '—' : `${e.status.burnRate.toFixed(2)}×`,
        e.status.alert,
      ]),
      signals: answer.board.slos.entries.map(
        (e): Signal =>
          e.status.alert === 'page' || (e.status.budgetRemaining ?? 1) <= 0
            ? 'act'
            : e.status.alert === 'ticket'
              ? 'watch'
              : e.status.met === null
                ? 'none'
                : 'elite',
      ),
    })
  } else slos.missing = 'no SLOs in engops.yaml (add slos: and ingest sli events)'

  const burn = section('burn-alerts', 'Burn alerts', '🔥')
  for (const e of answer.board.slos.entries.filter(
    (x) => x.status.alert === 'page' || x.status.alert === 'ticket',
  )) {
    burn.lines.push({
      signal: e.status.alert === 'page' ? 'act' : 'watch',
      label: e.id,
      value: `${e.status.alert} alert firing`,
      context:
        e.status.exhaustionMs !== null
          ? `budget gone in ${(e.status.exhaustionMs / DAY).toFixed(1)} days at this burn`
          : undefined,
    })
  }
  if (burn.lines.length === 0 && !slos.missing) burn.notes.push('No burn-rate alert is firing.')

  const incidents = section('incidents', 'Incidents of the week', '🚨')
  const week = await incidentsIn(engine, { kind: 'org' }, period)
  if (week.length > 0) incidents.tables.push(incidentTable(week))
  else incidents.notes.push('No incidents this week.')
  addLines(incidents, [
    kpiLine(k.get('mttr'), { label: 'Time to restore (30 days)' }),
    kpiLine(k.get('mtta'), { label: 'Time to acknowledge (30 days)' }),
  ])

  const due = section('postmortems', 'Postmortems and action items due', '📝')
  const overdue = (await gates(engine, at)).find((g) => g.id === 'postmortems-overdue')
  if (overdue && overdue.findings.length > 0) {
    due.tables.push({
      columns: ['Incident', 'What is late'],
      rows: overdue.findings.map((f) => [f.subject, f.message]),
      signals: overdue.findings.map(() => 'act'),
    })
  } else due.notes.push('Nothing overdue.')

  const pages = section('pages', 'On-call load', '📟')
  addLines(pages, [
    kpiLine(k.get('pages_per_person_week'), { label: 'Pages per on-call person per week' }),
    kpiLine(k.get('pages_per_team_week'), { label: 'Pages per team per week' }),
  ])
  requireData(pages, 'no incidents ingested')

  return {
    ...frame(ctx, 'reliability-huddle', 'Reliability huddle'),
    summary: [
      `${answer.board.slos.met} of ${answer.board.slos.judged} SLOs met over their window; ${week.length} incidents this week.`,
    ],
    sections: [slos, burn, incidents, due, pages],
  }
}

export async function wipDepsSweep(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const wip = section('wip', 'WIP against limits', '🚦')
  const rows: string[][] = []
  const signals: Signal[] = []
  for (const team of engine.org.teams) {
    const board = (await engine.scoreboard({ team: team.id, now: at })).current
    const flow = board.flow.wip
    rows.push([
      team.name,
      String(flow.items),
      flow.limit === null ? '—' : String(flow.limit),
      flow.ratio === null ? '—' : `${flow.ratio.toFixed(2)}×`,
    ])
    signals.push(flow.ratio === null ? 'none' : flow.ratio > 1 ? 'act' : flow.ratio > 0.8 ? 'watch' : 'elite')
  }
  if (rows.length > 0) wip.tables.push({ columns: ['Team', 'In progress', 'Limit', 'Ratio'], rows, signals })
  else wip.missing = 'no teams in engops.yaml'
  if (signals.every((s) => s === 'none') && rows.length > 0)
    wip.missing = 'no work items in progress (ingest work_item events and set teams[].wipLimit)'

  const deps = dependencyMap(engine.org, at)
  const open = deps.dependencies.filter((d) => d.open)
  const sweep = section('dependencies', 'Dependencies by age and risk', '🔗')
  if (open.length > 0) sweep.tables.push(dependencyTable(open))
  else sweep.missing = 'no open dependencies in engops.yaml'
  if (deps.cycles.length > 0) sweep.notes.push(`Cycles: ${deps.cycles.map((c) => c.join(' ↔ ')).join('; ')}`)
  if (deps.hubs.length > 0)
    sweep.notes.push(`Hub teams: ${deps.hubs.map((h) => `${h.team} (${h.blocking} blocking)`).join('; ')}`)
  return {
    ...frame(ctx, 'wip-deps-sweep', 'WIP & dependency sweep'),
    summary: [
      `${open.length} open dependencies, ${open.filter((d) => d.overdue || d.excuse).length} past need-by or stuck; ${signals.filter((s) => s === 'act').length} teams over their WIP limit.`,
    ],
    sections: [wip, sweep],
  }
}

export async function engProductSync(ctx: ReportContext): Promise<Report> {
  const { engine, period } = ctx
  const at = Math.min(ctx.now, period.to - 1)
  const org = engine.org
  const answer = await engine.kpis({ now: at })

  const roadmap = section('roadmap', 'Roadmap alignment', '🗺️')
  const commitments = await quarterCommitments(engine, quarterOf(at), at)
  if (commitments) {
    const teams = commitments.byTeam
    roadmap.tables.push({
      title: `Committed to ${commitments.quarter}`,
      columns: ['Team', 'Done', 'In progress', 'Not started'],
      rows: teams.map(([team, c]) => [team, String(c.done), String(c.doing), String(c.todo)]),
    })
  } else roadmap.missing = 'no work items committed to a quarter (work_item committedQuarter)'

  const capacity = section('capacity', 'Capacity by investment against plan', '⚖️')
  const alloc = answer.board.allocation
  if (alloc.points > 0) {
    const entries = Object.entries(alloc.byInvestment)
    capacity.tables.push({
      columns: ['Investment', 'Share of done points', 'Planned', 'Gap'],
      rows: entries.map(([name, v]) => [
        name,
        v.share === null ? '—' : `${Math.round(v.share * 100)}%`,
        v.planned === null ? '—' : `${Math.round(v.planned * 100)}%`,
        v.gap === null ? '—' : `${v.gap > 0 ? '+' : ''}${Math.round(v.gap * 100)} pts`,
      ]),
      signals: entries.map(
        ([, v]): Signal => (v.gap === null ? 'none' : Math.abs(v.gap) > 0.1 ? 'watch' : 'elite'),
      ),
    })
  } else capacity.missing = 'no completed work items with an investment type in the last 30 days'

  const blockers = section('blockers', 'Escalations and blockers', '🧱')
  const deps = dependencyMap(org, at)
  for (const d of deps.dependencies.filter(
    (x) => x.open && (x.status === 'blocked' || x.escalation === 'escalate-now'),
  )) {
    blockers.lines.push({
      signal: 'act',
      label: `${d.consumer} waits on ${d.provider}`,
      value: d.what,
      context: d.overdue ? `${-(d.daysToNeed ?? 0)} days late` : `${d.ageDays} days`,
    })
  }
  const blockedItems = await blockedWorkItems(engine, at)
  if (blockedItems.length > 0) {
    blockers.lines.push({
      signal: 'watch',
      label: 'Blocked work items',
      value: `${blockedItems.length}`,
      context: blockedItems
        .slice(0, 5)
        .map((w) => w.key)
        .join(', '),
    })
  }
  if (blockers.lines.length === 0) blockers.notes.push('Nothing blocked.')

  const lookahead = section('lookahead', 'The next four weeks', '🔭')
  const horizon = at + 28 * DAY
  const zone = org.org.timezone
  const upcoming: { when: number; what: string }[] = []
  for (const i of org.initiatives) {
    for (const m of i.milestones) {
      const due = orgDay(m.due, zone)
      if (due !== null && !m.done && due >= at && due < horizon)
        upcoming.push({ when: due, what: `${i.name}: ${m.name}` })
    }
  }
  for (const d of deps.dependencies.filter(
    (x) => x.open && x.neededBy !== null && x.neededBy >= at && x.neededBy < horizon,
  )) {
    upcoming.push({ when: d.neededBy!, what: `${d.consumer} needs "${d.what}" from ${d.provider}` })
  }
  for (const f of org.policies.changeFreezes) {
    const from = orgDay(f.from, zone)
    if (from !== null && from >= at && from < horizon)
      upcoming.push({
        when: from,
        what: `Change freeze "${f.name}" until ${isoDay(orgDay(f.to, zone), zone)}`,
      })
  }
  upcoming.sort((a, b) => a.when - b.when)
  if (upcoming.length > 0)
    lookahead.tables.push({
      columns: ['Date', 'What'],
      rows: upcoming.map((u) => [isoDay(u.when, zone), u.what]),
    })
  else lookahead.notes.push('No milestones, need-by dates or freezes in the next four weeks.')

  return {
    ...frame(ctx, 'eng-product', 'Engineering–Product sync'),
    summary: [
      `Roadmap predictability: ${formatValue(answer.board.roadmap.rate, 'fraction')}; ${blockers.lines.length} blockers.`,
    ],
    sections: [roadmap, capacity, blockers, lookahead],
  }
}

function quarterOf(epoch: number): string {
  const d = new Date(epoch)
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`
}
