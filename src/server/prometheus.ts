/**
 * `/metrics`: the KPIs of the organization, each team and each service over the trailing 30 days
 * in the Prometheus text exposition format (0.0.4), so Grafana can chart engops next to
 * everything else. Values are in the KPI's base unit (seconds, fractions); the status is a gauge
 * (0 green, 1 yellow, 2 red; absent without data). Computed at most once a minute; the webhook
 * spool's depth is read at every scrape.
 */
import type { Engine, KpiResult } from '../engine/engine.js'
import type { DeliveryCounters } from '../rituals/delivery.js'
import type { WebhookIntake } from './webhook-intake.js'

const STATUS: Record<string, number> = { green: 0, yellow: 1, red: 2 }

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function samples(
  kpis: readonly KpiResult[],
  labels: Record<string, string>,
): { value: string[]; status: string[] } {
  const value: string[] = []
  const status: string[] = []
  for (const kpi of kpis) {
    if (kpi.value === null || Number.isNaN(kpi.value) || kpi.status === 'no-data') continue
    const set = Object.entries({ kpi: kpi.id, family: kpi.family, unit: kpi.unit, ...labels })
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',')
    value.push(`engops_kpi_value{${set}} ${kpi.value}`)
    status.push(`engops_kpi_status{${set}} ${STATUS[kpi.status]}`)
  }
  return { value, status }
}

export async function exposition(engine: Engine, now: number): Promise<string> {
  const scopes: { query: { team?: string; service?: string }; labels: Record<string, string> }[] = [
    { query: {}, labels: { scope: 'org' } },
    ...engine.org.teams.map((t) => ({ query: { team: t.id }, labels: { scope: 'team', team: t.id } })),
    ...engine.org.services.map((s) => ({
      query: { service: s.id },
      labels: { scope: 'service', service: s.id, team: s.owner },
    })),
  ]
  const value: string[] = []
  const status: string[] = []
  for (const scope of scopes) {
    const answer = await engine.kpis({ ...scope.query, now })
    const s = samples(answer.kpis, scope.labels)
    value.push(...s.value)
    status.push(...s.status)
  }
  return [
    '# HELP engops_kpi_value Value of an engops KPI over the trailing 30 days, in the unit of its unit label.',
    '# TYPE engops_kpi_value gauge',
    ...value,
    '# HELP engops_kpi_status Status of an engops KPI against its target: 0 green, 1 yellow, 2 red.',
    '# TYPE engops_kpi_status gauge',
    ...status,
    '',
  ].join('\n')
}

/** Caches the exposition for `ttlMs`; concurrent scrapes share one computation. */
export function cachedExposition(engine: Engine, ttlMs = 60_000): () => Promise<string> {
  let cached: { at: number; text: Promise<string> } | null = null
  return () => {
    const now = Date.now()
    if (!cached || now - cached.at > ttlMs) {
      const text = exposition(engine, now)
      cached = { at: now, text }
      text.catch(() => {
        cached = null
      })
    }
    return cached.text
  }
}

/** The webhook spool's gauges, read at every scrape (not cached: a growing spool is news). */
export function spoolExposition(intake: WebhookIntake): string {
  return [
    '# HELP engops_webhook_spool_depth Webhook deliveries accepted and waiting in the spool for the store.',
    '# TYPE engops_webhook_spool_depth gauge',
    `engops_webhook_spool_depth ${intake.spool.depth()}`,
    '# HELP engops_webhook_spool_set_aside Spooled webhook deliveries the store refused, set aside for a person to look at.',
    '# TYPE engops_webhook_spool_set_aside gauge',
    `engops_webhook_spool_set_aside ${intake.spool.setAsideCount()}`,
    '',
  ].join('\n')
}

/** Messages of schedules and alerts by destination and outcome (sent, retried, dead_letter). */
export function deliveryExposition(counters: DeliveryCounters | undefined): string {
  const entries = counters?.entries() ?? []
  return [
    '# HELP engops_deliveries_total Messages of schedules and alerts by destination and outcome: sent, retried (a try that failed and was tried again), dead_letter (given up).',
    '# TYPE engops_deliveries_total counter',
    ...entries.map(
      (e) =>
        `engops_deliveries_total{destination="${escapeLabel(e.destination)}",kind="${e.kind}",outcome="${e.outcome}"} ${e.n}`,
    ),
    '',
  ].join('\n')
}
