/**
 * Runs one source through its connector: every batch the connector reads is validated and
 * written with its stream's cursor (`Engine.writeBatch`). `engops sync` runs the configured
 * sources this way, and the ingest commands run ad-hoc ones (`ingest git` is a git source, `ingest
 * events` a files source), so each source is read by one piece of code whichever command asks.
 */
import type { Connector, SyncBatch } from '../connectors/connector.js'
import { GIT_SOURCE } from '../connectors/git/index.js'
import { connectorOf } from '../connectors/registry.js'
import type { EventIngestSummary } from '../ingest/events.js'
import { EngopsError } from '../model/errors.js'
import type { Engine } from './engine.js'

/** A `sources:` entry, or the one an ingest command makes from its arguments. */
export interface SourceEntry {
  id: string
  kind: string
  [option: string]: unknown
}

/** `engops ingest git`: a git source of one path (tags as deployments with `releaseTags`). */
export function gitSource(
  path: string,
  options: {
    repo?: string | undefined
    /** As `releaseTags:` of a git source (patterns, exclude, semver, prereleases). */
    releaseTags?: { service: string } & Record<string, unknown>
  } = {},
): SourceEntry {
  return {
    id: GIT_SOURCE,
    kind: 'git',
    path,
    ...(options.repo ? { repo: options.repo } : {}),
    ...(options.releaseTags ? { releaseTags: options.releaseTags } : {}),
  }
}

/** `engops ingest events --format cdevents`: files of CDEvents (or CloudEvents carrying them). */
export function cdeventsSource(paths: readonly string[]): SourceEntry {
  return { id: 'cdevents-files', kind: 'cdevents', paths: [...paths] }
}

/** `engops import statuspage`: archived Statuspage incident documents (files or folders). */
export function statuspageArchive(
  paths: readonly string[],
  options: { defaultService?: string } = {},
): SourceEntry {
  return {
    id: 'statuspage-archive',
    kind: 'statuspage',
    paths: [...paths],
    ...(options.defaultService ? { defaultService: options.defaultService } : {}),
  }
}

/** `engops import pagerduty-csv` / `opsgenie-csv`: an incident tool's CSV export, services mapped by `serviceMap`. */
export function incidentExport(
  kind: 'pagerduty-csv' | 'opsgenie-csv',
  paths: readonly string[],
  serviceMap: Record<string, string> = {},
): SourceEntry {
  return { id: kind, kind, paths: [...paths], serviceMap }
}

/** `engops ingest events`: a files source; events that name no source are stored under `source`. */
export function filesSource(paths: readonly string[], source?: string): SourceEntry {
  return { id: 'files', kind: 'files', paths: [...paths], ...(source ? { source } : {}) }
}

export interface IngestOptions {
  /** How far back a first read goes (epoch ms); connectors without history ignore it. */
  since: number
  /** The directory relative paths of the entry are resolved against. */
  baseDir: string
  progress?: (line: string) => void
  env?: NodeJS.ProcessEnv
}

export interface IngestSummary {
  source: string
  kind: string
  /** Events stored, by type. */
  events: Record<string, number>
  batches: number
  /** The streams read (a repository, a file set, …). */
  streams: string[]
  /** Some stream went on from an earlier run's cursor: only what changed since was read. */
  incremental: boolean
  /** What the connector said of what it read: "40 stored without line counts …". */
  notes: string[]
  /** Distinct authors of the commits and pull requests read… */
  authors: number
  /** …and those of them that are no person of the org file. */
  unmappedAuthors: string[]
}

// biome-ignore lint/suspicious/noExplicitAny: each connector has its own options type
type AnyConnector = Connector<any>

/** The connector of an entry, its options validated (a bad entry is a USAGE error naming it). */
function connectorFor(entry: SourceEntry): {
  connector: AnyConnector
  read: NonNullable<AnyConnector['read']>
  source: SourceEntry
} {
  const connector = connectorOf(entry.kind)
  const read = connector?.read
  if (!connector || !read || !connector.options)
    throw new EngopsError('USAGE', `source "${entry.id}": no connector reads "${entry.kind}"`)
  const { id, kind, ...rest } = entry
  const parsed = connector.options.safeParse(rest)
  if (!parsed.success)
    throw new EngopsError(
      'USAGE',
      `source "${id}": ${parsed.error.issues.map((i) => `${i.path.join('.') || kind}: ${i.message}`).join('; ')}`,
    )
  return { connector, read, source: { id, kind, ...parsed.data } }
}

