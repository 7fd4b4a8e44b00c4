/**
 * Diagnoses: the scenarios of the eng-ops seed, automated with their evidence.
 * - "Velocity declining": lead time grew; which stage (coding, pickup, review, deploy) grew, in
 *   which team, since when.
 * - "OKR at risk": escalate early (from week 8) with the seed's options: reduce scope, extend the
 *   timeline, add resources.
 * - "Error budget exhausted in N days" at the current burn, or already exhausted.
 * - "Dependency aging past its need-by date".
 * And the risk register: risks declared in engops.yaml plus those derived from the same evidence.
 */
import { dayKey } from '../metrics/calendar.js'
import type { DoraSummary } from '../metrics/dora.js'
import type { Risk } from '../model/org.js'
import type { DependencyStatus } from './dependencies.js'
import type { ObjectiveStatus } from './okrs.js'
import type { AntiPattern } from './topology.js'

export type InsightKind = 'lead-time-regression' | 'okr-at-risk' | 'error-budget' | 'dependency-overdue'

export interface Insight {
  kind: InsightKind
  severity: 'critical' | 'warning'
  subject: string
  title: string
  evidence: string[]
  actions: string[]
}

export interface LeadTimePoint {
  from: number
  to: number
  leadTime: DoraSummary['leadTime']
}

const STAGES = ['coding', 'pickup', 'review', 'deploy'] as const
const hours = (seconds: number) =>
  seconds >= 172_800 ? `${(seconds / 86_400).toFixed(1)} d` : `${(seconds / 3600).toFixed(1)} h`
const num = (x: number | null) => (x === null ? '—' : String(Number(x.toFixed(2))))

/**
 * Lead time regression of one team from a series of consecutive periods (oldest first, the last is
 * the current one): fires when the current median is ≥ 25 % above the first period's, names the
 * stage that grew most, and dates the first period in which that stage ran 50 % above its baseline.
 */
/** `zone`: the org's time zone, for the dates the evidence names. */
export function diagnoseLeadTime(
  team: string,
  series: readonly LeadTimePoint[],
  zone = 'UTC',
): Insight | null {
  const day = (epoch: number) => dayKey(epoch, zone)
  if (series.length < 2) return null
  const baseline = series[0]!
  const current = series.at(-1)!
  const before = baseline.leadTime.medianSeconds
  const now = current.leadTime.medianSeconds
  if (before === null || now === null || baseline.leadTime.n < 5 || current.leadTime.n < 5) return null
  if (now < before * 1.25) return null
  let grown: (typeof STAGES)[number] | null = null
  let growth = 0
  for (const stage of STAGES) {
    const a = baseline.leadTime.stages[stage].medianSeconds
    const b = current.leadTime.stages[stage].medianSeconds
    if (a === null || b === null) continue
    // A stage explains the regression only when it grew by a tenth of its own baseline or more.
    if (b - a > growth && b - a >= 0.1 * a) {
      growth = b - a
      grown = stage
    }
  }
  const evidence = [
    `median lead time ${hours(before)} (${day(baseline.from)} – ${day(baseline.to - 1)}) → ${hours(now)} (${day(current.from)} – ${day(current.to - 1)})`,
  ]
  let since: number | null = null
  if (grown) {
    const base = baseline.leadTime.stages[grown].medianSeconds!
    for (const point of series.slice(1)) {
      const value = point.leadTime.stages[grown].medianSeconds
      if (value !== null && value >= base * 1.5 && base > 0) {
        since = point.from
        break
      }
    }
    evidence.push(
      `${grown} time grew most: ${hours(base)} → ${hours(current.leadTime.stages[grown].medianSeconds!)}${since !== null ? `, since the period starting ${day(since)}` : ''}`,
    )
    evidence.push(
      `stage medians now: ${STAGES.map((s) => `${s} ${current.leadTime.stages[s].medianSeconds === null ? '—' : hours(current.leadTime.stages[s].medianSeconds!)}`).join(', ')}`,
    )
  }
  const actions =
    grown === 'pickup' || grown === 'review'
      ? [
          'Review SLA (24 h max), auto-assign reviewers, smaller PRs',
          'Track % of reviews under 24 h weekly (goal > 90%)',
        ]
      : grown === 'coding'
        ? ['Smaller stories and PRs; look for tech debt every feature touches (allocate ~20% capacity)']
        : grown === 'deploy'
          ? [
              'Deploy more often: automate the release pipeline, feature flags to decouple deploy from release',
            ]
          : ['Interview the team: tech debt, unclear requirements, waiting on dependencies?']
  return {
    kind: 'lead-time-regression',
    severity: now >= before * 2 ? 'critical' : 'warning',
    subject: team,
    title: `Lead time of ${team} up ${Math.round((now / before - 1) * 100)}%${grown ? `: ${grown} time grew` : ''}`,
    evidence,
    actions,
  }
}

