import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { csvDuration, csvTime } from './incident-csv.js'

describe('CSV export cells', () => {
  test('a time written as ISO, as UTC wall time, in epoch seconds or milliseconds is one instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2001-09-09T01:46:40Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000)
          const iso = seconds.toISOString()
          const forms = [
            iso,
            iso.replace('Z', '+00:00'),
            iso.slice(0, 19).replace('T', ' '),
            String(seconds.getTime()),
            String(seconds.getTime() / 1000),
          ]
          for (const form of forms) expect(csvTime(form), form).toBe(iso)
        },
      ),
    )
  })

  test('what is not a time is kept as written, for validation to name', () => {
    expect(csvTime('yesterday')).toBe('yesterday')
    expect(csvTime(undefined)).toBeUndefined()
  })

  test('durations: empty and negative cells are none', () => {
    expect(csvDuration('120', 1000)).toBe(120_000)
    expect(csvDuration('', 1000)).toBeUndefined()
    expect(csvDuration('-5', 1000)).toBeUndefined()
  })
})
