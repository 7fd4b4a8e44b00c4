/**
 * Terminal views of the operating model: the seed dashboard's symbols (✅ 🟢 🟡 🔴) on a
 * terminal, bracketed words when piped, one line per item, evidence indented beneath.
 */
import type { audits } from '../engine/operating.js'
import type { DependencyMap } from '../operating/dependencies.js'
import type { ExperimentResult } from '../operating/experiments.js'
import type { GateResult } from '../operating/gates.js'
import type { InitiativeStatus } from '../operating/initiatives.js'
import type { Insight, RiskEntry } from '../operating/insights.js'
import type { MaturityAssessment } from '../operating/maturity.js'
import type { LintFinding, ObjectiveStatus, OkrStatus } from '../operating/okrs.js'
import type { RaciMatrix, RaciProblem } from '../operating/raci.js'
import { RACI_ROLE_NAMES } from '../operating/raci.js'
import type { Topology } from '../operating/topology.js'
import { bold, dim, localDay, type Style } from './output.js'

export type Where = (path: (string | number)[] | undefined) => string | null

type Light = 'green' | 'ok' | 'yellow' | 'red' | 'none' | 'done'

/** A check against a rule (a gate, a lint, a dependency, a verdict): the target-status words. */
const LIGHTS: Record<Light, [string, string]> = {
  done: ['✅', '[done] '],
  green: ['🟢', '[ok]   '],
  ok: ['✅', '[ok]   '],
  yellow: ['🟡', '[watch]'],
  red: ['🔴', '[act]  '],
  none: ['⚪', '[n/a]  '],
}

function light(kind: Light, style: Style): string {
  return style.rich ? LIGHTS[kind][0] : LIGHTS[kind][1]
}

/** An OKR's or an initiative's status: the plan words (README "Status words"). */
type PlanStatus = OkrStatus | InitiativeStatus['health']
const PLAN: Record<PlanStatus, [string, string]> = {
  achieved: ['✅', '[achieved] '],
  done: ['✅', '[done]     '],
  'on-track': ['🟢', '[on track] '],
  'at-risk': ['🟡', '[at risk]  '],
  'off-track': ['🔴', '[off track]'],
  blocked: ['🔴', '[blocked]  '],
  'no-data': ['⚪', '[n/a]      '],
}

function planMark(status: PlanStatus, style: Style): string {
  return style.rich ? PLAN[status][0] : PLAN[status][1]
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`)
const num = (x: number | null) =>
  x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, '')

export function renderOkrStatus(
  objectives: readonly ObjectiveStatus[],
  org: string,
  now: number,
  style: Style,
): string {
  if (objectives.length === 0) return 'No OKRs in engops.yaml (add an okrs: section).'
  const lines = [bold(`OKRs — ${org} — ${localDay(now, style)}`, style), '']
  for (const o of objectives) {
    const flag = o.escalate ? ' ⚠ escalate' : ''
    lines.push(
      `${planMark(o.status, style)} ${bold(o.objective, style)} ${dim(`(${o.id}, ${o.level}, ${o.owner}, ${o.period} week ${o.week}/${o.weeks})`, style)}${flag}`,
    )
    lines.push(
      `   progress ${pct(o.progress)} vs expected ${pct(o.expected)}${o.final ? ` · final score ${num(o.score)} (${o.grade})` : ''}`,
    )
    for (const kr of o.keyResults) {
      const value = `${num(kr.current)}${kr.unit ? ` ${kr.unit}` : ''}`
      const range = `${num(kr.baseline)} → ${num(kr.target)}`
      lines.push(
        `   ${planMark(kr.status, style)} ${kr.title}: ${value} (${range}) ${pct(kr.progress)}${dim(` · ${kr.source}${kr.metric ? ` ${kr.metric}` : ''}`, style)}${kr.escalate ? ' ⚠ escalate' : ''}`,
      )
      if (kr.lastCheckIn?.comment)
        lines.push(
          `      ${dim(`“${kr.lastCheckIn.comment}” — ${kr.lastCheckIn.by ?? 'check-in'} ${localDay(kr.lastCheckIn.at, style)}`, style)}`,
        )
    }
    lines.push('')
  }
  return lines.join('\n')
}

export function renderOkrTree(roots: readonly ObjectiveStatus[], mermaid: boolean, style: Style): string {
  if (mermaid) {
    const node = (id: string) => `o_${id.replace(/[^A-Za-z0-9_]/g, '_')}`
    const lines = ['graph TD']
    const visit = (o: ObjectiveStatus) => {
      lines.push(
        `  ${node(o.id)}["${o.objective.replace(/["<>]/g, '')}<br/>${o.owner} · ${pct(o.progress)} · ${o.rollup}"]`,
      )
      for (const child of o.children) {
        lines.push(`  ${node(o.id)} --> ${node(child.id)}`)
        visit(child)
      }
    }
    roots.forEach(visit)
    return `${lines.join('\n')}\n`
  }
  const lines: string[] = []
  const visit = (o: ObjectiveStatus, depth: number) => {
    const indent = '   '.repeat(depth)
    lines.push(
      `${indent}${planMark(o.rollup, style)} ${o.objective} ${dim(`[${o.level} · ${o.owner} · ${pct(o.progress)} · own ${o.status}, rolled up ${o.rollup}]`, style)}${o.escalate ? ' ⚠ escalate' : ''}`,
    )
    for (const kr of o.keyResults)
      lines.push(`${indent}     ${planMark(kr.status, style)} ${kr.title} ${dim(pct(kr.progress), style)}`)
    for (const child of o.children) visit(child, depth + 1)
  }
  for (const root of roots) visit(root, 0)
  return lines.length > 0 ? lines.join('\n') : 'No OKRs in engops.yaml.'
}

