/**
 * Alerts: what the rules find now (KPIs, SLOs, OKRs, dependencies, postmortems, gates, through the
 * engine), claimed in the store by their stable key so each is sent once (opened, changed,
 * repeated past its quiet period, resolved), and sent to the rule's destinations.
 */

import type { Engine, KpiResult } from '../engine/engine.js'
import { dependencyMap, gates, okrTree } from '../engine/operating.js'
import type { Destination } from '../model/org.js'
import { type AlertCondition, type AlertRule, alertRules, inScope } from '../operating/alerts.js'
import type { ObjectiveStatus } from '../operating/okrs.js'
import { formatDuration, formatPercent, formatTarget, formatValue, trendText } from '../report/format.js'
import { localTime } from './cron.js'
import type { Deliverer, DeliveryResult } from './delivery.js'
import type { Message } from './message.js'
import { dashboardLinks } from './schedules.js'

/** The dashboard page of each KPI family. */
const FAMILY_PAGE: Record<string, string> = {
  dora: '/dora',
  flow: '/flow',
  reviews: '/flow',
  reliability: '/reliability',
  slo: '/reliability',
  delivery: '/delivery',
  quality: '/delivery',
  'team-health': '/people',
  hiring: '/people',
  cost: '/cost',
  platform: '/platform',
  dx: '/platform',
}

const teamName = (engine: Engine, id: string) => engine.org.teams.find((t) => t.id === id)?.name ?? id

/** The scopes a kpi-status rule judges: its own, the org's, or every team's (team-level views by default). */
function kpiScopes(engine: Engine, rule: AlertRule): { team?: string; service?: string }[] {
  if (rule.scope === 'org') return [{}]
  if (rule.scope?.service) return [{ service: rule.scope.service }]
  if (rule.scope?.team) return [{ team: rule.scope.team }]
  return engine.org.teams.map((team) => ({ team: team.id }))
}

/** How a KPI alert names its scope: in its key, its title and the dashboard's query. */
function scopeNames(engine: Engine, scope: { team?: string; service?: string }) {
  if (scope.team)
    return {
      key: `team:${scope.team}`,
      title: `team ${teamName(engine, scope.team)}`,
      query: { team: scope.team },
    }
  if (scope.service)
    return {
      key: `service:${scope.service}`,
      title: `service ${scope.service}`,
      query: { service: scope.service },
    }
  return { key: 'org', title: engine.org.org.name, query: {} as Record<string, string> }
}

function kpiCondition(
  engine: Engine,
  rule: AlertRule,
  kpi: KpiResult,
  scope: { team?: string; service?: string },
  paired?: KpiResult,
): AlertCondition {
  const names = scopeNames(engine, scope)
  const drillQuery = new URLSearchParams(names.query).toString()
  const lines = [
    `${formatValue(kpi.value, kpi.unit)} over the last 30 days (target: ${formatTarget(kpi.target, kpi.unit, kpi.direction)})`,
  ]
  if (kpi.trend) lines.push(`Trend: ${trendText(kpi)}`)
  if (paired)
    lines.push(`Paired: ${paired.name} ${formatValue(paired.value, paired.unit)} (${paired.status})`)
  return {
    key: `${rule.id}:${kpi.id}:${names.key}`,
    rule: rule.id,
    severity: kpi.status === 'red' ? 'critical' : 'warning',
    title: `${kpi.name} is ${kpi.status} for ${names.title}`,
    lines,
    page: { path: FAMILY_PAGE[kpi.family] ?? '/', params: names.query },
    drill: `/api/metrics/${kpi.family}${drillQuery ? `?${drillQuery}` : ''}`,
    ...scope,
  }
}

/**
 * What one evaluation reads, each once however many rules ask for it: the KPIs of a scope, the
 * scoreboard (SLOs), the OKR tree and the gates.
 */
class Readings {
  private readonly memo = new Map<string, Promise<unknown>>()

  constructor(
    private readonly engine: Engine,
    private readonly now: number,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = this.memo.get(key) as Promise<T> | undefined
    if (known) return known
    const reading = read()
    this.memo.set(key, reading)
    return reading
  }

