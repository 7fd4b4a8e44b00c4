/**
 * Developer experience: CI build time p50/p95 (finished − started of completed runs), flaky rate
 * (runs where a failed attempt passed on retry), pipeline failure rate (runs whose last attempt
 * failed), documentation freshness (share of docs paths changed in the last 90 days), and the DX
 * survey's questions by mean score.
 */
import type { PipelineRunEvent, SurveyResponseEvent } from '../model/events.js'
import { inPeriod, type Period } from './calendar.js'
import { mean, quantile, ratio } from './stats.js'
import { MIN_GROUP, SURVEY_LOOKBACK_MS } from './team-health.js'

export const DOC_FRESHNESS_MS = 90 * 86_400_000

export interface DxSummary {
  builds: { n: number; p50Seconds: number | null; p95Seconds: number | null }
  runs: number
  flaky: number
  flakyRate: number | null
  failed: number
  failureRate: number | null
  docs: { paths: number; fresh: number; freshness: number | null }
  survey: { question: string; respondents: number; score: number | null }[]
}

/** Documentation: Markdown and similar files, or anything under a docs folder. */
export function isDocPath(path: string): boolean {
  return /(^|\/)docs?\//i.test(path) || /\.(md|mdx|rst|adoc)$/i.test(path)
}

export function computeDx(
  runs: readonly PipelineRunEvent[],
  docChanges: ReadonlyMap<string, readonly number[]>,
  survey: readonly SurveyResponseEvent[],
  period: Period,
): DxSummary {
  const durations = runs
    .filter((r) => inPeriod(r.finishedAt, period) && r.result !== 'cancelled')
    .map((r) => r.finishedAt - r.startedAt)
  // A run's attempts are grouped across period boundaries (a failure on Dec 31 retried green on
  // Jan 1 is one flaky run), and the run counts in the period of its final attempt.
  const byRun = new Map<string, PipelineRunEvent[]>()
  for (const run of runs) {
    const key = `${run.repo}\0${run.workflow}\0${run.id}`
    const attempts = byRun.get(key)
    if (attempts) attempts.push(run)
    else byRun.set(key, [run])
  }
  let judged = 0
  let flaky = 0
  let failed = 0
  for (const attempts of byRun.values()) {
    const last = attempts.reduce((a, b) => (b.attempt > a.attempt ? b : a))
    if (!inPeriod(last.finishedAt, period)) continue
    judged++
    if (last.result === 'failure') failed++
    if (last.result === 'success' && attempts.some((a) => a.result === 'failure')) flaky++
  }
  // As of the period's end: only paths that existed then, each by its last change before then.
  let paths = 0
  let fresh = 0
  for (const times of docChanges.values()) {
    let latest = Number.NEGATIVE_INFINITY
    for (const at of times) if (at < period.to && at > latest) latest = at
    if (latest === Number.NEGATIVE_INFINITY) continue
    paths++
    if (period.to - latest <= DOC_FRESHNESS_MS) fresh++
  }
  const questions = new Map<string, number[]>()
  for (const answer of survey) {
    // The quarterly DX survey: its answers up to the period's end, within a quarter.
    if (answer.score === undefined || !answer.question.startsWith('dx-')) continue
    if (answer.at >= period.to || answer.at < period.to - SURVEY_LOOKBACK_MS) continue
    questions.set(answer.question, [...(questions.get(answer.question) ?? []), answer.score])
  }
  const p = (q: number) => {
    const v = quantile(durations, q)
    return v === null ? null : v / 1000
  }
  return {
    builds: { n: durations.length, p50Seconds: p(0.5), p95Seconds: p(0.95) },
    runs: judged,
    flaky,
    flakyRate: ratio(flaky, judged),
    failed,
    failureRate: ratio(failed, judged),
    docs: { paths, fresh, freshness: ratio(fresh, paths) },
    survey: [...questions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([question, scores]) => ({
        question,
        respondents: scores.length,
        score: scores.length < MIN_GROUP ? null : mean(scores),
      })),
  }
}
