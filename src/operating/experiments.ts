/**
 * The process-improvement cycle of the VP seed as a record: "if we [change], then [metric]
 * improves". A baseline window is compared with the experiment window on the individual
 * observations (each change's lead time, each PR's pickup, each build…): the median change, the
 * effect size (rank-biserial correlation) and a two-sided Mann–Whitney U test, which needs no
 * normality (delivery times are heavily skewed). Verdict: adopt when the metric improved
 * significantly, revert when it got significantly worse, inconclusive otherwise.
 */
import { median } from '../metrics/stats.js'
import type { Experiment } from '../model/org.js'

export interface MannWhitney {
  u: number
  z: number
  p: number
  /** Rank-biserial correlation in −1…1: positive when the second sample tends to be larger. */
  effect: number
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; absolute error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2)
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-(x * x) / 2)
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/**
 * Mann–Whitney U of `b` against `a`, normal approximation with tie and continuity corrections.
 * U counts the pairs in which the b value is larger (ties count half).
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney | null {
  const n1 = a.length
  const n2 = b.length
  if (n1 === 0 || n2 === 0) return null
  const all = [...a.map((value) => ({ value, group: 0 })), ...b.map((value) => ({ value, group: 1 }))].sort(
    (x, y) => x.value - y.value,
  )
  const ranks = new Array<number>(all.length)
  let tieTerm = 0
  for (let i = 0; i < all.length; ) {
    let j = i
    while (j + 1 < all.length && all[j + 1]!.value === all[i]!.value) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[k] = rank
    const t = j - i + 1
    tieTerm += t ** 3 - t
    i = j + 1
  }
  let rankSumB = 0
  all.forEach((item, i) => {
    if (item.group === 1) rankSumB += ranks[i]!
  })
  const u = rankSumB - (n2 * (n2 + 1)) / 2
  const mean = (n1 * n2) / 2
  const n = n1 + n2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  if (variance <= 0) return { u, z: 0, p: 1, effect: 0 }
  const diff = u - mean
  const z = (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance)
  const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))))
  return { u, z, p, effect: (2 * u) / (n1 * n2) - 1 }
}

export type Verdict = 'adopt' | 'revert' | 'inconclusive'

export interface ExperimentResult {
  id: string
  team: string | null
  hypothesis: string
  change: string
  metric: Experiment['metric']
  better: 'lower' | 'higher'
  baseline: { n: number; median: number | null }
  experiment: { n: number; median: number | null }
  /** Relative change of the median, experiment vs baseline. */
  relativeChange: number | null
  test: MannWhitney | null
  verdict: Verdict
  reason: string
}

export const MIN_OBSERVATIONS = 8
export const SIGNIFICANCE = 0.05

export function defaultBetter(metric: Experiment['metric']): 'lower' | 'higher' {
  return metric === 'deploys_per_day' ? 'higher' : 'lower'
}

export function evaluateExperiment(
  experiment: Experiment,
  baseline: readonly number[],
  during: readonly number[],
): ExperimentResult {
  const better = experiment.better ?? defaultBetter(experiment.metric)
  const before = median(baseline)
  const after = median(during)
  const test = mannWhitney(baseline, during)
  let verdict: Verdict = 'inconclusive'
  let reason: string
  if (baseline.length < MIN_OBSERVATIONS || during.length < MIN_OBSERVATIONS) {
    reason = `too few observations (${baseline.length} before, ${during.length} during; need ${MIN_OBSERVATIONS} each)`
  } else if (!test || test.p >= SIGNIFICANCE) {
    reason = `no significant difference (Mann–Whitney p = ${test ? test.p.toFixed(3) : '—'} ≥ ${SIGNIFICANCE}): revert or extend, and try the next hypothesis`
  } else {
    const improved = better === 'lower' ? test.effect < 0 : test.effect > 0
    verdict = improved ? 'adopt' : 'revert'
    reason = improved
      ? `improved significantly (p = ${test.p.toFixed(3)}): document and standardize`
      : `got significantly worse (p = ${test.p.toFixed(3)}): revert`
  }
  return {
    id: experiment.id,
    team: experiment.team ?? null,
    hypothesis: experiment.hypothesis,
    change: experiment.change,
    metric: experiment.metric,
    better,
    baseline: { n: baseline.length, median: before },
    experiment: { n: during.length, median: after },
    relativeChange: before !== null && after !== null && before !== 0 ? (after - before) / before : null,
    test,
    verdict,
    reason,
  }
}
