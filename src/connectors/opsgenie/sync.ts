/**
 * `engops sync` for Opsgenie (Alert API v2): the alerts updated in windows of 30 days from the
 * cursor (or `since`) to now, each as it stands — an alert closed since an earlier sync is listed
 * again with its close. The list carries what the incident needs: created → detected, the report's
 * `ackTime` and `closeTime` (milliseconds after creation) → acknowledged and resolved, P1–P5 →
 * SEV-1–4. Alerts land under the source `opsgenie` with the webhook's identity (the alert id).
 * Why not `opsgenie-sdk`: it is unmaintained since 2020 and pages without exposing offset limits
 * or rate-limit waits; one list endpoint over http.ts is smaller.
 */
import { z } from 'zod'
import {
  isoTime,
  type Json,
  obj,
  type SyncBatch,
  type SyncContext,
  sinceOption,
  tokenOf,
} from '../connector.js'
import { restClient } from '../http.js'
import { type ServiceMapping, severityOf, slug } from '../incidents.js'
import { collect, splitting, WindowTooFull, windowedSync } from '../windows.js'

export const opsgenieOptions = z.strictObject({
  /** https://api.opsgenie.com, or https://api.eu.opsgenie.com for an EU account. */
  apiUrl: z.url().default('https://api.opsgenie.com'),
  tokenEnv: z.string().min(1).default('OPSGENIE_API_KEY'),
  /** An Opsgenie search query narrowing the alerts read (e.g. `priority: (P1 OR P2)`). */
  query: z.string().min(1).optional(),
  /**
   * An alert's source or integration name → the engops service it is; else a `service:<id>` tag,
   * else the source matched to a service's id, name or `onCall`.
   */
  serviceMap: z.record(z.string(), z.string().min(1)).default({}),
  since: sinceOption,
})

export type OpsgenieOptions = z.output<typeof opsgenieOptions>

const SOURCE = 'opsgenie'
const STREAM = 'alerts'
const PAGE = 100
/** Opsgenie lists at most 20,000 alerts of one query by offset: a fuller window is split. */
const OFFSET_LIMIT = 20_000

export async function* syncOpsgenie(ctx: SyncContext<OpsgenieOptions>): AsyncGenerator<SyncBatch> {
  const { source } = ctx
  const token = tokenOf(ctx, 'Opsgenie API key')
  const base = source.apiUrl.replace(/\/$/, '')
  const rest = restClient({
    product: 'Opsgenie',
    source: source.id,
    headers: { authorization: `GenieKey ${token}`, accept: 'application/json' },
    unauthorized: `check the API key in ${source.tokenEnv} (an API integration's key with read access)`,
    progress: ctx.progress,
  })
  async function* list(from: number, to: number): AsyncGenerator<Json[]> {
    // Epoch milliseconds, as Opsgenie's search syntax compares times.
    const query = [
      `updatedAt >= ${from}`,
      `updatedAt < ${to}`,
      ...(source.query ? [`(${source.query})`] : []),
    ]
    for (let offset = 0; ; offset += PAGE) {
      const params = new URLSearchParams({
        query: query.join(' AND '),
        offset: String(offset),
        limit: String(PAGE),
        sort: 'updatedAt',
        order: 'asc',
      })
      const page = (await (await rest.get(`${base}/v2/alerts?${params}`)).json()) as Json
      const data: Json[] = Array.isArray(page.data) ? page.data : []
      yield data
      if (data.length < PAGE || !obj(page.paging).next) return
      if (offset + 2 * PAGE > OFFSET_LIMIT) throw new WindowTooFull()
    }
  }
  yield* windowedSync(
    ctx,
    STREAM,
    async (from, to, unmapped) =>
      (await splitting(from, to, (a, b) => collect(list(a, b)))).map((alert) =>
        incidentOf(alert, ctx, unmapped),
      ),
    (names) =>
      `Opsgenie alert sources that map to no service of the org file (add them to serviceMap, tag the alerts service:<id>, or set a service's onCall): ${names}`,
  )
}

/** An alert as the Alert API lists it → an incident (also for a CSV export's rows, shaped as alerts). */
export function incidentOf(alert: Json, ctx: ServiceMapping, unmapped: Set<string>): Json {
  const created = isoTime(alert.createdAt)
  const report = obj(alert.report)
  const after = (ms: unknown) =>
    created && typeof ms === 'number' && ms >= 0
      ? new Date(Date.parse(created) + ms).toISOString()
      : undefined
  const acknowledgedAt = after(report.ackTime)
  const resolvedAt = alert.status === 'closed' ? after(report.closeTime) : undefined
  return {
    type: 'incident',
    source: SOURCE,
    id: alert.id,
    services: [serviceOf(alert, ctx, unmapped)],
    severity: severityOf(alert.priority, undefined),
    // A time that does not parse is kept as written, so that validation names it.
    detectedAt: created ?? alert.createdAt,
    ...(acknowledgedAt ? { acknowledgedAt } : {}),
    ...(resolvedAt ? { resolvedAt } : {}),
  }
}

function serviceOf(alert: Json, ctx: ServiceMapping, unmapped: Set<string>): string {
  const map = ctx.source.serviceMap
  const tags: unknown[] = Array.isArray(alert.tags) ? alert.tags : []
  const tagged = tags.find((t): t is string => typeof t === 'string' && t.startsWith('service:'))
  if (tagged) return tagged.slice('service:'.length)
  const integration = obj(alert.integration).name
  const name = String(alert.source ?? integration ?? 'unknown')
  const mapped =
    map[name] ??
    (typeof integration === 'string' ? map[integration] : undefined) ??
    ctx.org.serviceOfName(name)
  if (mapped) return mapped
  unmapped.add(name)
  return slug(name)
}