  kpis(scope: { team?: string; service?: string }) {
    return this.once(`kpis:${scope.team ?? ''}:${scope.service ?? ''}`, () =>
      this.engine.kpis({ ...scope, now: this.now }),
    )
  }

  scoreboard() {
    return this.once('scoreboard', () => this.engine.scoreboard({ now: this.now }))
  }

  okrs() {
    return this.once('okrs', () => okrTree(this.engine, this.now))
  }

  gates() {
    return this.once('gates', () => gates(this.engine, this.now))
  }
}

async function kpiConditions(engine: Engine, rule: AlertRule, read: Readings): Promise<AlertCondition[]> {
  const out: AlertCondition[] = []
  for (const scope of kpiScopes(engine, rule)) {
    const answer = await read.kpis(scope)
    const byId = new Map(answer.kpis.map((kpi) => [kpi.id, kpi]))
    for (const kpi of answer.kpis)
      if (rule.kpis.includes(kpi.id) && (kpi.status === 'red' || kpi.status === 'yellow'))
        out.push(kpiCondition(engine, rule, kpi, scope, kpi.paired ? byId.get(kpi.paired) : undefined))
  }
  return out
}

async function sloConditions(engine: Engine, rule: AlertRule, read: Readings): Promise<AlertCondition[]> {
  const answer = await read.scoreboard()
  const freeze = engine.org.policies.gates['error-budget'] !== false
  return answer.current.slos.entries.flatMap((entry): AlertCondition[] => {
    const { status } = entry
    const team = engine.org.services.find((s) => s.id === entry.service)?.owner
    const base = {
      rule: rule.id,
      page: { path: '/reliability', params: { service: entry.service } },
      drill: `/api/metrics/slo?service=${entry.service}`,
      service: entry.service,
      ...(team ? { team } : {}),
    }
    const attainment = `${formatPercent(status.attainment)} against ${status.objective}% over the window`
    if (rule.kind === 'slo-burn' && (status.alert === 'page' || status.alert === 'ticket'))
      return [
        {
          ...base,
          key: `${rule.id}:${entry.id}`,
          severity: status.alert === 'page' ? 'critical' : 'warning',
          title: `SLO ${entry.id} is burning its error budget (${status.alert})`,
          lines: [
            attainment,
            `Burn rate ${status.currentBurnRate?.toFixed(1) ?? '—'}× over the last day; ${formatPercent(status.budgetRemaining)} of the budget left`,
            ...(status.exhaustionMs !== null
              ? [`At this rate the budget is gone in ${formatDuration(status.exhaustionMs / 1000)}`]
              : []),
          ],
        },
      ]
    if (rule.kind === 'error-budget' && status.budgetRemaining !== null && status.budgetRemaining <= 0)
      return [
        {
          ...base,
          key: `${rule.id}:${entry.id}`,
          severity: 'critical',
          title: `SLO ${entry.id}: the error budget is spent`,
          lines: [
            attainment,
            freeze
              ? `Error-budget policy: only P0 fixes ship to ${entry.service} until the budget recovers (a freeze; engops check fails on other deployments)`
              : 'The error-budget gate is off: no freeze is enforced',
          ],
        },
      ]
    return []
  })
}