export function diagnoseOkrs(objectives: readonly ObjectiveStatus[]): Insight[] {
  const insights: Insight[] = []
  for (const objective of objectives) {
    for (const kr of objective.keyResults) {
      if (kr.status !== 'at-risk' && kr.status !== 'off-track') continue
      insights.push({
        kind: 'okr-at-risk',
        severity: kr.status === 'off-track' || kr.escalate ? 'critical' : 'warning',
        subject: objective.id,
        title: `${kr.status === 'off-track' ? 'Off track' : 'At risk'}: ${kr.title} (${objective.owner}, week ${objective.week} of ${objective.weeks})`,
        evidence: [
          `progress ${kr.progress === null ? '—' : `${Math.round(kr.progress * 100)}%`} against ${Math.round(kr.expected * 100)}% of the period elapsed`,
          `value ${num(kr.current)}${kr.unit ? ` ${kr.unit}` : ''} (baseline ${num(kr.baseline)}, target ${num(kr.target)}; from ${kr.source})`,
          ...(kr.escalate ? [`escalate now: week ${objective.week} ≥ 8 ("week 8, not week 12")`] : []),
        ],
        actions: [
          'Reduce scope (e.g. 3 of 5), focus on quality',
          'Extend the timeline (complete next quarter)',
          'Add resources (contractors or a loaned engineer for 2 months)',
          'Decide, update the OKR and explain the rationale',
        ],
      })
    }
  }
  return insights
}

export interface BudgetView {
  slo: string
  service: string
  remaining: number | null
  /** Milliseconds until the budget is gone at the current burn; null when not burning. */
  exhaustionMs: number | null
  burnRate: number | null
}

export function diagnoseBudgets(budgets: readonly BudgetView[], horizonDays = 14): Insight[] {
  const insights: Insight[] = []
  for (const b of budgets) {
    if (b.remaining === null) continue
    if (b.remaining <= 0) {
      insights.push({
        kind: 'error-budget',
        severity: 'critical',
        subject: b.slo,
        title: `Error budget of ${b.slo} is exhausted (${Math.round(b.remaining * 100)}% remaining)`,
        evidence: [`burn rate ${b.burnRate?.toFixed(2) ?? '—'}× over the window`],
        actions: [
          'Freeze non-P0 changes to the service (error-budget policy)',
          'Spend the next sprint on reliability work',
        ],
      })
    } else if (b.exhaustionMs !== null && b.exhaustionMs <= horizonDays * 86_400_000) {
      const days = b.exhaustionMs / 86_400_000
      insights.push({
        kind: 'error-budget',
        severity: days <= 3 ? 'critical' : 'warning',
        subject: b.slo,
        title: `Error budget of ${b.slo} exhausted in ${days.toFixed(1)} days at the current burn`,
        evidence: [
          `${Math.round(b.remaining * 100)}% of the budget left; burn rate ${b.burnRate?.toFixed(2) ?? '—'}×`,
        ],
        actions: [
          'Find and fix the burning cause now',
          'Slow risky changes to the service until the burn is below 1×',
        ],
      })
    }
  }
  return insights
}

