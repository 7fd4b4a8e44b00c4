/**
 * Atlassian Statuspage, as every `status.<company>.com` serves it: `engops sync` reads a page's
 * public API (`/api/v2/incidents.json`, the 50 latest incidents, no token), and `engops import
 * statuspage` reads archived incident documents (`{page, incident}` objects, one per file, or the
 * list endpoint's JSON). Created → detected, the first `identified` or `monitoring` update →
 * mitigated, resolved; impact critical / major / minor / none → SEV-1 / 2 / 3 / 4; affected
 * components → services; every update a status update to the external audience; a postmortem
 * body makes a postmortem (reviewed when published).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { EngopsError } from '../../model/errors.js'
import {
  type Connector,
  isoTime,
  type Json,
  type OrgView,
  obj,
  type SyncBatch,
  type SyncContext,
} from '../connector.js'
import { restClient } from '../http.js'
import { slug } from '../incidents.js'

export const statuspageOptions = z
  .strictObject({
    /** The status page, e.g. https://www.githubstatus.com. */
    url: z.url().optional(),
    /** Or archived incident documents (files or folders of .json), relative to the org file. */
    paths: z.array(z.string().min(1)).optional(),
    /** A component (id or name) → the service it is; else its name matched to a service's id, name or onCall. */
    componentMap: z.record(z.string(), z.string().min(1)).default({}),
    /** The service of components that map to none, and of incidents naming no component. */
    defaultService: z.string().min(1).optional(),
  })
  .refine((o) => (o.url === undefined) !== (o.paths === undefined), {
    message:
      'give the page (url: https://status.example.com) or archived documents (paths: [...]), one of the two',
  })

export type StatuspageOptions = z.output<typeof statuspageOptions>

const SOURCE = 'statuspage'
const SEVERITY: Record<string, string> = { critical: 'SEV-1', major: 'SEV-2', minor: 'SEV-3', none: 'SEV-4' }

async function* syncStatuspage(ctx: SyncContext<StatuspageOptions>): AsyncGenerator<SyncBatch> {
  const { source } = ctx
  const unmapped = new Set<string>()
  const documents = source.url ? await pageDocuments(ctx, source.url) : archivedDocuments(ctx)
  const events = documents.map(({ page, incident }) =>
    incidentEvent(page, incident, source, ctx.org, unmapped),
  )
  ctx.progress(`${source.id}: ${events.length} incidents`)
  yield {
    stream: source.url ? 'incidents' : 'archive',
    events,
    // The page lists its latest incidents, each as it stands, in one request: nothing to resume.
    cursor: null,
    ...(unmapped.size > 0
      ? {
          notes: [
            `Statuspage components that map to no service (add them to componentMap, or set defaultService): ${[...unmapped].sort().join(', ')}`,
          ],
        }
      : {}),
  }
}

interface Document {
  page: Json
  incident: Json
}

async function pageDocuments(ctx: SyncContext<StatuspageOptions>, url: string): Promise<Document[]> {
  const rest = restClient({
    product: 'Statuspage',
    source: ctx.source.id,
    headers: { accept: 'application/json' },
    unauthorized: 'the page is private: engops reads public status pages',
    progress: ctx.progress,
  })
  const body = (await (await rest.get(`${url.replace(/\/$/, '')}/api/v2/incidents.json`)).json()) as Json
  return documentsOf(body, url)
}

/** `{page, incident}`, `{page, incidents: [...]}` (the list endpoint), or a bare incident. */
function documentsOf(body: Json, where: string): Document[] {
  const page = obj(body.page)
  if (Array.isArray(body.incidents))
    return body.incidents.map((incident: unknown) => ({ page, incident: obj(incident) }))
  if (body.incident && typeof body.incident === 'object') return [{ page, incident: obj(body.incident) }]
  if (typeof body.id === 'string' && Array.isArray(body.incident_updates)) return [{ page, incident: body }]
  throw new EngopsError(
    'EVENTS_INVALID',
    `${where}: not a Statuspage incident document (expected {page, incident}, {page, incidents: [...]} or an incident)`,
  )
}

