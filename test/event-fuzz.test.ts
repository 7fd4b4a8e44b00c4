/**
 * Fuzzing the event parsers: whatever a file holds, NDJSON, JSON or CSV, the answer is events or
 * an EVENTS_INVALID error naming the file and line of each problem — never an internal error — and
 * what passes can be stored (serialized, turned into rows). ENGOPS_FUZZ_RUNS cases per format
 * (20,000 by default; `npm run fuzz` runs many more).
 */
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { toRecords } from '../src/ingest/events.js'
import { EngopsError } from '../src/model/errors.js'
import { decodeEventBytes, parseEventText } from '../src/model/event-text.js'
import { eventTypes } from '../src/model/events.js'

const RUNS = Number(process.env.ENGOPS_FUZZ_RUNS ?? 20_000)

const FIELDS = [
  'type',
  'id',
  'source',
  'service',
  'services',
  'environment',
  'result',
  'startedAt',
  'finishedAt',
  'sha',
  'kind',
  'labels',
  'regression',
  'severity',
  'detectedAt',
  'resolvedAt',
  'postmortem',
  'statusUpdates',
  'roles',
  'stages',
  'repo',
  'number',
  'author',
  'createdAt',
  'mergedAt',
  'reviews',
  'commits',
  'files',
  'parents',
  'authoredAt',
  'committedAt',
  'additions',
  'amount',
  'month',
  'category',
  'vendor',
  'team',
  'value',
  'kpi',
  'at',
  'score',
  'nps',
  'survey',
  'question',
  'committed',
  'completed',
  'start',
  'end',
  'good',
  'total',
  'slo',
  'attempt',
  'workflow',
  'statusChanges',
  'key',
  'itemType',
  'points',
  'person',
  'opened',
  'role',
  'flag',
  'kr',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x',
] as const

const TYPES = [...eventTypes, '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '', 'SLI']

const nested = (depth: number, leaf: unknown) => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

/** Values near what the schemas take, and far from it. */
const fieldValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    '2025-03-01T10:00:00Z',
    '0026-11-07',
    '2025-02-31',
    '2025-03-01T10:00:00+99:99',
    '2025-03-01T25:00:00Z',
    '12',
    '1e3',
    '-1',
    '',
    ' ',
    'true',
    'yes',
    'SEV-2',
    'sev 9',
    '{',
    '{"status":',
    '{"status":"closed"}',
    '[',
    '[1,2',
    '["a","b"]',
    'a;b|c',
    'success',
    'production',
    'done',
    '\u0000',
    '\ud800',
    'NaN',
    'Infinity',
  ),
  fc.constantFrom(true, false, null, 0, -0, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, [5], [], {}),
  fc.integer({ min: 0, max: 80 }).map((depth) => nested(depth, 1)),
  fc.string({ maxLength: 30 }),
)

const record = fc
  .tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 8 }))
  .map(([type, fields]) => ({ type, ...fields }))

const records = fc.array(record, { minLength: 1, maxLength: 4 })

function csvCell(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function asCsv(rows: Record<string, unknown>[]): string {
  const header = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  return [header.join(','), ...rows.map((row) => header.map((name) => csvCell(row[name])).join(','))].join(
    '\n',
  )
}

/** Text that breaks a format: a character inserted, dropped or doubled somewhere. */
const damaged = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(
      text,
      fc.nat(),
      fc.constantFrom('', '"', ',', '{', '}', '[', ']', '\n', '\\', '\r', ':'),
      fc.boolean(),
    )
    .map(([t, at, inserted, drop]) => {
      const i = at % (t.length + 1)
      return t.slice(0, i) + inserted + t.slice(drop ? i + 1 : i)
    })

/** Events, or an EVENTS_INVALID error whose every problem names the file and a line. */
function accepted(text: string, file: string): boolean {
  try {
    const events = parseEventText(text, file)
    // What passes is stored: it serializes and maps to rows.
    JSON.stringify(events)
    toRecords(events, 'fuzz')
    return true
  } catch (error) {
    if (!(error instanceof EngopsError) || error.code !== 'EVENTS_INVALID') throw error
    expect(error.details.length).toBeGreaterThan(0)
    for (const detail of error.details) {
      expect(detail.file).toBe(file)
      expect(detail.line).toEqual(expect.any(Number))
    }
    return false
  }
}

const FORMATS: [string, fc.Arbitrary<string>][] = [
  [
    'events.ndjson',
    fc.oneof(
      records.map((rows) => rows.map((row) => JSON.stringify(row)).join('\n')),
      damaged(records.map((rows) => rows.map((row) => JSON.stringify(row)).join('\n'))),
      fc.string({ maxLength: 60 }),
    ),
  ],
  [
    'events.json',
    fc.oneof(
      records.map((rows) => JSON.stringify(rows, null, 1)),
      damaged(records.map((rows) => JSON.stringify(rows, null, 1))),
      record.map((row) => JSON.stringify(row)),
      fc.string({ maxLength: 60 }).map((text) => `[${text}`),
    ),
  ],
  [
    'events.csv',
    fc.oneof(
      records.map(asCsv),
      damaged(records.map(asCsv)),
      fc.string({ maxLength: 60 }).map((text) => `type,id\n${text}`),
    ),
  ],
]

for (const [file, texts] of FORMATS) {
  test(`${file}: ${RUNS.toLocaleString('en-US')} fuzzed files, each parsed or rejected with its file and line`, () => {
    let passed = 0
    fc.assert(
      fc.property(texts, (text) => {
        if (accepted(text, file)) passed++
      }),
      { numRuns: RUNS },
    )
    // Guard: the generators reach the schemas, not only the syntax errors.
    expect(passed).toBeGreaterThan(0)
  })
}

test('bytes that are not UTF-8 are rejected naming their line', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('{"a":1}\n{"b":"'), 0xff, 0x22, 0x7d])
  expect(() => decodeEventBytes(bytes, 'bad.ndjson')).toThrow(
    expect.objectContaining({ code: 'EVENTS_INVALID', details: [expect.objectContaining({ line: 2 })] }),
  )
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (random) => {
      try {
        expect(decodeEventBytes(random, 'random.csv')).toBe(new TextDecoder().decode(random))
      } catch (error) {
        if (!(error instanceof EngopsError)) throw error
        expect(error.details[0]?.line).toBeGreaterThanOrEqual(1)
      }
    }),
    { numRuns: 2_000 },
  )
})
