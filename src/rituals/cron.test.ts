import { expect, test } from 'vitest'
import { latestSlot, localTime, nextSlots } from './cron.js'

const iso = (slots: number[]) => slots.map((t) => new Date(t).toISOString())

test('a daily 02:30 in Berlin: the skipped hour runs at 03:00, the repeated hour once', () => {
  // 29 March 2026: 02:00 CET → 03:00 CEST; 25 October 2026: 03:00 CEST → 02:00 CET.
  expect(iso(nextSlots('30 2 * * *', 'Europe/Berlin', Date.parse('2026-03-28T00:00:00Z'), 3))).toEqual([
    '2026-03-28T01:30:00.000Z',
    '2026-03-29T01:00:00.000Z',
    '2026-03-30T00:30:00.000Z',
  ])
  expect(iso(nextSlots('30 2 * * *', 'Europe/Berlin', Date.parse('2026-10-24T00:00:00Z'), 3))).toEqual([
    '2026-10-24T00:30:00.000Z',
    '2026-10-25T00:30:00.000Z',
    '2026-10-26T01:30:00.000Z',
  ])
})

test('the latest slot: the instant itself when it is one, else the one before', () => {
  const monday9 = Date.parse('2026-11-30T08:00:00Z') // 09:00 CET
  expect(latestSlot('0 9 * * MON', 'Europe/Berlin', monday9)).toBe(monday9)
  expect(latestSlot('0 9 * * MON', 'Europe/Berlin', monday9 - 1)).toBe(Date.parse('2026-11-23T08:00:00Z'))
  expect(latestSlot('0 9 * * MON', 'America/New_York', monday9)).toBe(Date.parse('2026-11-23T14:00:00Z'))
})

test('local times name the zone as the org reads it', () => {
  expect(localTime(Date.parse('2026-11-30T08:00:00Z'), 'Europe/Berlin')).toBe('Mon 2026-11-30 09:00 GMT+1')
  expect(localTime(Date.parse('2026-11-30T14:00:00Z'), 'America/New_York')).toBe('Mon 2026-11-30 09:00 EST')
})
