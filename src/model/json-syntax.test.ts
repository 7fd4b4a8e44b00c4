import fc from 'fast-check'
import { expect, test } from 'vitest'
import { jsonErrorOffset } from './json-syntax.js'

const isJson = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Texts near JSON: valid documents with a character inserted, removed or replaced, and token soup. */
const nearJson = fc.oneof(
  fc.json(),
  fc
    .tuple(
      fc.json(),
      fc.nat(),
      fc.constantFrom('', ',', ']', '}', '[', '{', '"', ':', '\\', '\n', 'x', '-', '0'),
    )
    .map(([text, at, inserted]) => {
      const i = at % (text.length + 1)
      return text.slice(0, i) + inserted + text.slice(i + (at % 2))
    }),
  fc
    .array(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '"a"',
        '"',
        '1',
        '-',
        '.5',
        'true',
        'nul',
        ' ',
        '\n',
        '\\u00',
      ),
      {
        maxLength: 12,
      },
    )
    .map((tokens) => tokens.join('')),
)

test('finds an error exactly when JSON.parse rejects the text, at an offset inside it', () => {
  fc.assert(
    fc.property(nearJson, (text) => {
      const offset = jsonErrorOffset(text)
      if (isJson(text)) expect(offset).toBe(-1)
      else {
        expect(offset).toBeGreaterThanOrEqual(0)
        expect(offset).toBeLessThanOrEqual(text.length)
      }
    }),
    { numRuns: 20_000 },
  )
})

test('names the place of the errors JSON.parse gives no position for', () => {
  expect(jsonErrorOffset('[{},]')).toBe(4)
  expect(jsonErrorOffset('[\n{"a": 1},\n{"b": 2}\n,]')).toBe(22)
  expect(jsonErrorOffset('{"a":')).toBe(5)
  expect(jsonErrorOffset(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toBe(-1)
  expect(jsonErrorOffset(`${'['.repeat(10_000)}`)).toBe(10_000)
})
