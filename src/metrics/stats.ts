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
