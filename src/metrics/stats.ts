/**
 * Order statistics as DESIGN.md defines them: the true median (mean of the two middle values
 * for even counts) and percentiles by linear interpolation between closest ranks.
 */

/** The p-th quantile (0 ≤ p ≤ 1) of `values` by linear interpolation; null when empty. */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return quantileOfSorted(sorted, p)
}

export function quantileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = p * (sorted.length - 1)
  const lower = Math.floor(rank)
  const upper = Math.ceil(rank)
  const low = sorted[lower]!
  return low + (sorted[upper]! - low) * (rank - lower)
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5)
}

export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole
}

export interface Distribution {
  n: number
  median: number | null
  p75: number | null
  p90: number | null
}

/** n, median, p75 and p90 of the values (null when there are none). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    median: quantileOfSorted(sorted, 0.5),
    p75: quantileOfSorted(sorted, 0.75),
    p90: quantileOfSorted(sorted, 0.9),
  }
}

/** A distribution of milliseconds, reported in seconds as every surface shows durations. */
export function secondsDistribution(valuesMs: readonly number[]): Distribution {
  const d = distribution(valuesMs)
  const s = (v: number | null) => (v === null ? null : v / 1000)
  return { n: d.n, median: s(d.median), p75: s(d.p75), p90: s(d.p90) }
}

export function sum(values: readonly number[]): number {
  let total = 0
  for (const value of values) total += value
  return total
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length
}
