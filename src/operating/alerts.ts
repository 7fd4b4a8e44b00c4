/**
 * Alert rules: the defaults that ship for the seed rituals and the org file's changes to them.
 * What each rule finds is an AlertCondition with a stable key (rule kind and subject), so the same
 * condition seen again is the same alert: it fires once, repeats at most per its quiet period,
 * escalates at once when its severity rises, and resolves when it is gone.
 */
import type { AlertKind, AlertRuleConfig, OrgFile } from '../model/org.js'

export type AlertSeverity = 'warning' | 'critical'

export interface AlertRule {
  id: string
  kind: AlertKind
  /** null: every team's KPIs and everything else; 'org': org-wide KPIs and everything else. */
  scope: 'org' | { team?: string; service?: string } | null
  /** kpi-status: the KPIs watched. */
  kpis: readonly string[]
  to: readonly string[]
  quietMs: number
}

/** One thing an alert rule finds now. */
export interface AlertCondition {
  /** Stable identity: `<rule id>:<subject>`. */
  key: string
  rule: string
  severity: AlertSeverity
  /** What is wrong, in one line: "Review turnaround (p50) is red for team beta". */
  title: string
  /** The value against its target, the trend, the consequence: one line each. */
  lines: string[]
  /** The dashboard page and its query, and the API drill-down behind the number. */
  page: { path: string; params: Record<string, string> }
  drill?: string
  /** The team the alert is about, if one (for scoping). */
  team?: string
  service?: string
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export function quietMs(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_MS
  return Number(text.slice(0, -1)) * UNIT_MS[unit]
}

/** The KPIs a team's kpi-status alert watches by default: DORA's four, reviews and cycle time. */
export const DEFAULT_ALERT_KPIS = [
  'deploy_frequency',
  'lead_time_p50',
  'change_failure_rate',
  'mttr',
  'review_turnaround_p50',
  'review_sla_share',
  'cycle_time_p50',
] as const

export const DEFAULT_ALERT_RULES: readonly { id: string; kind: AlertKind; quiet: string; why: string }[] = [
  { id: 'kpi-status', kind: 'kpi-status', quiet: '24h', why: "a team's KPI turns yellow or red, and back" },
  {
    id: 'slo-burn',
    kind: 'slo-burn',
    quiet: '4h',
    why: 'an SLO burns its budget fast (page) or steadily (ticket)',
  },
  {
    id: 'error-budget',
    kind: 'error-budget',
    quiet: '24h',
    why: "an SLO's error budget is spent: the policy's freeze",
  },
  { id: 'okr-status', kind: 'okr-status', quiet: '7d', why: 'a key result turns at risk or off track' },
  {
    id: 'okr-escalation',
    kind: 'okr-escalation',
    quiet: '7d',
    why: 'from week 8, a key result behind is escalated',
  },
  {
    id: 'dependency-overdue',
    kind: 'dependency-overdue',
    quiet: '1d',
    why: 'a dependency passes its need-by date',
  },
  {
    id: 'postmortem-overdue',
    kind: 'postmortem-overdue',
    quiet: '1d',
    why: 'a postmortem or action item is overdue',
  },
  { id: 'gate-failing', kind: 'gate-failing', quiet: '1d', why: 'a policy gate of engops check fails' },
]

/** Chat and webhook destinations: where alerts go unless the org file says. */
function defaultTo(org: OrgFile): string[] {
  return org.destinations.filter((d) => d.kind !== 'email').map((d) => d.id)
}

/** The rules in force: the defaults (unless off) changed by the org file's rules, then its own. */
export function alertRules(org: OrgFile): AlertRule[] {
  if (org.alerts === undefined) return []
  const config = org.alerts === 'default' ? { defaults: true, to: undefined, rules: [] } : org.alerts
  const to = config.to ?? defaultTo(org)
  const given = new Map<string, AlertRuleConfig>(config.rules.map((rule) => [rule.id, rule]))
  const rule = (
    base: { id: string; kind: AlertKind; quiet: string },
    change?: AlertRuleConfig,
  ): AlertRule | null => {
    if (change?.enabled === false) return null
    return {
      id: base.id,
      kind: change?.kind ?? base.kind,
      scope: change?.scope ?? null,
      kpis: change?.kpis ?? (base.kind === 'kpi-status' ? DEFAULT_ALERT_KPIS : []),
      to: change?.to ?? to,
      quietMs: quietMs(change?.quiet ?? base.quiet),
    }
  }
  const defaults = config.defaults ? DEFAULT_ALERT_RULES.map((base) => rule(base, given.get(base.id))) : []
  const known = new Set(DEFAULT_ALERT_RULES.map((base) => base.id))
  const own = config.rules
    .filter((r) => !known.has(r.id) && r.kind !== undefined)
    .map((r) => rule({ id: r.id, kind: r.kind as AlertKind, quiet: r.quiet ?? '24h' }, r))
  return [...defaults, ...own].filter((r): r is AlertRule => r !== null)
}

/** Whether a condition falls in a rule's scope (a team's, or a service's). */
export function inScope(rule: AlertRule, condition: Pick<AlertCondition, 'team' | 'service'>): boolean {
  if (!rule.scope || rule.scope === 'org') return true
  if (rule.scope.service !== undefined) return condition.service === rule.scope.service
  if (rule.scope.team !== undefined) return condition.team === rule.scope.team
  return true
}
