/**
 * `engops sync`: every configured source (or one) through its connector. Each batch the connector
 * reads is validated and written in one transaction with its stream's cursor; a source that fails
 * (a refused token, an unknown repository, data the event schemas reject) stops with a message
 * naming it, nothing of its failed batch stored, and the other sources go on.
 */
import { connectorOf } from '../connectors/registry.js'
import { orgDate, parseBoundary } from '../metrics/calendar.js'
import { EngopsError, formatDetail } from '../model/errors.js'
import { DAY } from '../model/time.js'
import type { Engine } from './engine.js'

export interface SyncOptions {
  /** One source by id; default every source. */
  source?: string
  /** Overrides each source's `since` (a date). */
  since?: string
  progress?: (line: string) => void
  env?: NodeJS.ProcessEnv
  now?: number
}

export interface SyncSummary {
  source: string
  kind: string
  /** Events stored, by type. */
  events: Record<string, number>
  batches: number
  error: string | null
}

/** A first sync reads a year unless the source or the command says otherwise. */
const DEFAULT_LOOKBACK = 365 * DAY

export async function syncSources(engine: Engine, options: SyncOptions = {}): Promise<SyncSummary[]> {
  const sources = engine.org.sources.filter((s) => !options.source || s.id === options.source)
  if (options.source && sources.length === 0)
    throw new EngopsError(
      'USAGE',
      `no source "${options.source}" in ${engine.config.file} (sources: ${engine.org.sources.map((s) => s.id).join(', ') || 'none'})`,
    )
  if (sources.length === 0)
    throw new EngopsError(
      'USAGE',
      `${engine.config.file} lists no sources: add one under sources: (see the README)`,
    )
  const zone = engine.org.org.timezone
  const now = options.now ?? Date.now()
  const commandSince = options.since === undefined ? undefined : parseBoundary(options.since, zone)
  if (options.since !== undefined && commandSince === undefined)
    throw new EngopsError('USAGE', `--since "${options.since}" is not a date (YYYY-MM-DD)`)
  const summaries: SyncSummary[] = []
  for (const entry of sources) {
    const connector = connectorOf(entry.kind)
    const summary: SyncSummary = { source: entry.id, kind: entry.kind, events: {}, batches: 0, error: null }
    summaries.push(summary)
    if (!connector?.sync || !connector.options) {
      summary.error = `no connector syncs "${entry.kind}"`
      continue
    }
    const { id, kind, ...rest } = entry
    const source = { id, kind, ...connector.options.parse(rest) }
    const sourceSince = (source as { since?: string | Date }).since
    const since =
      commandSince ?? (sourceSince === undefined ? now - DEFAULT_LOOKBACK : orgDate(sourceSince, zone))
    const cursors = await engine.store.syncCursors(id)
    try {
      for await (const batch of connector.sync({
        source,
        since,
        cursorOf: async (stream) => cursors.get(stream),
        env: options.env ?? process.env,
        progress: (line) => options.progress?.(`${id}: ${line}`),
        org: engine.orgView(),
      })) {
        await engine.ingestSynced({ id, kind }, batch)
        summary.batches++
        for (const event of batch.events) {
          const type = String(event.type)
          summary.events[type] = (summary.events[type] ?? 0) + 1
        }
      }
    } catch (error) {
      if (!(error instanceof EngopsError)) throw error
      summary.error = [error.message, ...error.details.map(formatDetail)].join('\n  ')
    }
  }
  return summaries
}
