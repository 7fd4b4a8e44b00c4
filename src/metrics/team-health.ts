/**
 * Team health: headcount from people's dates, voluntary and regrettable attrition annualized by
 * compounding (1 − (1 − leavers ÷ average headcount)^(365 ÷ days), so always within [0, 1]),
 * engagement (mean 1–5 score) and eNPS (% promoters 9–10 − % detractors 0–6). Survey results of
 * fewer than `MIN_GROUP` respondents are never shown: anonymity first.
 */
import type { PersonChangeEvent, SurveyResponseEvent } from '../model/events.js'
import { type CalendarPeriod, inPeriod, type Period } from './calendar.js'
import { mean } from './stats.js'

export const MIN_GROUP = 5

/** Surveys run quarterly: the latest one up to the period's end speaks for it, if within a quarter. */
export const SURVEY_LOOKBACK_MS = 92 * 86_400_000

export interface TeamHealthSummary {
  headcount: Headcount
  hires: number
  leaves: number
  /** All leavers, annualized: retention is 1 − this. */
  attrition: { leavers: number; annualized: number | null }
  voluntaryAttrition: { leavers: number; annualized: number | null }
  regrettableAttrition: { leavers: number; annualized: number | null }
  engagement: { respondents: number; score: number | null; hidden: boolean }
  enps: { respondents: number; promoters: number; detractors: number; score: number | null; hidden: boolean }
}

/** A person of the scope with the span they were employed: [start, end), null = open-ended. */
export interface Tenure {
  person: string
  start: number | null
  end: number | null
}

/**
 * Everyone's tenure from the org file's `start` / `end` dates, completed by `person_event` hires
 * and leaves (a date in the org file wins), plus people known only from their events (leavers
 * who were removed from the org file).
 */
export function tenures(
  people: readonly { id: string; start: number | null; end: number | null }[],
  events: readonly PersonChangeEvent[],
): Tenure[] {
  const hired = new Map<string, number>()
  const left = new Map<string, number>()
  for (const e of events) {
    if (e.kind === 'hire') hired.set(e.person, Math.min(hired.get(e.person) ?? e.at, e.at))
    if (e.kind === 'leave') left.set(e.person, Math.max(left.get(e.person) ?? e.at, e.at))
  }
  const out = new Map<string, Tenure>()
  for (const p of people)
    out.set(p.id, {
      person: p.id,
      start: p.start ?? hired.get(p.id) ?? null,
      end: p.end ?? left.get(p.id) ?? null,
    })
  for (const id of new Set([...hired.keys(), ...left.keys()])) {
    if (!out.has(id)) out.set(id, { person: id, start: hired.get(id) ?? null, end: left.get(id) ?? null })
  }
  return [...out.values()]
}

export interface Headcount {
  /** Employed at the period's first instant and at its last. */
  start: number
  end: number
  /** The time-weighted mean over the period (a person employed half of it counts ½). */
  average: number
}

const employedAt = (t: Tenure, at: number) =>
  (t.start === null || t.start <= at) && (t.end === null || at < t.end)

export function headcountOver(people: readonly Tenure[], period: Period): Headcount {
  const length = period.to - period.from
  let weighted = 0
  for (const t of people) {
    const from = Math.max(period.from, t.start ?? period.from)
    const to = Math.min(period.to, t.end ?? period.to)
    if (to > from) weighted += to - from
  }
  return {
    start: people.filter((t) => employedAt(t, period.from)).length,
    end: people.filter((t) => employedAt(t, period.to - 1)).length,
    average: length > 0 ? weighted / length : 0,
  }
}

/**
 * A period's share of leavers as a yearly rate, compounded: 1 − (1 − share)^(365 ÷ days). A
 * quarter losing 5 % is 18.5 % a year, never more than 100 %, so retention stays within [0, 1].
 */
export function annualizedRate(leavers: number, averageHeadcount: number, days: number): number | null {
  if (averageHeadcount <= 0 || days <= 0) return null
  const share = Math.min(1, leavers / averageHeadcount)
  return 1 - (1 - share) ** (365 / days)
}

export function computeTeamHealth(
  events: readonly PersonChangeEvent[],
  responses: readonly SurveyResponseEvent[],
  period: CalendarPeriod,
  headcount: Headcount,
): TeamHealthSummary {
  const inside = events.filter((e) => inPeriod(e.at, period))
  const hires = inside.filter((e) => e.kind === 'hire').length
  const leavers = inside.filter((e) => e.kind === 'leave')
  const annualize = (n: number) => annualizedRate(n, headcount.average, period.days)
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
    headcount,
    hires,
    leaves: leavers.length,
    attrition: { leavers: leavers.length, annualized: annualize(leavers.length) },
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
