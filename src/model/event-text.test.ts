import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { EngopsError } from './errors.js'
import { parseEventText } from './event-text.js'
import { eventTypes } from './events.js'

const isoArb = fc
  .integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') })
  .map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString())
const word = fc.string({ unit: fc.constantFrom(...'abcxyz-_0123'), minLength: 1, maxLength: 12 })
const csvText = fc
  .string({ unit: fc.constantFrom(...'ab ,"\n;é'), minLength: 1, maxLength: 12 })
  .filter((s) => s.trim() !== '' && !s.includes(';'))

const deploymentArb = fc.record({
  type: fc.constant('deployment'),
  id: word,
  service: word,
  environment: fc.constantFrom('production', 'staging'),
  result: fc.constantFrom('success', 'failure'),
  startedAt: isoArb,
  finishedAt: isoArb,
  sha: word,
  kind: fc.constantFrom('regular', 'hotfix', 'rollback'),
  note: csvText,
})

function toCsv(rows: Record<string, string>[]): string {
  const columns = Object.keys(rows[0]!)
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c]!)).join(','))].join('\n')
}

describe('event files', () => {
  test('NDJSON, a JSON array and CSV of the same events read the same', () => {
    fc.assert(
      fc.property(fc.array(deploymentArb, { minLength: 1, maxLength: 6 }), (events) => {
        const ndjson = parseEventText(events.map((e) => JSON.stringify(e)).join('\n'), 'x.ndjson')
        const array = parseEventText(JSON.stringify(events, null, 2), 'x.json')
        const csv = parseEventText(toCsv(events), 'x.csv')
        const strip = (parsed: typeof ndjson) => parsed.map(({ event, extra }) => ({ event, extra }))
        expect(strip(array)).toEqual(strip(ndjson))
        expect(strip(csv)).toEqual(strip(ndjson))
        expect(ndjson[0]!.event).toMatchObject({
          type: 'deployment',
          finishedAt: Date.parse(events[0]!.finishedAt),
        })
        expect(ndjson[0]!.extra).toEqual({ note: events[0]!.note })
      }),
    )
  })

  test('the reported line is the line of the bad record, in every format', () => {
    fc.assert(
      fc.property(fc.array(deploymentArb, { minLength: 1, maxLength: 6 }), fc.nat(), (events, pick) => {
        const bad = pick % events.length
        const broken = events.map((e, i) => (i === bad ? { ...e, result: 'maybe' } : e))
        const lineOf = (text: string, file: string) => {
          try {
            parseEventText(text, file)
            return undefined
          } catch (error) {
            return (error as EngopsError).details.map((d) => [d.line, d.path])
          }
        }
        expect(lineOf(broken.map((e) => JSON.stringify(e)).join('\n'), 'x.ndjson')).toEqual([
          [bad + 1, 'result'],
        ])
        const csv = toCsv(broken)
        const csvLines = csv.split('\n')
        // The record's last physical line (quoted newlines make records span lines).
        const expected = toCsv(broken.slice(0, bad + 1)).split('\n').length
        expect(csvLines.length).toBeGreaterThanOrEqual(expected)
        expect(lineOf(csv, 'x.csv')).toEqual([[expected, 'result']])
      }),
    )
  })

  test('unknown and missing types, and text that is not JSON', () => {
    expect(eventTypes).toEqual([
      'deployment',
      'incident',
      'pull_request',
      'commit',
      'tag',
      'work_item',
      'sprint',
      'survey_response',
      'person_event',
      'requisition',
      'cost',
      'business',
      'sli',
      'pipeline_run',
      'vulnerability',
      'feature_flag',
      'measurement',
      'okr_checkin',
    ])
    const problems = (text: string, file = 'e.ndjson') => {
      try {
        parseEventText(text, file)
        return []
      } catch (error) {
        expect(error).toBeInstanceOf(EngopsError)
        return (error as EngopsError).details.map((d) => `${d.line}:${d.path ?? ''}:${d.message}`)
      }
    }
    expect(problems('{"id":"x"}\n{"type":"deployed"}\n{oops\n')).toEqual([
      `1:type:missing; expected one of ${eventTypes.join(', ')}`,
      `2:type:unknown event type "deployed"; expected one of ${eventTypes.join(', ')}`,
      expect.stringMatching(/^3::not valid JSON/),
    ])
    expect(problems('')).toEqual([])
  })

  test('the other families: work items with status history, surveys that need a score, costs by month', () => {
    const parsed = parseEventText(
      [
        '{"type":"work_item","team":"web","key":"WEB-1","itemType":"Bug","points":3,"createdAt":"2025-03-01T09:00:00Z","statusChanges":[{"status":"in-progress","at":"2025-03-02T09:00:00Z"},{"status":"done","at":"2025-03-03T09:00:00Z"}],"foundIn":"customer"}',
        '{"type":"cost","month":"2025-03","category":"cloud","vendor":"AWS","team":"web","amount":"1200.50"}',
      ].join('\n'),
      'ops.ndjson',
    )
    expect(parsed.map((p) => p.event)).toMatchObject([
      {
        type: 'work_item',
        itemType: 'bug',
        statusChanges: [
          { status: 'in-progress', at: Date.parse('2025-03-02T09:00:00Z') },
          { status: 'done' },
        ],
      },
      { type: 'cost', amount: 1200.5 },
    ])
    expect(() =>
      parseEventText(
        '{"type":"survey_response","id":"r1","survey":"q1","team":"web","question":"engagement","at":"2025-03-01"}',
        's.ndjson',
      ),
    ).toThrow(EngopsError)
    expect(() =>
      parseEventText(
        '{"type":"cost","month":"2025-13","category":"cloud","vendor":"AWS","amount":1}',
        'c.ndjson',
      ),
    ).toThrow(/1 invalid record/)
  })

  test('pull requests default their id and accept reviews as JSON in a CSV cell', () => {
    const csv =
      'type,repo,number,author,createdAt,reviews,commits\npull_request,shop,12,ana,2025-03-01T10:00:00Z,"[{""author"":""bob"",""at"":""2025-03-01T12:00:00Z""}]",a1;b2\n'
    const [parsed] = parseEventText(csv, 'prs.csv')
    expect(parsed!.event).toMatchObject({
      type: 'pull_request',
      number: 12,
      commits: ['a1', 'b2'],
      reviews: [{ author: 'bob', at: Date.parse('2025-03-01T12:00:00Z'), state: 'commented' }],
    })
  })
})
