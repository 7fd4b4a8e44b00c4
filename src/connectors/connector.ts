/**
 * The one plug-in point for sources. A connector translates one product's data into engops events
 * and nothing else: it never writes the store (the engine does, batch by batch). It may
 * declare the options of its `sources:` entry (a zod schema that `engops validate` and
 * `engops schema` use), a `read` that pulls events from the product (its API, a clone, files)
 * with a cursor it can resume from, and a `webhook` part (verify, delivery id, map). The registry
 * (registry.ts) lists them; `engops sync`, the ingest commands, the server's `/webhooks/<kind>`
 * routes and the README's source table are driven from it. Payloads from outside are untyped JSON: every event a connector returns is
 * validated by the event schemas before it is stored.
 */
import { z } from 'zod'
import { EngopsError } from '../model/errors.js'
import type { RawRecord } from '../model/event-text.js'
import type { Incident } from '../model/types.js'

// Provider payloads are untyped JSON; every field read from them is validated afterwards by the event schemas.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = Record<string, any>

/** Events mapped from one payload, or why nothing is stored. */
export interface Mapped {
  events: Record<string, unknown>[]
  ignored?: string
}

/** What connectors may ask of the organization and the store while mapping. */
export interface OrgView {
  /** The service a repository (by name) deploys, if the org file says. */
  serviceOfRepo: (repo: string) => string | undefined
  /** The repository names the services of the org file list. */
  repositories: readonly string[]
  /** The service an alerting tool's service name or id means (id, name, or `onCall` match). */
  serviceOfName: (name: string) => string | undefined
  /** The person an identity (email, name, login) is, if the org file says. */
  personOf: (identity: string) => string | undefined
  /** The team a tracker's project or board name means (a team's id or name). */
  teamOfName: (name: string) => string | undefined
  findIncident: (source: string, id: string) => Promise<Incident | undefined>
  /** A stored event of the generic families (a work item, …) as it was stored (times in epoch ms). */
  findRecord: (type: string, source: string, id: string) => Promise<Json | undefined>
}

/** A request's headers, by lower-case name. */
export type Headers = (name: string) => string | undefined

export interface WebhookPart {
  /** The environment variable holding the secret (comma-separated during a rotation). */
  secretEnv: string
  /** How the sender proves itself, for the README. */
  proof: string
  /** The event kinds it stores, for the README. */
  accepts: string
  verify: (secrets: readonly string[], body: string, headers: Headers) => boolean
  /** The sender's delivery id (a redelivery carries the same one), else a digest of the body. */
  deliveryId: (payload: Json, body: string, headers: Headers) => string
  map: (payload: Json, headers: Headers, org: OrgView) => Mapped | Promise<Mapped>
}

/**
 * One batch of a sync: events of one stream (a repository's pull requests, …) and its new cursor,
 * validated whole, then stored (in transactions of at most 5,000 events, the cursor with the last).
 */
export interface SyncBatch {
  stream: string
  /** Events as the connector mapped them; an invalid one is named by source, stream and position. */
  events?: Record<string, unknown>[]
  /** Or records read from files, named by their file and line when invalid. */
  records?: readonly RawRecord[]
  /** Stored with the batch's last events; null leaves the stream's cursor as it was. */
  cursor: string | null
  /** What the user should know of this batch (commits stored without line counts, …). */
  notes?: string[]
}

export interface SyncContext<Options> {
  /** The source's `sources:` entry, validated by the connector's schema. */
  source: { id: string; kind: string } & Options
  /** How far back a first sync reads (epoch ms). */
  since: number
  /** The stream's stored cursor, if an earlier sync left one. */
  cursorOf: (stream: string) => Promise<string | undefined>
  env: NodeJS.ProcessEnv
  /** A line for the terminal's progress display. */
  progress: (text: string) => void
  /** Whether progress is shown: worth a costly count first (a total to show) only then. */
  showsProgress: boolean
  /** The directory relative paths of the source entry are resolved against. */
  baseDir: string
  org: OrgView
}

export interface Connector<Options = Record<string, never>> {
  kind: string
  title: string
  /** What it reads, for the README's source table. */
  reads: string
  /** What access it needs (a token and its scopes, a path), for the README's source table. */
  access: string
  /** The options of its `sources:` entry besides `id` and `kind`. */
  options?: z.ZodType<Options>
  read?: (ctx: SyncContext<Options>) => AsyncIterable<SyncBatch>
  /** Fails fast, before anything is read, on what can be checked locally (a missing path). */
  check?: (ctx: SyncContext<Options>) => Promise<void>
  webhook?: WebhookPart
}

/** `since:` of a source: how far back its first sync reads (a date). */
export const sinceOption = z
  .union([z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected a date like 2025-01-31'), z.date()])
  .optional()

/** `deployments:` of a source: the environments whose deployments it reads. */
export const deploymentsOption = z
  .strictObject({ environments: z.array(z.string().min(1)).default(['production']) })
  .optional()

export const ignore = (why: string): Mapped => ({ events: [], ignored: why })

/** The token a pull source names by its environment variable (`tokenEnv`); a clear error when unset. */
export function tokenOf(ctx: SyncContext<{ tokenEnv: string }>, what: string): string {
  const token = ctx.env[ctx.source.tokenEnv]
  if (!token)
    throw new EngopsError(
      'SOURCE_FAILED',
      `source ${ctx.source.id}: the environment variable ${ctx.source.tokenEnv} holding the ${what} is not set`,
    )
  return token
}
export const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {})

/** GitLab writes "2021-04-14 12:55:16 UTC" and "2016-08-12 15:23:28 +0200" as well as ISO. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(value).toISOString()
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const text = value
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)/, '$1T$2')
    .replace(/\s*UTC$/, 'Z')
    .replace(/\s+([+-]\d{2}):?(\d{2})$/, '$1:$2')
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : new Date(at).toISOString()
}
