/**
 * `engops sync` for PagerDuty (REST API v2): incidents created in windows of 30 days from the
 * cursor (or `since`) to now, their first acknowledgement from the log entries of the same window,
 * and the incidents created earlier that the window's log entries touched (acknowledged, resolved
 * or reopened since), read again by id. Incidents land under the source `pagerduty` with the
 * webhook's identity (the incident id), merged with what is stored (an acknowledgement read in an
 * earlier window stays). The cursor moves with each window, so an interrupted sync goes on from
 * the last window stored. The on-call shifts of the `schedules` named are read by window as well
 * (`/oncalls`), so pages are divided by the people on the rota. Why not `@pagerduty/pdjs`: it pages by collecting whole lists in memory,
 * cannot split a window past PagerDuty's 10,000-record offset limit, and its rate-limit waits are
 * not observable; three list endpoints over http.ts are smaller.
 */
import { z } from 'zod'
import { type Json, obj, type SyncBatch, type SyncContext, sinceOption, tokenOf } from '../connector.js'
import { restClient } from '../http.js'
import { incidentEvent, type ServiceMapping, severityOf, slug } from '../incidents.js'
import { collect, splitting, WindowTooFull, windowedSync } from '../windows.js'

export const pagerdutyOptions = z.strictObject({
  /** https://api.pagerduty.com, or https://api.eu.pagerduty.com for an EU account. */
  apiUrl: z.url().default('https://api.pagerduty.com'),
  tokenEnv: z.string().min(1).default('PAGERDUTY_TOKEN'),
  /** PagerDuty service ids to read; default: every service the token can see. */
  services: z.array(z.string().min(1)).default([]),
  /** A PagerDuty service (id or name) → the engops service it is; else matched by id, name or `onCall`. */
  serviceMap: z.record(z.string(), z.string().min(1)).default({}),
  /** On-call schedules (id) → the engops service whose rota each is: their shifts are read too. */
  schedules: z.record(z.string(), z.string().min(1)).default({}),
  since: sinceOption,
})

export type PagerDutyOptions = z.output<typeof pagerdutyOptions>

const SOURCE = 'pagerduty'
const STREAM = 'incidents'
/** PagerDuty answers at most 10,000 records of one query by offset: a fuller window is split. */
const OFFSET_LIMIT = 10_000
const PAGE = 100

type List = (path: string, key: string, params: URLSearchParams) => AsyncGenerator<Json[]>

