/**
 * CDEvents: files of them (`engops ingest events --format cdevents`, or `kind: cdevents` sources
 * with `paths`), and `POST /webhooks/cdevents` in both CloudEvents HTTP modes — binary (the
 * CloudEvents attributes in `ce-*` headers, the CDEvent as the body) and structured
 * (`application/cloudevents+json`, the CDEvent in `data`). Why not the `cloudevents` SDK: engops
 * needs only to tell the two modes apart and take the CDEvent out (a few lines); the SDK's
 * validation of CloudEvents attributes adds nothing to the CDEvent's own checks.
 */
import { z } from 'zod'
import { EngopsError } from '../../model/errors.js'
import { splitEventText } from '../../model/event-text.js'
import {
  type Connector,
  type Headers,
  type Json,
  type OrgView,
  obj,
  type SyncBatch,
  type SyncContext,
} from '../connector.js'
import { readSourceFile } from '../files/index.js'
import { incidentEvent } from '../incidents.js'
import { digest, tokenValid } from '../signatures.js'
import { type Earlier, isCDEvent, mapCDEvent, SOURCE } from './map.js'

export const cdeventsOptions = z.strictObject({
  /** Files of CDEvents (NDJSON, or JSON arrays), relative to the org file's folder. */
  paths: z.array(z.string().min(1)).min(1),
})

export type CDEventsOptions = z.output<typeof cdeventsOptions>

/** The CDEvent a request or a line carries: itself, or the `data` of a structured CloudEvent. */
export function cdeventOf(value: unknown): Json | undefined {
  if (isCDEvent(value)) return value
  const data = obj(value).data
  return isCDEvent(data) ? data : undefined
}

/** What came before, looked up in the store. */
function fromStore(org: OrgView): Earlier {
  return {
    incident: async (id) => {
      const stored = await org.findIncident(SOURCE, id)
      return stored ? incidentEvent(SOURCE, stored, { id }) : undefined
    },
    workItem: async (id) => {
      const stored = await org.findRecord('work_item', SOURCE, id)
      if (!stored) return undefined
      const iso = (at: unknown) => (typeof at === 'number' ? new Date(at).toISOString() : at)
      const changes = Array.isArray(stored.statusChanges) ? stored.statusChanges : []
      return {
        ...stored,
        createdAt: iso(stored.createdAt),
        statusChanges: changes.map((c: Json) => ({ ...c, at: iso(c.at) })),
      }
    },
  }
}

/**
 * CDEvents of one batch in order: each sees what the earlier ones of the batch made, and a later
 * step of an incident or a ticket replaces the earlier one in place (one event per identity).
 */
async function mapAll(events: readonly Json[], org: OrgView): Promise<{ mapped: Json[]; ignored: string[] }> {
  const store = fromStore(org)
  const incidents = new Map<string, Json>()
  const workItems = new Map<string, Json>()
  const earlier: Earlier = {
    incident: async (id) => incidents.get(id) ?? store.incident(id),
    workItem: async (id) => workItems.get(id) ?? store.workItem(id),
  }
  const mapped: Json[] = []
  const ignored: string[] = []
  const at = new Map<string, number>()
  for (const event of events) {
    const result = await mapCDEvent(event, org, earlier)
    if (result.ignored) ignored.push(result.ignored)
    for (const out of result.events) {
      if (out.type === 'incident') incidents.set(String(out.id), out)
      if (out.type === 'work_item') workItems.set(String(out.id), out)
      const key = `${out.type}\0${String(out.id)}`
      const index = at.get(key)
      if (index !== undefined && (out.type === 'incident' || out.type === 'work_item')) mapped[index] = out
      else {
        at.set(key, mapped.length)
        mapped.push(out)
      }
    }
  }
  return { mapped, ignored }
}

async function* readFiles(ctx: SyncContext<CDEventsOptions>): AsyncGenerator<SyncBatch> {
  const events: Json[] = []
  for (const path of ctx.source.paths) {
    for (const record of splitEventText(readSourceFile(ctx.baseDir, path), path)) {
      const event = cdeventOf(record.value)
      if (!event)
        throw new EngopsError(
          'EVENTS_INVALID',
          `${path}:${record.line}: not a CDEvent (expected {context: {type: "dev.cdevents.…"}, subject}, or a CloudEvent with one as data)`,
        )
      events.push(event)
    }
  }
  const { mapped, ignored } = await mapAll(events, ctx.org)
  const skipped = new Map<string, number>()
  for (const why of ignored) skipped.set(why, (skipped.get(why) ?? 0) + 1)
  yield {
    stream: 'files',
    events: mapped,
    cursor: null,
    notes: [...skipped].map(([why, n]) => `${n} skipped: ${why}`),
  }
}

/** Binary mode (ce-* headers) or structured mode (a CloudEvent with the CDEvent as data), or a bare CDEvent. */
function deliveryOf(payload: Json, headers: Headers): Json | undefined {
  if (headers('ce-specversion')) return isCDEvent(payload) ? payload : undefined
  return cdeventOf(payload)
}

export const cdevents: Connector<CDEventsOptions> = {
  kind: 'cdevents',
  title: 'CDEvents',
  reads:
    'CDEvents v0.4 and v0.5 (files with `paths` or `engops ingest events --format cdevents`; webhooks in CloudEvents binary or structured mode): `service.deployed` / `upgraded` → deployments, `service.rolledback` → rollbacks (the commit from `customData.sha`), `change.merged` → merged pull requests (with `customData.author`), `pipelinerun.finished` → CI runs, `incident.detected` / `reported` / `resolved` → incidents, `ticket.created` / `closed` → work items',
  access: 'files on disk (`paths`); for webhooks a shared token in `X-Engops-Webhook-Token`',
  options: cdeventsOptions,
  read: readFiles,
  webhook: {
    secretEnv: 'ENGOPS_CDEVENTS_TOKEN',
    proof: '`X-Engops-Webhook-Token` (a shared token; CloudEvents define no signature)',
    accepts:
      'CDEvents in CloudEvents binary (`ce-*` headers) or structured (`application/cloudevents+json`) mode: service deployed / upgraded / rolled back, change merged, pipeline run finished, incident detected / reported / resolved, ticket created / closed',
    verify: (secrets, _body, headers) => tokenValid(secrets, headers('x-engops-webhook-token')),
    deliveryId: (payload, body, headers) => {
      const id = headers('ce-id') ?? obj(payload).id ?? obj(cdeventOf(payload)?.context).id
      return typeof id === 'string' ? id : digest(body)
    },
    map: async (payload, headers, org) => {
      const event = deliveryOf(payload, headers)
      if (!event)
        return { events: [], ignored: 'not a CDEvent (a context with a dev.cdevents type, and a subject)' }
      const { mapped, ignored } = await mapAll([event], org)
      return mapped.length > 0
        ? { events: mapped }
        : { events: [], ignored: ignored[0] ?? 'nothing to store' }
    },
  },
}