async function okrConditions(engine: Engine, rule: AlertRule, read: Readings): Promise<AlertCondition[]> {
  const teams = new Set(engine.org.teams.map((t) => t.id))
  const out: AlertCondition[] = []
  const visit = (okr: ObjectiveStatus) => {
    for (const kr of okr.keyResults) {
      const base = {
        rule: rule.id,
        page: { path: '/okrs', params: {} },
        drill: '/api/okrs',
        ...(teams.has(okr.owner) ? { team: okr.owner } : {}),
      }
      const progress = `Progress ${formatPercent(kr.progress)} where ${formatPercent(kr.expected)} is expected, in week ${okr.week} of ${okr.weeks} (owner ${okr.owner})`
      if (rule.kind === 'okr-status' && (kr.status === 'at-risk' || kr.status === 'off-track'))
        out.push({
          ...base,
          key: `${rule.id}:${okr.id}:${kr.id}`,
          severity: kr.status === 'off-track' ? 'critical' : 'warning',
          title: `Key result "${kr.title}" is ${kr.status}`,
          lines: [`Objective: ${okr.objective}`, progress],
        })
      if (rule.kind === 'okr-escalation' && kr.escalate)
        out.push({
          ...base,
          key: `${rule.id}:${okr.id}:${kr.id}:${okr.period}`,
          severity: 'critical',
          title: `Escalate: "${kr.title}" is ${kr.status} in week ${okr.week} of ${okr.weeks}`,
          lines: [
            `Objective: ${okr.objective}`,
            progress,
            'Escalate in week 8, not week 12: reduce scope, extend the timeline, or add people',
          ],
        })
    }
    okr.children.forEach(visit)
  }
  ;(await read.okrs()).forEach(visit)
  return out
}

function dependencyConditions(engine: Engine, rule: AlertRule, now: number): AlertCondition[] {
  return dependencyMap(engine.org, now)
    .dependencies.filter((d) => d.open && d.overdue)
    .map((d) => ({
      key: `${rule.id}:${d.id}`,
      rule: rule.id,
      severity: d.type === 'blocking' ? 'critical' : 'warning',
      title: `Dependency ${d.id}: ${teamName(engine, d.consumer)} waits on ${teamName(engine, d.provider)} past its need-by date`,
      lines: [
        `"${d.what}" (${d.type}, ${d.status}, risk ${d.risk})`,
        `${Math.abs(d.daysToNeed ?? 0)} days late; open ${d.ageDays ?? '?'} days`,
        `Next step: ${d.strategyText}`,
      ],
      page: { path: '/dependencies', params: {} },
      drill: '/api/dependencies',
      team: d.consumer,
    }))
}

async function gateConditions(rule: AlertRule, read: Readings): Promise<AlertCondition[]> {
  const results = await read.gates()
  if (rule.kind === 'postmortem-overdue')
    return (results.find((g) => g.id === 'postmortems-overdue')?.findings ?? []).map((finding) => ({
      key: `${rule.id}:${finding.subject}`,
      rule: rule.id,
      severity: 'warning',
      title: `${finding.subject}: ${finding.message}`,
      lines: [finding.message],
      page: { path: '/reliability', params: {} },
      drill: '/api/checks',
    }))
  // Overdue postmortems have a rule of their own, one alert each.
  return results
    .filter((g) => g.status === 'fail' && g.id !== 'postmortems-overdue')
    .map((g) => ({
      key: `${rule.id}:${g.id}`,
      rule: rule.id,
      severity: g.severity === 'error' ? 'critical' : 'warning',
      title: `Policy gate ${g.id} fails: ${g.title}`,
      lines: [
        ...g.findings.slice(0, 5).map((f) => `${f.subject}: ${f.message}`),
        ...(g.findings.length > 5 ? [`… and ${g.findings.length - 5} more (engops check)`] : []),
      ],
      page: { path: '/', params: {} },
      drill: '/api/checks',
    }))
}

async function conditionsOf(
  engine: Engine,
  rule: AlertRule,
  now: number,
  read: Readings,
): Promise<AlertCondition[]> {
  switch (rule.kind) {
    case 'kpi-status':
      return kpiConditions(engine, rule, read)
    case 'slo-burn':
    case 'error-budget':
      return sloConditions(engine, rule, read)
    case 'okr-status':
    case 'okr-escalation':
      return okrConditions(engine, rule, read)
    case 'dependency-overdue':
      return dependencyConditions(engine, rule, now)
    case 'postmortem-overdue':
    case 'gate-failing':
      return gateConditions(rule, read)
  }
}

export type AlertEvent = 'opened' | 'changed' | 'repeated' | 'resolved'

export interface AlertOutcome {
  key: string
  event: AlertEvent
  severity: string
  title: string
  deliveries: DeliveryResult[]
}

const EVENT_PREFIX: Record<AlertEvent, string> = {
  opened: '',
  changed: '',
  repeated: 'Still: ',
  resolved: 'Resolved: ',
}

