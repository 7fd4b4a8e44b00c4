/**
 * The event text formats: NDJSON (one JSON object per line), a JSON array (or one object), or CSV
 * with a `type` column. Every record is validated against its type's schema; all problems are
 * collected with their file, line and field, and a text with any problem yields no events at all.
 * Pure: reading files is the `files` connector's job.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { EngopsError, type ErrorDetail, formatPath } from './errors.js'
import { type EngopsEvent, type EventType, eventSchemas, eventTypes, knownFields } from './events.js'
import { jsonErrorOffset } from './json-syntax.js'

export interface ParsedEvent {
  line: number
  event: EngopsEvent
  /** Fields the schema does not declare, kept as written. */
  extra: Record<string, unknown>
}

/** One record of a text before validation, and where it was written. */
export interface RawRecord {
  file: string
  line: number
  value: unknown
}

/** At most this many problems are listed; the count says how many there were. */
const MAX_REPORTED = 20

/** How deep a record may nest objects and arrays: far beyond any event, far below the stack's limit. */
export const MAX_DEPTH = 32

/** How large (as JSON) the fields of a record its schema does not declare may be together, kept as written. */
export const MAX_EXTRA_BYTES = 64 * 1024

/** A record nested too deep (checked without recursion), or null. */
function boundsProblem(value: object): Omit<ErrorDetail, 'file' | 'line'> | null {
  const pending: [unknown, number, string][] = [[value, 0, '']]
  while (pending.length > 0) {
    const [node, depth, path] = pending.pop() as [unknown, number, string]
    if (typeof node !== 'object' || node === null) continue
    if (depth >= MAX_DEPTH)
      return { path: path || undefined, message: `nested more than ${MAX_DEPTH} levels deep` }
    for (const [key, child] of Object.entries(node))
      pending.push([child, depth + 1, path ? `${path}.${key}` : key])
  }
  return null
}

/**
 * The text of an event file or body: UTF-8 (a byte-order mark is dropped later). Bytes that are
 * not UTF-8 are an error naming their line, never silently replaced (U+FFFD would be stored).
 */
export function decodeEventBytes(bytes: Uint8Array, file: string): string {
  const strict = new TextDecoder('utf-8', { fatal: true })
  try {
    return strict.decode(bytes)
  } catch {
    // A newline byte never occurs inside a UTF-8 sequence: the first line that fails is the one.
    let line = 1
    let start = 0
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue
      try {
        strict.decode(bytes.subarray(start, i))
      } catch {
        break
      }
      line++
      start = i + 1
    }
    throw invalid([{ file, line, message: 'not UTF-8 text: save the file as UTF-8' }])
  }
}

export function parseEventText(text: string, file: string): ParsedEvent[] {
  const problems: ErrorDetail[] = []
  const records = splitRecords(text, file, problems)
  const events = validateRecords(records, problems)
  if (problems.length > 0) throw invalid(problems)
  return events
}

/** The records of a text, unvalidated; a syntax error is an EVENTS_INVALID error naming file and line. */
export function splitEventText(text: string, file: string): RawRecord[] {
  const problems: ErrorDetail[] = []
  const records = splitRecords(text, file, problems)
  if (problems.length > 0) throw invalid(problems)
  return records
}

/** Validates records (of one text or several); any invalid one means none is returned. */
export function validateEvents(records: readonly RawRecord[]): ParsedEvent[] {
  const problems: ErrorDetail[] = []
  const events = validateRecords(records, problems)
  if (problems.length > 0) throw invalid(problems)
  return events
}

function validateRecords(records: readonly RawRecord[], problems: ErrorDetail[]): ParsedEvent[] {
  const events: ParsedEvent[] = []
  for (const record of records) {
    const parsed = validateRecord(record, problems)
    if (parsed) events.push(parsed)
  }
  return events
}

function invalid(problems: ErrorDetail[]): EngopsError {
  problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0))
  const shown = problems.slice(0, MAX_REPORTED)
  const more = problems.length - shown.length
  const suffix = more > 0 ? ` (first ${MAX_REPORTED} shown)` : ''
  const files = [...new Set(problems.map((p) => p.file))]
  const where = files.length === 1 ? `${files[0]}: ` : `${files.length} files: `
  const count = `${problems.length} invalid record${problems.length === 1 ? '' : 's'}`
  const stored = files.length === 1 ? 'nothing from this file was stored' : 'nothing was stored'
  return new EngopsError('EVENTS_INVALID', `${where}${count}${suffix}; ${stored}`, shown)
}

type Format = 'ndjson' | 'json' | 'csv'

function detectFormat(text: string, file: string): Format {
  const extension = /\.[^./\\]+$/.exec(file)?.[0].toLowerCase() ?? ''
  if (extension === '.csv') return 'csv'
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson'
  const first = text.trimStart()[0]
  if (first === '[') return 'json'
  if (first === '{') {
    // One pretty-printed object is JSON; one object per line is NDJSON.
    const firstLine = text.trimStart().split('\n', 1)[0]?.trim() ?? ''
    try {
      JSON.parse(firstLine)
      return 'ndjson'
    } catch {
      return 'json'
    }
  }
  return extension === '.json' ? 'json' : 'csv'
}