export function renderLint(findings: readonly LintFinding[], where: Where, style: Style): string {
  if (findings.length === 0) return `${light('ok', style)} OKRs are lint-clean`
  return findings
    .map(
      (f) => `${where(f.path) ?? ''}: ${bold(f.rule, style)} ${f.message}\n   ${dim(`fix: ${f.fix}`, style)}`,
    )
    .join('\n')
}

export function renderInitiatives(list: readonly InitiativeStatus[], style: Style): string {
  if (list.length === 0) return 'No initiatives in engops.yaml.'
  const lines = [bold('Initiative tracker', style), '']
  for (const i of list) {
    const timeline =
      i.start !== null || i.end !== null ? ` · ${localDay(i.start, style)} → ${localDay(i.end, style)}` : ''
    lines.push(
      `${planMark(i.health, style)} ${bold(i.name, style)} — ${i.owner} · ${i.health}${i.health !== i.declared ? ` (declared ${i.declared})` : ''}${timeline}${i.watermelon ? ' 🍉 watermelon' : ''}`,
    )
    if (i.impact) lines.push(`   impact: ${i.impact}`)
    for (const reason of i.reasons) lines.push(`   ${dim(reason, style)}`)
  }
  return lines.join('\n')
}

export function renderDeps(map: DependencyMap, style: Style): string {
  if (map.dependencies.length === 0) return 'No dependencies in engops.yaml.'
  const lines = [bold('Dependency matrix', style), '']
  lines.push(
    `${'provider → consumer'.padEnd(26)} ${'dependency'.padEnd(34)} ${'type'.padEnd(12)} ${'status'.padEnd(11)} risk    age  need-by`,
  )
  for (const d of map.dependencies) {
    const need =
      d.daysToNeed === null ? '—' : d.daysToNeed < 0 ? `${-d.daysToNeed} d late` : `in ${d.daysToNeed} d`
    const mark = !d.open
      ? light('done', style)
      : d.overdue || d.excuse
        ? light('red', style)
        : d.risk === 'high'
          ? light('yellow', style)
          : light('green', style)
    lines.push(
      `${mark} ${`${d.provider} → ${d.consumer}`.padEnd(24)} ${d.what.slice(0, 34).padEnd(34)} ${d.type.padEnd(12)} ${d.status.padEnd(11)} ${d.risk.padEnd(7)} ${String(d.ageDays ?? '—').padStart(3)}  ${need}`,
    )
    if (d.open && (d.escalation === 'escalate-now' || d.excuse || d.inCycle))
      lines.push(
        `     ${dim(`${d.excuse ? 'dependency as excuse · ' : ''}${d.inCycle ? 'in a cycle · ' : ''}${d.escalation} → ${d.strategyText}`, style)}`,
      )
  }
  lines.push('')
  lines.push(
    map.cycles.length > 0 ? `Cycles: ${map.cycles.map((c) => c.join(' ↔ ')).join('; ')}` : 'Cycles: none',
  )
  lines.push(
    map.hubs.length > 0
      ? `Hub teams: ${map.hubs.map((h) => `${h.team} (${h.blocking} blocking for ${h.consumers.join(', ')})`).join('; ')}`
      : 'Hub teams: none',
  )
  return lines.join('\n')
}

