/**
 * A local stand-in for PagerDuty's REST API v2, answering in the shapes of PagerDuty's published
 * OpenAPI description (PagerDuty/api-schema, reference/REST/openapiv3.json): `GET /incidents`
 * (since / until on the creation time, `service_ids[]`), `GET /incidents/{id}`, `GET
 * /log_entries` (since / until), `GET /oncalls` (schedule_ids[], include[]=users), offset pagination (`limit`, `offset`, `more`, `total`), `Token
 * token=` auth with the versioned Accept header, and faults injected on request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const PAGERDUTY_TOKEN = 'u+pd-read-only-key'

export interface PagerDutyIncident {
  id: string
  number: number
  title: string
  createdAt: string
  status: 'triggered' | 'acknowledged' | 'resolved'
  resolvedAt: string | null
  urgency: 'high' | 'low'
  /** P1…P5, or none. */
  priority: string | null
  service: { id: string; name: string }
}

export interface PagerDutyLogEntry {
  id: string
  type: 'trigger_log_entry' | 'acknowledge_log_entry' | 'resolve_log_entry' | 'notify_log_entry'
  createdAt: string
  incident: string
}

export interface PagerDutyOncall {
  schedule: { id: string; name: string }
  user: { id: string; name: string; email: string }
  start: string
  end: string
}

export interface PagerDutyFixture {
  incidents: PagerDutyIncident[]
  logEntries: PagerDutyLogEntry[]
  oncalls: PagerDutyOncall[]
}

const reference = (type: string, id: string, summary: string, path: string) => ({
  id,
  type,
  summary,
  self: `https://api.pagerduty.com/${path}/${id}`,
  html_url: `https://acme.pagerduty.com/${path}/${id}`,
})

function incidentObject(i: PagerDutyIncident) {
  return {
    ...reference('incident', i.id, `[#${i.number}] ${i.title}`, 'incidents'),
    incident_number: i.number,
    title: i.title,
    created_at: i.createdAt,
    updated_at: i.resolvedAt ?? i.createdAt,
    status: i.status,
    incident_key: `key-${i.id}`,
    service: reference('service_reference', i.service.id, i.service.name, 'services'),
    assignments: [],
    assigned_via: 'escalation_policy',
    last_status_change_at: i.resolvedAt ?? i.createdAt,
    resolved_at: i.resolvedAt,
    first_trigger_log_entry: reference(
      'trigger_log_entry_reference',
      `T${i.id}`,
      'Triggered through the API',
      'log_entries',
    ),
    alert_counts: {
      all: 1,
      triggered: i.status === 'resolved' ? 0 : 1,
      resolved: i.status === 'resolved' ? 1 : 0,
    },
    is_mergeable: true,
    escalation_policy: reference(
      'escalation_policy_reference',
      'PT20YPA',
      'Engineering Escalation Policy',
      'escalation_policies',
    ),
    teams: [],
    pending_actions: [],
    acknowledgements: [],
    alert_grouping: null,
    last_status_change_by: reference('service_reference', i.service.id, i.service.name, 'services'),
    priority: i.priority
      ? {
          ...reference('priority', `PR${i.priority}`, i.priority, 'priorities'),
          name: i.priority,
          color: 'a8171c',
        }
      : null,
    urgency: i.urgency,
  }
}

function logEntryObject(e: PagerDutyLogEntry, incident: PagerDutyIncident | undefined) {
  return {
    ...reference(e.type, e.id, e.type.replace(/_log_entry$/, ''), 'log_entries'),
    created_at: e.createdAt,
    agent: reference('user_reference', 'PXPGF42', 'Earline Greenholt', 'users'),
    channel: { type: e.type === 'trigger_log_entry' ? 'api' : 'web_ui' },
    service: incident
      ? reference('service_reference', incident.service.id, incident.service.name, 'services')
      : null,
    incident: reference('incident_reference', e.incident, incident?.title ?? '', 'incidents'),
    teams: [],
    contexts: [],
  }
}

