/**
 * `engops sync`: every configured source (or one) through its connector. Each batch the connector
 * reads is validated whole and written with its stream's cursor; a source that fails (a refused
 * token, an unknown repository, data the event schemas reject) stops with a message naming it,
 * nothing of its failed batch stored, and the other sources go on.
 */
import { dirname } from 'node:path'
import { orgDate, parseBoundary } from '../metrics/calendar.js'
import { EngopsError, formatDetail } from '../model/errors.js'
import { DAY } from '../model/time.js'
import type { Engine } from './engine.js'
import { emptySummary, type IngestSummary, ingestSource } from './ingest.js'

export interface SyncOptions {
  /** One source by id; default every source. */
  source?: string
  /** Overrides each source's `since` (a date). */
  since?: string
  progress?: (line: string) => void
  env?: NodeJS.ProcessEnv
  now?: number
}

export interface SyncSummary extends IngestSummary {
  /** Why the source stopped, if it did; what its earlier batches stored stays stored. */
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
    const summary: SyncSummary = { ...emptySummary(entry), error: null }
    summaries.push(summary)
    const sourceSince = (entry as { since?: string | Date }).since
    const since =
      commandSince ?? (sourceSince === undefined ? now - DEFAULT_LOOKBACK : orgDate(sourceSince, zone))
    try {
      await ingestSource(
        engine,
        entry,
        {
          since,
          baseDir: dirname(engine.config.file),
          ...(options.progress ? { progress: options.progress } : {}),
          ...(options.env ? { env: options.env } : {}),
        },
        summary,
      )
    } catch (error) {
      if (!(error instanceof EngopsError)) throw error
      summary.error = [error.message, ...error.details.map(formatDetail)].join('\n  ')
    }
  }
  return summaries
}