function archivedDocuments(ctx: SyncContext<StatuspageOptions>): Document[] {
  const files: string[] = []
  for (const path of ctx.source.paths ?? []) {
    const full = resolve(ctx.baseDir, path)
    let isDirectory: boolean
    try {
      isDirectory = statSync(full).isDirectory()
    } catch {
      throw new EngopsError('EVENTS_INVALID', `${path}: no such file or folder`)
    }
    if (!isDirectory) files.push(full)
    else for (const name of readdirSync(full).sort()) if (name.endsWith('.json')) files.push(join(full, name))
  }
  return files.flatMap((file) => {
    let body: unknown
    try {
      body = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new EngopsError('EVENTS_INVALID', `${file}: not JSON (${(error as Error).message})`)
    }
    return documentsOf(obj(body), file)
  })
}

function incidentEvent(
  page: Json,
  incident: Json,
  options: StatuspageOptions,
  org: OrgView,
  unmapped: Set<string>,
): Json {
  const updates: { status: string; at: string }[] = []
  for (const update of Array.isArray(incident.incident_updates) ? incident.incident_updates : []) {
    const at = isoTime(obj(update).display_at ?? obj(update).created_at)
    if (at) updates.push({ status: String(obj(update).status ?? ''), at })
  }
  updates.sort((a, b) => a.at.localeCompare(b.at))
  const mitigated = updates.find(
    (u: { status: string }) => u.status === 'identified' || u.status === 'monitoring',
  )
  const resolved = incident.status === 'resolved' || incident.status === 'postmortem'
  const postmortem = typeof incident.postmortem_body === 'string' && incident.postmortem_body.trim() !== ''
  const published = isoTime(incident.postmortem_published_at)
  return {
    type: 'incident',
    source: SOURCE,
    id: String(incident.id),
    services: servicesOf(page, incident, options, org, unmapped),
    severity: SEVERITY[String(incident.impact)] ?? 'SEV-4',
    detectedAt: incident.created_at,
    ...(mitigated ? { mitigatedAt: mitigated.at } : {}),
    ...(resolved && incident.resolved_at ? { resolvedAt: incident.resolved_at } : {}),
    statusUpdates: updates.map((u) => ({ at: u.at, audience: 'external' })),
    ...(postmortem
      ? {
          postmortem: {
            status: published ? 'reviewed' : 'draft',
            ...(published ? { completedAt: published } : {}),
          },
        }
      : {}),
  }
}

/** The services of an incident's components: mapped, matched, else the default (or named unmapped). */
function servicesOf(
  page: Json,
  incident: Json,
  options: StatuspageOptions,
  org: OrgView,
  unmapped: Set<string>,
): string[] {
  const components = (Array.isArray(incident.components) ? incident.components : []).map(obj)
  const services = new Set<string>()
  for (const component of components) {
    const name = String(component.name ?? component.id ?? '')
    const mapped =
      (typeof component.id === 'string' ? options.componentMap[component.id] : undefined) ??
      options.componentMap[name] ??
      org.serviceOfName(name)
    if (mapped) services.add(mapped)
    else {
      unmapped.add(name)
      services.add(options.defaultService ?? slug(name))
    }
  }
  if (services.size === 0) services.add(options.defaultService ?? slug(String(page.name ?? 'status page')))
  return [...services]
}

export const statuspage: Connector<StatuspageOptions> = {
  kind: 'statuspage',
  title: 'Statuspage',
  reads:
    "a public status page's incidents (`/api/v2/incidents.json`: the 50 latest), or archived incident documents (`paths`, `engops import statuspage`): created → detected, the first `identified` or `monitoring` update → mitigated, resolved; impact critical / major / minor / none → SEV-1 / 2 / 3 / 4; affected components → services through `componentMap` (id or name), else a service's id, name or `onCall`, else `defaultService`; every update a status update (external); a postmortem body → a postmortem (reviewed once published)",
  access: 'none: a public status page (`url`), or files (`paths`)',
  options: statuspageOptions,
  read: syncStatuspage,
}