export function diagnoseDependencies(dependencies: readonly DependencyStatus[]): Insight[] {
  return dependencies
    .filter((d) => d.open && (d.overdue || d.excuse))
    .map((d) => ({
      kind: 'dependency-overdue' as const,
      severity: d.type === 'blocking' ? ('critical' as const) : ('warning' as const),
      subject: d.id,
      title: `${d.consumer} waits on ${d.provider} for "${d.what}"${d.overdue ? `, ${-(d.daysToNeed ?? 0)} days past need-by` : ''}`,
      evidence: [
        `${d.type}, ${d.status}, risk ${d.risk}, open ${d.ageDays ?? '?'} days`,
        d.escalation === 'escalated' ? 'escalated' : 'not escalated',
      ],
      actions: [
        d.escalation === 'escalated' ? 'Follow up on the escalation' : 'Escalate now, find alternatives',
        d.strategyText,
      ],
    }))
}

export type Level = 'low' | 'medium' | 'high'

export interface RiskEntry {
  id: string
  title: string
  owner: string
  likelihood: Level
  impact: Level
  score: number
  mitigation: string
  status: Risk['status']
  source: 'declared' | 'derived'
}

const LEVEL: Record<Level, number> = { low: 1, medium: 2, high: 3 }

export function riskRegister(
  declared: readonly Risk[],
  evidence: {
    budgets: readonly (BudgetView & { owner: string; tier: number })[]
    dependencies: readonly DependencyStatus[]
    antiPatterns: readonly AntiPattern[]
    objectives: readonly ObjectiveStatus[]
    serviceOwner: (service: string) => string
  },
): RiskEntry[] {
  const entries: RiskEntry[] = declared.map((r) => ({
    id: r.id,
    title: r.title,
    owner: r.owner,
    likelihood: r.likelihood,
    impact: r.impact,
    score: LEVEL[r.likelihood] * LEVEL[r.impact],
    mitigation: r.mitigation ?? '',
    status: r.status,
    source: 'declared',
  }))
  const derive = (
    id: string,
    title: string,
    owner: string,
    likelihood: Level,
    impact: Level,
    mitigation: string,
  ) =>
    entries.push({
      id,
      title,
      owner,
      likelihood,
      impact,
      score: LEVEL[likelihood] * LEVEL[impact],
      mitigation,
      status: 'open',
      source: 'derived',
    })
  for (const b of evidence.budgets) {
    if (b.remaining !== null && b.remaining <= 0)
      derive(
        `budget:${b.slo}`,
        `Error budget of ${b.slo} exhausted`,
        b.owner,
        'high',
        b.tier <= 1 ? 'high' : 'medium',
        'Error-budget policy: freeze non-P0 changes, reliability sprint',
      )
  }
  for (const d of evidence.dependencies) {
    if (d.open && d.type === 'blocking' && (d.overdue || d.excuse))
      derive(
        `dependency:${d.id}`,
        `${d.consumer} blocked on ${d.provider}: ${d.what}`,
        d.provider,
        'high',
        d.risk === 'low' ? 'medium' : 'high',
        d.strategyText,
      )
  }
  for (const a of evidence.antiPatterns) {
    if (a.kind === 'hero-culture')
      derive(
        `hero:${a.subject}`,
        `Single point of knowledge on ${a.subject}`,
        evidence.serviceOwner(a.subject),
        'medium',
        'high',
        a.fix,
      )
  }
  for (const o of evidence.objectives) {
    if (o.status === 'at-risk' || o.status === 'off-track')
      derive(
        `okr:${o.id}`,
        `OKR "${o.objective}" ${o.status}`,
        o.owner,
        o.status === 'off-track' ? 'high' : 'medium',
        o.level === 'company' ? 'high' : 'medium',
        'Reduce scope, extend the timeline or add resources; decide by week 8',
      )
  }
  return entries.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
}