export function renderRaci(
  matrix: RaciMatrix,
  problems: readonly RaciProblem[],
  where: (responsibility: string) => string | null,
  style: Style,
): string {
  const width = Math.max(...matrix.rows.map((r) => r.responsibility.length), 14)
  const header = `${'Responsibility'.padEnd(width)}  ${matrix.roles.map((r) => r.toUpperCase().padEnd(5)).join(' ')}`
  const lines = [bold(header, style)]
  for (const row of matrix.rows) {
    lines.push(
      `${row.responsibility.padEnd(width)}  ${matrix.roles.map((r) => (row.cells[r]?.join('/') ?? '').padEnd(5)).join(' ')}`,
    )
  }
  lines.push(
    '',
    dim(
      `Roles: ${matrix.roles.map((r) => `${r.toUpperCase()} = ${RACI_ROLE_NAMES[r] ?? r}`).join(' · ')}`,
      style,
    ),
  )
  lines.push(dim('A = Accountable (single owner); R = Responsible; C = Consulted; I = Informed', style))
  if (problems.length > 0) {
    lines.push('')
    for (const p of problems) {
      const at = p.role ? `${p.role}: ` : ''
      const loc = where(p.responsibility)
      lines.push(
        `${light(p.severity === 'error' ? 'red' : 'yellow', style)} ${loc ? `${loc}: ` : ''}${p.responsibility}: ${at}${p.message}`,
      )
    }
  }
  return lines.join('\n')
}

export function renderTopology(t: Topology, style: Style): string {
  const lines = [bold('Teams', style)]
  for (const team of t.teams) {
    const size = `${team.size} people (${team.range.min}–${team.range.max})`
    const load = team.cognitiveLoad
      ? ` · cognitive load ${team.cognitiveLoad.total}/10 ${team.cognitiveLoad.status}`
      : ''
    const mark =
      team.sizeStatus === 'ok' && (!team.cognitiveLoad || team.cognitiveLoad.status === 'ok')
        ? 'ok'
        : 'yellow'
    lines.push(
      `${light(mark, style)} ${team.name} — ${team.type} · ${size}${load}${team.services.length ? ` · owns ${team.services.join(', ')}` : ''}`,
    )
    for (const i of team.interactions)
      lines.push(
        `     ${dim(`${i.mode} with ${i.team} for ${i.days} d${i.expectedDays ? ` (expected ${i.expectedDays} d)` : ''}`, style)}`,
      )
  }
  lines.push('', bold('Anti-patterns', style))
  if (t.antiPatterns.length === 0) lines.push(`${light('ok', style)} none found`)
  for (const a of t.antiPatterns)
    lines.push(`${light('red', style)} ${a.kind}: ${a.evidence}\n     ${dim(`fix: ${a.fix}`, style)}`)
  if (t.ladder.length > 0) {
    lines.push('', bold('Ladder: direct contributorship', style))
    for (const l of t.ladder) {
      lines.push(
        `${light(l.status === 'ok' ? 'ok' : l.status === 'no-data' ? 'none' : 'yellow', style)} ${l.name} — ${l.role} (${l.level}) · ${l.directReports} reports · ${l.changes} changes = ${pct(l.contribution)} of a typical engineer (expected ${pct(l.expected.min)}–${pct(l.expected.max)})`,
      )
    }
  }
  if (t.meetingHoursPerWeek !== null)
    lines.push('', `Recurring meetings: ${t.meetingHoursPerWeek.toFixed(1)} h per person per week`)
  return lines.join('\n')
}

export function renderMaturity(list: readonly MaturityAssessment[], style: Style): string {
  const lines: string[] = []
  for (const a of list) {
    lines.push(
      bold(
        `${a.model === 'agile' ? 'Agile maturity' : 'Incident management maturity'} — ${a.subject}: level ${a.level} ${a.levelName}`,
        style,
      ),
    )
    for (const c of a.checks)
      lines.push(
        `   ${light(c.passed ? 'ok' : 'red', style)} L${c.level} ${c.name} ${dim(`— ${c.evidence}`, style)}`,
      )
    if (a.nextActions.length > 0) lines.push(`   next: ${a.nextActions.join('; ')}`)
    lines.push('')
  }
  return lines.join('\n')
}

export function renderChecks(results: readonly GateResult[], where: Where, style: Style): string {
  const lines: string[] = []
  for (const r of results) {
    const mark =
      r.status === 'pass'
        ? light('ok', style)
        : r.status === 'skipped'
          ? light('none', style)
          : light(r.severity === 'error' ? 'red' : 'yellow', style)
    lines.push(
      `${mark} ${r.id} — ${r.title}${r.status === 'skipped' ? dim(` (skipped: ${r.reason})`, style) : ''}`,
    )
    for (const f of r.findings) {
      const loc = where(f.path)
      lines.push(`     ${loc ? `${loc}: ` : ''}${f.subject}: ${f.message}`)
    }
  }
  const failed = results.filter((r) => r.status === 'fail')
  const errors = failed.filter((r) => r.severity === 'error').length
  lines.push(
    '',
    errors > 0
      ? `${errors} gate(s) failed`
      : `passed${failed.length > 0 ? ` with ${failed.length} warning(s)` : ''}`,
  )
  return lines.join('\n')
}