function alertMessage(engine: Engine, condition: AlertCondition, event: AlertEvent, since: number): Message {
  const links = dashboardLinks(engine, condition.page.path, condition.page.params)
  const drill = condition.drill ? links.api(condition.drill) : null
  const zone = engine.org.org.timezone
  const signal = event === 'resolved' ? 'good' : condition.severity === 'critical' ? 'act' : 'watch'
  return {
    subject: `alert ${condition.key}`,
    kind: event === 'resolved' ? 'resolved' : 'alert',
    title: `${EVENT_PREFIX[event]}${condition.title}`,
    summary: [
      event === 'resolved'
        ? `Resolved after firing since ${localTime(since, zone)}.`
        : `${condition.severity === 'critical' ? 'Critical' : 'Warning'}${event === 'opened' ? '' : `, firing since ${localTime(since, zone)}`}.`,
    ],
    sections: [
      {
        title: 'What engops sees',
        lines: condition.lines.map((text, i) => (i === 0 ? { signal, text } : { text })),
      },
    ],
    links: [
      ...(links.dashboard ? [{ label: 'Dashboard', url: links.dashboard }] : []),
      ...(drill ? [{ label: 'Drill down', url: drill }] : []),
    ],
    data: {
      alert: condition.key,
      rule: condition.rule,
      event,
      severity: condition.severity,
      team: condition.team ?? null,
      service: condition.service ?? null,
    },
  }
}

function destinations(engine: Engine, rule: AlertRule): Destination[] {
  return engine.org.destinations.filter((d) => rule.to.includes(d.id))
}

/** Evaluates every alert rule as of `now`: sends what opened, changed, repeats or resolved. */
export async function evaluateAlerts(
  engine: Engine,
  deliverer: Deliverer,
  now: number,
): Promise<AlertOutcome[]> {
  const rules = alertRules(engine.org)
  const read = new Readings(engine, now)
  const outcomes: AlertOutcome[] = []
  const current = new Set<string>()
  const states = new Map((await engine.ledger.alertStates()).map((s) => [s.key, s]))
  for (const rule of rules) {
    for (const condition of (await conditionsOf(engine, rule, now, read)).filter((c) => inScope(rule, c))) {
      current.add(condition.key)
      const event = await engine.ledger.claimFiring({
        key: condition.key,
        rule: rule.id,
        severity: condition.severity,
        at: now,
        quietMs: rule.quietMs,
        detail: JSON.stringify(condition),
      })
      if (!event) continue
      const since = event === 'opened' ? now : (states.get(condition.key)?.openedAt ?? now)
      const message = alertMessage(engine, condition, event, since)
      outcomes.push({
        key: condition.key,
        event,
        severity: condition.severity,
        title: message.title,
        deliveries: await deliverer.deliverAll(destinations(engine, rule), message),
      })
    }
  }
  const evaluated = new Map(rules.map((rule) => [rule.id, rule]))
  for (const state of states.values()) {
    const rule = evaluated.get(state.rule)
    if (state.status !== 'firing' || !rule || current.has(state.key)) continue
    if (!(await engine.ledger.claimResolved(state.key, now))) continue
    const condition = JSON.parse(state.detail) as AlertCondition
    const message = alertMessage(engine, condition, 'resolved', state.openedAt)
    outcomes.push({
      key: state.key,
      event: 'resolved',
      severity: condition.severity,
      title: message.title,
      deliveries: await deliverer.deliverAll(destinations(engine, rule), message),
    })
  }
  return outcomes
}

/** One line per alert sent, as `engops serve` and `engops alerts` print it. */
export function alertLine(outcome: AlertOutcome): string {
  const failed = outcome.deliveries.filter((d) => !d.ok)
  const sent = outcome.deliveries.filter((d) => d.ok).map((d) => d.destination)
  return `alert ${outcome.event} (${outcome.severity}): ${outcome.title}${sent.length > 0 ? ` → ${sent.join(', ')}` : ''}${failed.length > 0 ? `; failed: ${failed.map((d) => `${d.destination} (${d.error})`).join(', ')}` : ''}`
}