function oncallObject(o: PagerDutyOncall, withUsers: boolean) {
  const user = reference('user_reference', o.user.id, o.user.name, 'users')
  return {
    user: withUsers
      ? { ...user, type: 'user', name: o.user.name, email: o.user.email, time_zone: 'Etc/UTC' }
      : user,
    schedule: reference('schedule_reference', o.schedule.id, o.schedule.name, 'schedules'),
    escalation_policy: reference(
      'escalation_policy_reference',
      'PT20YPA',
      'Engineering Escalation Policy',
      'escalation_policies',
    ),
    escalation_level: 1,
    start: o.start,
    end: o.end,
  }
}

export interface PagerDutyStandIn {
  url: string
  requests: string[]
  fixture: PagerDutyFixture
  close: () => Promise<void>
}

/** `rateLimitAt` / `serverErrorAt`: the n-th request (from 1) answers 429 / 500 once. */
export async function startPagerDuty(
  fixture: PagerDutyFixture,
  faults: { rateLimitAt?: number; serverErrorAt?: number } = {},
): Promise<PagerDutyStandIn> {
  const requests: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '')
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(body))
    }
    if (req.headers.authorization !== `Token token=${PAGERDUTY_TOKEN}`)
      return send(401, { error: { message: 'Unauthorized', code: 2006 } })
    if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2')
      return send(400, { error: { message: 'Invalid Accept header', code: 2001 } })
    if (requests.length === faults.rateLimitAt)
      return send(
        429,
        { error: { message: 'Rate Limit Exceeded', code: 2020 } },
        {
          'ratelimit-limit': '960',
          'ratelimit-remaining': '0',
          'ratelimit-reset': '1',
        },
      )
    if (requests.length === faults.serverErrorAt)
      return send(500, { error: { message: 'Internal Server Error', code: 2000 } })
    const url = new URL(req.url ?? '/', 'http://localhost')
    const since = Date.parse(url.searchParams.get('since') ?? '')
    const until = Date.parse(url.searchParams.get('until') ?? '')
    const inWindow = (at: string) => Date.parse(at) >= since && Date.parse(at) < until
    const page = <T>(key: string, all: T[]) => {
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 25))
      const offset = Number(url.searchParams.get('offset') ?? 0)
      send(200, {
        [key]: all.slice(offset, offset + limit),
        limit,
        offset,
        more: offset + limit < all.length,
        total: null,
      })
    }
    const byId = new Map(fixture.incidents.map((i) => [i.id, i]))
    const one = /^\/incidents\/([^/]+)$/.exec(url.pathname)
    if (one) {
      const incident = byId.get(decodeURIComponent(one[1] ?? ''))
      if (!incident) return send(404, { error: { message: 'Not Found', code: 2100 } })
      return send(200, { incident: incidentObject(incident) })
    }
    if (url.pathname === '/incidents') {
      const services = url.searchParams.getAll('service_ids[]')
      const found = fixture.incidents
        .filter((i) => inWindow(i.createdAt) && (services.length === 0 || services.includes(i.service.id)))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      return page('incidents', found.map(incidentObject))
    }
    if (url.pathname === '/log_entries') {
      const found = fixture.logEntries
        .filter((e) => inWindow(e.createdAt))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      return page(
        'log_entries',
        found.map((e) => logEntryObject(e, byId.get(e.incident))),
      )
    }
    if (url.pathname === '/oncalls') {
      const schedules = url.searchParams.getAll('schedule_ids[]')
      const found = fixture.oncalls.filter(
        (o) =>
          Date.parse(o.end) > since &&
          Date.parse(o.start) < until &&
          (schedules.length === 0 || schedules.includes(o.schedule.id)),
      )
      const withUsers = url.searchParams.getAll('include[]').includes('users')
      return page(
        'oncalls',
        found.map((o) => oncallObject(o, withUsers)),
      )
    }
    send(404, { error: { message: 'Not Found', code: 2100 } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fixture,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
