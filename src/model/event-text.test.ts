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
      'oncall_shift',
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

describe('inputs that crashed or were coerced (issue 13)', () => {
  const problems = (text: string, file = 'e.ndjson') => {
    try {
      parseEventText(text, file)
      return []
    } catch (error) {
      if (!(error instanceof EngopsError)) throw error
      return error.details.map((d) => `${d.line}:${d.path ?? ''}:${d.message}`)
    }
  }
  const deployment = (fields: object) =>
    JSON.stringify({
      type: 'deployment',
      id: 'd1',
      service: 'api',
      environment: 'production',
      result: 'success',
      startedAt: '2025-03-01T10:00:00Z',
      finishedAt: '2025-03-01T10:05:00Z',
      sha: 'abc',
      ...fields,
    })

  test('inherited names are not event types', () => {
    for (const type of ['__proto__', 'constructor', 'toString'])
      expect(problems(`{"type":"${type}"}`)).toEqual([
        `1:type:unknown event type "${type}"; expected one of ${eventTypes.join(', ')}`,
      ])
  })

  test('a JSON cell that is not JSON is an error with its line and field', () => {
    expect(
      problems('type,id,stages,role,team,opened\nrequisition,r1,{oops,be,web,2025-03-01\n', 'r.csv'),
    ).toEqual([expect.stringMatching(/^2:stages:not valid JSON/)])
    expect(
      problems(
        'type,id,services,severity,detectedAt,postmortem\nincident,i1,api,2,2025-03-01T10:00:00Z,{status: closed\n',
        'i.csv',
      ),
    ).toEqual([expect.stringMatching(/^2:postmortem:not valid JSON/)])
  })

  test('nesting is bounded, and so are the fields no schema declares', () => {
    const deep = `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`
    expect(problems(`\n${deployment({ note: '__DEEP__' }).replace('"__DEEP__"', deep)}`)).toEqual([
      expect.stringMatching(/^2:note(\.a)*:nested more than 32 levels deep$/),
    ])
    expect(problems(deployment({ note: 'x'.repeat(70_000) }))).toEqual([
      '1:note:fields the deployment schema does not declare are kept as written, up to 64 KiB together',
    ])
  })

  test('numbers are numbers: true, [5], null and "" are rejected, numeric CSV cells read', () => {
    const cost = (amount: unknown) =>
      problems(JSON.stringify({ type: 'cost', month: '2025-03', category: 'cloud', vendor: 'aws', amount }))
    for (const wrong of [true, [5], null, '', 'five'])
      expect(cost(wrong)).toEqual(['1:amount:expected a number'])
    expect(cost(12.5)).toEqual([])
    expect(problems('type,month,category,vendor,amount\ncost,2025-03,cloud,aws, 1e3 \n', 'c.csv')).toEqual([])
    const sprint = (fields: object) =>
      problems(
        JSON.stringify({
          type: 'sprint',
          id: 's',
          team: 't',
          start: '2025-03-01',
          end: '2025-03-14',
          ...fields,
        }),
      )
    expect(sprint({ committed: null, completed: [] })).toEqual([
      '1:committed:expected a number',
      '1:completed:expected a number',
    ])
    const answer = {
      type: 'survey_response',
      id: 'a',
      survey: 's',
      team: 't',
      question: 'q',
      at: '2025-03-01',
    }
    expect(problems(JSON.stringify({ ...answer, score: true }))).toEqual(['1:score:expected a number'])
    expect(
      problems(JSON.stringify({ type: 'measurement', kpi: 'k', at: '2025-03-01', value: null })),
    ).toEqual(['1:value:expected a number'])
  })

  test('times: years 0001–9999 kept as written, offsets within ±18:00', () => {
    const [event] = parseEventText(
      deployment({ startedAt: '0026-11-07', finishedAt: '0026-11-07T01:00:00Z' }),
      'e',
    )
    expect(
      new Date((event?.event as { startedAt: number } | undefined)?.startedAt ?? Number.NaN).toISOString(),
    ).toBe('0026-11-07T00:00:00.000Z')
    expect(problems(deployment({ finishedAt: '2025-03-01T10:00:00+99:99' }))).toEqual([
      '1:finishedAt:expected an ISO 8601 time, got "2025-03-01T10:00:00+99:99"',
    ])
    expect(problems(deployment({ finishedAt: '0000-03-01' }))).toHaveLength(1)
    expect(problems(deployment({ finishedAt: '2025-03-01T10:00:00-18:00' }))).toEqual([])
  })

  test('a CSV header naming a column twice is rejected', () => {
    expect(problems('type,id,id\nsprint,a,b\n', 's.csv')).toEqual([
      '1:id:this column appears more than once in the header',
    ])
  })

  test('every JSON syntax error names its line', () => {
    expect(problems('[\n{"type":"sprint"},\n]', 'e.json')).toEqual([
      expect.stringMatching(/^3::not valid JSON/),
    ])
    expect(problems('[\n{"type":"sprint"}\n', 'e.json')).toEqual([
      expect.stringMatching(/^3::not valid JSON/),
    ])
  })
})
