/**
 * Event files (NDJSON, JSON, CSV): `engops ingest events`, and `kind: files` sources of
 * `engops sync` (exports another tool drops in a folder). Every file of one run is read and
 * split first and handed on as one batch, validated whole before any of it is written, so one bad
 * record anywhere means nothing is stored.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { z } from 'zod'
import { EngopsError } from '../../model/errors.js'
import { decodeEventBytes, type RawRecord, splitEventText } from '../../model/event-text.js'
import type { Connector, SyncBatch, SyncContext } from '../connector.js'

/** Events that do not name their source are stored under this one. */
export const DEFAULT_EVENT_SOURCE = 'events'

export const filesOptions = z.strictObject({
  /** Event files, relative to the org file's folder. */
  paths: z.array(z.string().min(1)).min(1),
  /** The source of events that do not name one. */
  source: z.string().min(1).default(DEFAULT_EVENT_SOURCE),
})

export type FilesOptions = z.output<typeof filesOptions>

/** The text of a source's file (a path relative to the org file's folder), named as written when unreadable. */
export function readSourceFile(baseDir: string, path: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(resolve(baseDir, path))
  } catch (error) {
    throw new EngopsError('EVENTS_INVALID', `${path}: cannot read (${(error as NodeJS.ErrnoException).code})`)
  }
  return decodeEventBytes(bytes, path)
}

async function* syncFiles(ctx: SyncContext<FilesOptions>): AsyncGenerator<SyncBatch> {
  const records: RawRecord[] = []
  for (const path of ctx.source.paths) {
    for (const record of splitEventText(readSourceFile(ctx.baseDir, path), path)) {
      const { value } = record
      // The events of one source name it unless they name their own.
      if (value && typeof value === 'object' && !Array.isArray(value) && !('source' in value))
        records.push({ ...record, value: { ...value, source: ctx.source.source } })
      else records.push(record)
    }
    ctx.progress(`${path}: ${records.length.toLocaleString('en-US')} records`)
  }
  yield { stream: 'files', records, cursor: null }
}

export const files: Connector<FilesOptions> = {
  kind: 'files',
  title: 'Event files',
  reads:
    'NDJSON, JSON or CSV files of any event type (see Event formats); all files of one run are validated before any event is stored',
  access: 'files on disk (`paths`), e.g. an HR or cost export',
  options: filesOptions,
  read: syncFiles,
}
