/**
 * Team health: voluntary and regrettable attrition, annualized (leavers ÷ average headcount ×
 * 365 ÷ days), engagement (mean 1–5 score) and eNPS (% promoters 9–10 − % detractors 0–6).
 * Survey results of fewer than `MIN_GROUP` respondents are never shown: anonymity first.
 */
import type { PersonChangeEvent, SurveyResponseEvent } from '../model/events.js'
import { inPeriod, type Period } from './calendar.js'
import { mean } from './stats.js'

export const MIN_GROUP = 5

/** Surveys run quarterly: the latest one up to the period's end speaks for it, if within a quarter. */
export const SURVEY_LOOKBACK_MS = 92 * 86_400_000

export interface TeamHealthSummary {
  headcount: { start: number; end: number; average: number }
  hires: number
  leaves: number
  voluntaryAttrition: { leavers: number; annualized: number | null }
  regrettableAttrition: { leavers: number; annualized: number | null }
  engagement: { respondents: number; score: number | null; hidden: boolean }
  enps: { respondents: number; promoters: number; detractors: number; score: number | null; hidden: boolean }
}

/**
 * `headcountAtEnd` is the current team size from the org file; the start is reconstructed by
 * undoing the period's hires and leaves.
 */
export function computeTeamHealth(
  events: readonly PersonChangeEvent[],
  responses: readonly SurveyResponseEvent[],
  period: Period,
  headcountAtEnd: number,
): TeamHealthSummary {
  const inside = events.filter((e) => inPeriod(e.at, period))
  const hires = inside.filter((e) => e.kind === 'hire').length
  const leavers = inside.filter((e) => e.kind === 'leave')
  const start = headcountAtEnd - hires + leavers.length
  const average = (start + headcountAtEnd) / 2
  const days = (period.to - period.from) / 86_400_000
  const annualize = (n: number) => (average > 0 && days > 0 ? (n / average) * (365 / days) : null)
  const voluntary = leavers.filter((e) => e.voluntary === true).length
  const regrettable = leavers.filter((e) => e.regrettable === true).length

  // The latest survey up to the period's end (within a quarter) speaks for it.
  const surveyed = responses.filter(
    (r) => r.at < period.to && r.at >= period.to - SURVEY_LOOKBACK_MS && !r.question.startsWith('dx-'),
  )
  const latest = surveyed.reduce<SurveyResponseEvent | undefined>(
    (last, r) => (!last || r.at > last.at ? r : last),
    undefined,
  )
  const ofLatest = latest ? surveyed.filter((r) => r.survey === latest.survey) : []
  const scores = ofLatest.filter((r) => r.question !== 'enps' && r.score !== undefined)
  // Answers are anonymous: the respondents are as many as the answers to the most-answered question.
  const perQuestion = new Map<string, number>()
  for (const r of scores) perQuestion.set(r.question, (perQuestion.get(r.question) ?? 0) + 1)
  const engagementRespondents = Math.max(0, ...perQuestion.values())
  const npsAnswers = ofLatest.filter((r) => r.nps !== undefined)
  const promoters = npsAnswers.filter((r) => r.nps! >= 9).length
  const detractors = npsAnswers.filter((r) => r.nps! <= 6).length
  const hideScores = engagementRespondents < MIN_GROUP
  const hideNps = npsAnswers.length < MIN_GROUP
  return {
    headcount: { start, end: headcountAtEnd, average },
    hires,
    leaves: leavers.length,
    voluntaryAttrition: { leavers: voluntary, annualized: annualize(voluntary) },
    regrettableAttrition: { leavers: regrettable, annualized: annualize(regrettable) },
    engagement: {
      respondents: engagementRespondents,
      score: hideScores ? null : mean(scores.map((r) => r.score!)),
      hidden: hideScores && scores.length > 0,
    },
    enps: {
      respondents: npsAnswers.length,
      promoters: hideNps ? 0 : promoters,
      detractors: hideNps ? 0 : detractors,
      score: hideNps ? null : ((promoters - detractors) / npsAnswers.length) * 100,
      hidden: hideNps && npsAnswers.length > 0,
    },
  }
}