export async function* syncPagerDuty(ctx: SyncContext<PagerDutyOptions>): AsyncGenerator<SyncBatch> {
  const { source } = ctx
  const token = tokenOf(ctx, 'PagerDuty API token')
  const base = source.apiUrl.replace(/\/$/, '')
  const rest = restClient({
    product: 'PagerDuty',
    source: source.id,
    headers: {
      authorization: `Token token=${token}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    },
    unauthorized: `check the API key in ${source.tokenEnv} (a read-only key is enough)`,
    progress: ctx.progress,
  })
  const list: List = async function* (path, key, params) {
    for (let offset = 0; ; offset += PAGE) {
      params.set('limit', String(PAGE))
      params.set('offset', String(offset))
      const page = (await (await rest.get(`${base}${path}?${params}`)).json()) as Json
      yield Array.isArray(page[key]) ? page[key] : []
      if (!page.more) return
      if (offset + 2 * PAGE > OFFSET_LIMIT) throw new WindowTooFull()
    }
  }
  const incidentById = async (id: string) =>
    obj(((await (await rest.get(`${base}/incidents/${encodeURIComponent(id)}`)).json()) as Json).incident)
  const strangers = new Set<string>()
  yield* windowedSync(
    ctx,
    STREAM,
    async (from, to, unmapped) => {
      const events: Json[] = []
      for (const { incident, acknowledgedAt } of await windowIncidents(
        list,
        source,
        from,
        to,
        incidentById,
      )) {
        const service = serviceOf(ctx, obj(incident.service))
        if (!service.mapped) unmapped.add(service.name)
        events.push(await incidentOf(ctx, incident, service.id, acknowledgedAt))
      }
      if (Object.keys(source.schedules).length > 0)
        for (const shift of await shifts(list, source.schedules, from, to)) {
          if (!ctx.org.personOf(String(shift.person))) strangers.add(String(shift.person))
          events.push(shift)
        }
      return events
    },
    (names) =>
      `PagerDuty services that map to no service of the org file (add them to serviceMap or a service's onCall): ${names}`,
  )
  if (strangers.size > 0)
    yield {
      stream: STREAM,
      events: [],
      cursor: null,
      notes: [
        `PagerDuty on-call users who are no person of the org file (add their emails to people; their shifts still count): ${[...strangers].sort().join(', ')}`,
      ],
    }
}

interface Read {
  incident: Json
  /** The first acknowledgement this window's log entries show. */
  acknowledgedAt: string | undefined
}

/**
 * The incidents created in [from, to), with those created earlier that the window's log entries
 * touched, each with its first acknowledgement in the window.
 */
async function windowIncidents(
  list: List,
  options: PagerDutyOptions,
  from: number,
  to: number,
  incidentById: (id: string) => Promise<Json>,
): Promise<Read[]> {
  const created = await splitting(from, to, (a, b) => {
    const params = window(a, b)
    for (const service of options.services) params.append('service_ids[]', service)
    return collect(list('/incidents', 'incidents', params))
  })
  const acknowledged = new Map<string, string>()
  const touched = new Set<string>()
  const entries = await splitting(from, to, (a, b) =>
    collect(list('/log_entries', 'log_entries', window(a, b))),
  )
  for (const entry of entries) {
    const id = obj(entry.incident).id
    if (typeof id !== 'string') continue
    touched.add(id)
    const at = entry.created_at
    const earliest = acknowledged.get(id)
    if (entry.type === 'acknowledge_log_entry' && typeof at === 'string' && (!earliest || at < earliest))
      acknowledged.set(id, at)
  }
  const byId = new Map(created.map((incident) => [String(incident.id), incident]))
  for (const id of touched) {
    if (byId.has(id)) continue
    const incident = await incidentById(id)
    if (options.services.length > 0 && !options.services.includes(obj(incident.service).id)) continue
    byId.set(id, incident)
  }
  return [...byId.values()].map((incident) => ({
    incident,
    acknowledgedAt: acknowledged.get(String(incident.id)),
  }))
}

/** The on-call shifts of the schedules overlapping [from, to), as `oncall_shift` events. */
async function shifts(
  list: List,
  schedules: Record<string, string>,
  from: number,
  to: number,
): Promise<Json[]> {
  const params = window(from, to)
  for (const id of Object.keys(schedules)) params.append('schedule_ids[]', id)
  params.append('include[]', 'users')
  const events: Json[] = []
  for (const oncall of await collect(list('/oncalls', 'oncalls', params))) {
    const schedule = obj(oncall.schedule)
    const service = typeof schedule.id === 'string' ? schedules[schedule.id] : undefined
    // Permanent on-calls (no start or end) are no shift; other schedules are not asked for.
    if (!service || !oncall.start || !oncall.end) continue
    const user = obj(oncall.user)
    events.push({
      type: 'oncall_shift',
      source: SOURCE,
      service,
      person: user.email ?? user.summary ?? user.name ?? user.id,
      start: oncall.start,
      end: oncall.end,
      schedule: schedule.summary ?? schedule.id,
    })
  }
  return events
}

/** A window's query parameters, in UTC. */
function window(from: number, to: number): URLSearchParams {
  return new URLSearchParams({
    since: new Date(from).toISOString(),
    until: new Date(to).toISOString(),
    time_zone: 'UTC',
  })
}

/** The engops service of a PagerDuty service: the source's map (by id, then name), else the org's rule. */
/** A PagerDuty service (`{id, summary}`) → an engops service by `serviceMap`, else by id, name or `onCall`. */
export function serviceOf(ctx: ServiceMapping, service: Json): { id: string; name: string; mapped: boolean } {
  const name = String(service.summary ?? service.id ?? 'unknown')
  const map = ctx.source.serviceMap
  const mapped =
    (typeof service.id === 'string' ? map[service.id] : undefined) ?? map[name] ?? ctx.org.serviceOfName(name)
  return mapped ? { id: mapped, name, mapped: true } : { id: slug(name), name, mapped: false }
}

async function incidentOf(
  ctx: SyncContext<PagerDutyOptions>,
  incident: Json,
  service: string,
  acknowledgedAt: string | undefined,
): Promise<Json> {
  const id = String(incident.id)
  const stored = await ctx.org.findIncident(SOURCE, id)
  const storedAck = stored?.acknowledgedAt ?? null
  const earliestAck =
    storedAck !== null && (!acknowledgedAt || storedAck < Date.parse(acknowledgedAt))
      ? new Date(storedAck).toISOString()
      : acknowledgedAt
  const resolved = incident.status === 'resolved'
  const event = incidentEvent(SOURCE, stored, {
    id,
    services: [service],
    severity: severityOf(obj(incident.priority).summary, incident.urgency),
    detectedAt: incident.created_at,
    acknowledgedAt: earliestAck,
    resolvedAt: resolved ? (incident.resolved_at ?? incident.last_status_change_at) : undefined,
  })
  // Reopened (triggered or acknowledged again): no longer resolved, whatever was stored.
  if (!resolved) delete event.resolvedAt
  return event
}