function splitRecords(text: string, file: string, problems: ErrorDetail[]): RawRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  switch (detectFormat(body, file)) {
    case 'ndjson':
      return splitNdjson(body, file, problems)
    case 'json':
      return splitJson(body, file, problems)
    case 'csv':
      return splitCsv(body, file, problems)
  }
}

function splitNdjson(text: string, file: string, problems: ErrorDetail[]): RawRecord[] {
  const records: RawRecord[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    try {
      records.push({ file, line: i + 1, value: JSON.parse(line) })
    } catch (error) {
      problems.push({ file, line: i + 1, message: `not valid JSON (${(error as Error).message})` })
    }
  }
  return records
}

function splitJson(text: string, file: string, problems: ErrorDetail[]): RawRecord[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    problems.push({
      file,
      line: lineOfJsonError(text, error as Error),
      message: `not valid JSON (${(error as Error).message})`,
    })
    return []
  }
  if (!Array.isArray(value)) return [{ file, line: firstContentLine(text), value }]
  const lines = topLevelElementLines(text)
  return value.map((element, i) => ({ file, line: lines[i] ?? 1, value: element }))
}

function firstContentLine(text: string): number {
  const offset = text.search(/\S/)
  return offset < 0 ? 1 : lineAt(text, offset)
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

function lineOfJsonError(text: string, error: Error): number {
  const position = /position (\d+)/.exec(error.message)
  if (position) return lineAt(text, Number(position[1]))
  // Some messages name no position ("Unexpected token ']'", "Unexpected end of JSON input").
  const offset = jsonErrorOffset(text)
  return lineAt(text, offset < 0 ? text.length : offset)
}

/** The line on which each element of a top-level JSON array starts (the text is valid JSON). */
function topLevelElementLines(text: string): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let expectElement = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\n') line++
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue
    if (expectElement && ch !== ']') {
      lines.push(line)
      expectElement = false
    }
    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') {
      depth++
      if (depth === 1 && ch === '[') expectElement = true
    } else if (ch === ']' || ch === '}') depth--
    else if (ch === ',' && depth === 1) expectElement = true
  }
  return lines
}

function splitCsv(text: string, file: string, problems: ErrorDetail[]): RawRecord[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[]
  const repeated: string[] = []
  const columns = (header: string[]) => {
    for (const [i, name] of header.entries()) if (header.indexOf(name) < i) repeated.push(name)
    return header
  }
  try {
    rows = parseCsv(text, { columns, info: true, skip_empty_lines: true, bom: true })
  } catch (error) {
    const line = (error as { lines?: number }).lines
    problems.push({ file, line, message: `not valid CSV (${(error as Error).message.split('\n')[0]})` })
    return []
  }
  if (repeated.length > 0) {
    for (const name of new Set(repeated))
      problems.push({
        file,
        line: 1,
        path: name,
        message: 'this column appears more than once in the header',
      })
    return []
  }
  // An empty cell means "not given", not an empty string.
  return rows.map(({ record, info }) => ({
    file,
    line: info.lines,
    value: Object.fromEntries(Object.entries(record).filter(([, cell]) => cell.trim() !== '')),
  }))
}

function validateRecord(record: RawRecord, problems: ErrorDetail[]): ParsedEvent | undefined {
  const { file, line, value } = record
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ file, line, message: 'expected an object with a "type" field' })
    return undefined
  }
  const tooLarge = boundsProblem(value)
  if (tooLarge) {
    problems.push({ file, line, ...tooLarge })
    return undefined
  }
  const type = (value as { type?: unknown }).type
  if (type === undefined) {
    problems.push({ file, line, path: 'type', message: `missing; expected one of ${eventTypes.join(', ')}` })
    return undefined
  }
  // Own keys only: "__proto__" or "toString" are not event types.
  if (typeof type !== 'string' || !Object.hasOwn(eventSchemas, type)) {
    problems.push({
      file,
      line,
      path: 'type',
      message: `unknown event type ${JSON.stringify(type)}; expected one of ${eventTypes.join(', ')}`,
    })
    return undefined
  }
  const result = eventSchemas[type as EventType].safeParse(value)
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
      problems.push({ file, line, path: formatPath(path) || undefined, message: issue.message })
    }
    return undefined
  }
  const known = knownFields(type as EventType)
  const extra = Object.fromEntries(Object.entries(value).filter(([key]) => !known.has(key)))
  if (new TextEncoder().encode(JSON.stringify(extra)).length > MAX_EXTRA_BYTES) {
    problems.push({
      file,
      line,
      path: Object.keys(extra).join(', '),
      message: `fields the ${type} schema does not declare are kept as written, up to ${MAX_EXTRA_BYTES / 1024} KiB together`,
    })
    return undefined
  }
  return { line, event: result.data as EngopsEvent, extra }
}
