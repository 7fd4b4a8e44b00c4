/**
 * Incident reports the incident tools export as CSV (PagerDuty, Opsgenie): a row per incident,
 * columns matched by name with case, spaces and punctuation ignored (`Created At`, `created_at`
 * and `createdAt` are one column). Each product says which columns it reads and how a row becomes
 * an incident. A missing column is named with the file; a row that makes no valid incident is named
 * by file, line and field, and nothing of the run is stored (the batch is validated whole).
 */
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { EngopsError } from '../model/errors.js'
import type { RawRecord } from '../model/event-text.js'
import type { Json, SyncBatch, SyncContext } from './connector.js'
import { isoTime } from './connector.js'
import { readSourceFile } from './files/index.js'

export const csvOptions = z.strictObject({
  /** The exported CSV files, relative to the org file's folder. */
  paths: z.array(z.string().min(1)).min(1),
  /** The tool's service (id or name) → the engops service it is; else matched by id, name or `onCall`. */
  serviceMap: z.record(z.string(), z.string().min(1)).default({}),
})

export type CsvOptions = z.output<typeof csvOptions>

/** One row: a cell by any of its column's names (normalized), where it was written. */
export interface CsvRow {
  cell: (...names: string[]) => string | undefined
  file: string
  line: number
}

const normalized = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')

/** A column the product's export always has, by its accepted names. */
export interface RequiredColumn {
  what: string
  names: string[]
}

function rowsOf(text: string, file: string, required: readonly RequiredColumn[]): CsvRow[] {
  let table: string[][]
  try {
    table = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (error) {
    const line = (error as { lines?: number }).lines
    throw new EngopsError(
      'EVENTS_INVALID',
      `${file}${line ? `:${line}` : ''}: not CSV (${(error as Error).message})`,
    )
  }
  const [header = [], ...body] = table
  const index = new Map(header.map((name, k) => [normalized(name), k]))
  const missing = required.filter((c) => !c.names.some((n) => index.has(normalized(n))))
  if (missing.length > 0)
    throw new EngopsError(
      'EVENTS_INVALID',
      `${file}: no ${missing.map((c) => `${c.what} column (${c.names.join(' or ')})`).join(', no ')}; the columns are: ${header.join(', ')}`,
    )
  return body.map((cells, k) => ({
    file,
    line: k + 2,
    cell: (...names) => {
      for (const name of names) {
        const value = cells[index.get(normalized(name)) ?? -1]?.trim()
        if (value) return value
      }
      return undefined
    },
  }))
}

/**
 * A time cell: ISO 8601, `2025-03-01 10:00:00` (UTC when it names no zone, as both exports write
 * it), or epoch seconds or milliseconds. Anything else is kept as written, so that validation
 * names its line and field.
 */
export function csvTime(value: string | undefined): string | undefined {
  if (!value) return undefined
  if (/^\d{10,13}$/.test(value)) return new Date(Number(value) * (value.length > 11 ? 1 : 1000)).toISOString()
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value))
    return new Date(`${value.replace(' ', 'T')}Z`).toISOString()
  return isoTime(value) ?? value
}

/** A duration cell in the given unit, as milliseconds (none when empty or not a number). */
export function csvDuration(value: string | undefined, unitMs: number): number | undefined {
  const n = Number(value)
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n * unitMs : undefined
}

/** The read of a CSV source: every file's rows as incidents, validated together as one batch. */
export async function* csvIncidents(
  ctx: SyncContext<CsvOptions>,
  required: readonly RequiredColumn[],
  incidentOf: (row: CsvRow, unmapped: Set<string>) => Json,
  unmappedNote: (names: string) => string,
): AsyncGenerator<SyncBatch> {
  const records: RawRecord[] = []
  const unmapped = new Set<string>()
  for (const path of ctx.source.paths) {
    for (const row of rowsOf(readSourceFile(ctx.baseDir, path), path, required))
      records.push({ file: row.file, line: row.line, value: incidentOf(row, unmapped) })
    ctx.progress(`${path}: ${records.length.toLocaleString('en-US')} incidents`)
  }
  yield {
    stream: 'csv',
    records,
    cursor: null,
    ...(unmapped.size > 0 ? { notes: [unmappedNote([...unmapped].sort().join(', '))] } : {}),
  }
}