export function renderExperiments(list: readonly ExperimentResult[], style: Style): string {
  if (list.length === 0) return 'No experiments in engops.yaml (add an experiments: section).'
  const lines: string[] = []
  const verdictLight: Record<string, Light> = { adopt: 'ok', revert: 'red', inconclusive: 'yellow' }
  for (const x of list) {
    lines.push(
      `${light(verdictLight[x.verdict]!, style)} ${bold(x.id, style)}: ${x.verdict.toUpperCase()} — ${x.hypothesis}`,
    )
    lines.push(
      `   ${x.metric} (${x.better} is better): median ${num(x.baseline.median)} (n ${x.baseline.n}) → ${num(x.experiment.median)} (n ${x.experiment.n})${x.relativeChange !== null ? `, ${x.relativeChange > 0 ? '+' : ''}${Math.round(x.relativeChange * 100)}%` : ''}`,
    )
    if (x.test)
      lines.push(
        `   Mann–Whitney U ${num(x.test.u)}, z ${x.test.z.toFixed(2)}, p ${x.test.p.toFixed(4)}, effect (rank-biserial) ${x.test.effect.toFixed(2)}`,
      )
    lines.push(`   ${dim(x.reason, style)}`)
  }
  return lines.join('\n')
}

export function renderAudit(
  kind: 'meetings' | 'tools',
  result: ReturnType<typeof audits>,
  currency: string,
  style: Style,
): string {
  const money = (x: number | null) =>
    x === null ? '—' : `${currency} ${Math.round(x).toLocaleString('en-US')}`
  if (kind === 'meetings') {
    const m = result.meetings
    if (m.meetings.length === 0) return 'No meetings in engops.yaml (add a meetings: section).'
    const verdict: Record<string, Light> = { keep: 'ok', reduce: 'yellow', kill: 'red' }
    const lines = [bold('Meeting audit', style), '']
    for (const line of m.meetings) {
      lines.push(
        `${light(verdict[line.verdict]!, style)} ${line.name} — ${line.frequency}, ${line.durationMinutes} min, ${line.attendees} people: ${line.hoursPerWeek.toFixed(1)} h/week, ${money(line.yearlyCost)}/year → ${line.verdict.toUpperCase()}`,
      )
      lines.push(`     ${dim(line.reason, style)}`)
    }
    lines.push(
      '',
      `Total ${m.hoursPerWeek.toFixed(1)} person-hours/week (${m.hoursPerPersonWeek?.toFixed(1) ?? '—'} h per person), ${money(m.yearlyCost)}/year; following the verdicts saves ${money(m.yearlySaving)}/year`,
    )
    if (m.hourlyRate === null) lines.push(dim('Set org.loadedCostPerEngineer for costs.', style))
    return lines.join('\n')
  }
  const t = result.tools
  if (t.tools.length === 0) return 'No tools in engops.yaml (add a tools: section).'
  const lines = [bold('Tool stack audit', style), '']
  for (const tool of t.tools)
    lines.push(`   ${tool.name.padEnd(20)} ${tool.category.padEnd(20)} ${money(tool.costPerYear)}/year`)
  lines.push(
    '',
    `Total ${money(t.total)}/year (~${money(t.perEngineer)} per person/year, ${t.engineers} people)`,
  )
  for (const s of t.suggestions) lines.push(`${light('yellow', style)} ${s}`)
  return lines.join('\n')
}

export function renderRisks(list: readonly RiskEntry[], style: Style): string {
  if (list.length === 0) return 'No risks declared or found.'
  const lines = [bold('Risk register', style), '']
  for (const r of list) {
    const mark: Light = r.score >= 6 ? 'red' : r.score >= 3 ? 'yellow' : 'green'
    lines.push(
      `${light(mark, style)} ${r.title} — owner ${r.owner} · likelihood ${r.likelihood}, impact ${r.impact} (${r.score}) · ${r.source}`,
    )
    if (r.mitigation) lines.push(`     ${dim(`mitigation: ${r.mitigation}`, style)}`)
  }
  return lines.join('\n')
}

export function renderInsights(list: readonly Insight[], style: Style): string {
  if (list.length === 0) return `${light('ok', style)} Nothing needs attention.`
  const lines: string[] = []
  for (const i of list) {
    lines.push(`${light(i.severity === 'critical' ? 'red' : 'yellow', style)} ${bold(i.title, style)}`)
    for (const e of i.evidence) lines.push(`     ${e}`)
    for (const a of i.actions) lines.push(`     → ${a}`)
    lines.push('')
  }
  return lines.join('\n')
}
