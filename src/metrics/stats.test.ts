import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { median, quantile, ratio } from './stats.js'

describe('median and quantiles', () => {
  test('true median: middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull()
    expect(median([7])).toBe(7)
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  test('p90 interpolates linearly between closest ranks', () => {
    // rank = 0.9 × 9 = 8.1 → 9 + 0.1 × (10 − 9)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12)
    expect(quantile([10, 20], 0.75)).toBe(17.5)
    expect(quantile([5], 0.9)).toBe(5)
  })

  test('a quantile lies between the minimum and the maximum and grows with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const q = quantile(values, p)!
          expect(q).toBeGreaterThanOrEqual(Math.min(...values) - 1e-6)
          expect(q).toBeLessThanOrEqual(Math.max(...values) + 1e-6)
          expect(quantile(values, Math.min(1, p + 0.1))!).toBeGreaterThanOrEqual(q - 1e-6)
        },
      ),
    )
  })

  test('ratio of nothing is null, not zero', () => {
    expect(ratio(0, 0)).toBeNull()
    expect(ratio(1, 4)).toBe(0.25)
  })
})
