import { describe, expect, test } from 'vitest'
import { previousOf } from './engine.js'

const at = (iso: string) => Date.parse(iso)

describe('the period a trend compares with', () => {
  test('whole calendar months compare with the same number of months before', () => {
    // April (30 days) compares with March (31 days), not with March 2 – April 1.
    expect(previousOf({ from: at('2026-04-01T00:00:00Z'), to: at('2026-05-01T00:00:00Z') }, 'UTC')).toEqual({
      from: at('2026-03-01T00:00:00Z'),
      to: at('2026-04-01T00:00:00Z'),
    })
    // A quarter compares with the quarter before, across a year boundary.
    expect(previousOf({ from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') }, 'UTC')).toEqual({
      from: at('2025-10-01T00:00:00Z'),
      to: at('2026-01-01T00:00:00Z'),
    })
    // Month boundaries are local: Berlin's May starts at 22:00 UTC on April 30.
    expect(
      previousOf({ from: at('2026-04-30T22:00:00Z'), to: at('2026-05-31T22:00:00Z') }, 'Europe/Berlin'),
    ).toEqual({ from: at('2026-03-31T22:00:00Z'), to: at('2026-04-30T22:00:00Z') })
  })

  test('other periods compare with the same length before', () => {
    expect(previousOf({ from: at('2026-04-10T00:00:00Z'), to: at('2026-04-17T00:00:00Z') }, 'UTC')).toEqual({
      from: at('2026-04-03T00:00:00Z'),
      to: at('2026-04-10T00:00:00Z'),
    })
  })
})