/** Several sources, each checked before any is read: a wrong path among them stores nothing. */
export async function ingestSources(
  engine: Engine,
  entries: readonly SourceEntry[],
  options: IngestOptions,
): Promise<IngestSummary[]> {
  for (const entry of entries) {
    const { connector, source } = connectorFor(entry)
    await connector.check?.(contextFor(engine, source, options, new Map()))
  }
  const summaries: IngestSummary[] = []
  for (const entry of entries) summaries.push(await ingestSource(engine, entry, options))
  return summaries
}

export async function ingestSource(
  engine: Engine,
  entry: SourceEntry,
  options: IngestOptions,
  /** Filled as batches are stored, so a caller that catches a failure still sees what was stored. */
  summary: IngestSummary = emptySummary(entry),
): Promise<IngestSummary> {
  // Batches mark what they change; the facts are derived once, when the source is read.
  return engine.deferringDerivation(() => readInto(engine, entry, options, summary))
}

async function readInto(
  engine: Engine,
  entry: SourceEntry,
  options: IngestOptions,
  summary: IngestSummary,
): Promise<IngestSummary> {
  const { read, source } = connectorFor(entry)
  const cursors = await engine.store.syncCursors(source.id)
  const authors = new Set<string>()
  const unmapped = new Set<string>()
  const batches = read(contextFor(engine, source, options, cursors)) as AsyncIterable<SyncBatch>
  for await (const batch of batches) {
    const stored = await engine.writeBatch(source, batch)
    summary.batches++
    if (!summary.streams.includes(batch.stream)) summary.streams.push(batch.stream)
    if (cursors.has(batch.stream)) summary.incremental = true
    for (const [type, n] of Object.entries(countsOf(stored)))
      summary.events[type] = (summary.events[type] ?? 0) + n
    for (const author of authorsOf(batch)) {
      authors.add(author)
      if (!engine.identities.personOf(author)) unmapped.add(author)
    }
    summary.authors = authors.size
    summary.notes.push(...(batch.notes ?? []), ...stored.notes)
    summary.unmappedAuthors = [...unmapped].sort()
  }
  return summary
}

function contextFor(
  engine: Engine,
  source: SourceEntry,
  options: IngestOptions,
  cursors: ReadonlyMap<string, string>,
) {
  return {
    source,
    since: options.since,
    cursorOf: async (stream: string) => cursors.get(stream),
    env: options.env ?? process.env,
    progress: (line: string) => options.progress?.(`${source.id}: ${line}`),
    showsProgress: options.progress !== undefined,
    baseDir: options.baseDir,
    org: engine.orgView(),
  }
}

export function emptySummary(entry: { id: string; kind: string }): IngestSummary {
  return {
    source: entry.id,
    kind: entry.kind,
    events: {},
    batches: 0,
    streams: [],
    incremental: false,
    notes: [],
    authors: 0,
    unmappedAuthors: [],
  }
}

function countsOf(summary: EventIngestSummary): Record<string, number> {
  const counts: Record<string, number> = { ...summary.other }
  const core = {
    deployment: summary.deployments,
    incident: summary.incidents,
    pull_request: summary.pullRequests,
    commit: summary.commits,
  }
  for (const [type, n] of Object.entries(core)) if (n > 0) counts[type] = n
  return counts
}

/** The authors a batch names: commit emails (else names) and pull request authors. */
function authorsOf(batch: SyncBatch): string[] {
  const values = batch.records?.map((r) => r.value) ?? batch.events ?? []
  const authors: string[] = []
  for (const value of values) {
    if (!value || typeof value !== 'object') continue
    const event = value as Record<string, unknown>
    const author =
      event.type === 'commit'
        ? (event.authorEmail ?? event.author)
        : event.type === 'pull_request'
          ? event.author
          : undefined
    if (typeof author === 'string' && author.trim()) authors.push(author.trim())
  }
  return authors
}
