/**
 * SLOs and error budgets, as the SRE workbook, Sloth, Pyrra and OpenSLO define them:
 * attainment over a rolling or calendar window, error budget (1 − objective), budget consumed and
 * remaining ((1 − objective) − bad/total) / (1 − objective), burn rate (error ratio ÷ budget),
 * time to exhaustion at the current burn, and multiwindow burn-rate alerts whose thresholds are
 * scaled to the SLO window. Objectives are percentages (99.9), ratios are fractions.
 */
import { DAY, HOUR, MINUTE } from '../model/time.js'
import type { OrgCalendar } from './calendar.js'

export interface SliSample {
  start: number
  end: number
  good: number
  total: number
}

/** The error budget as a fraction of events: 99.9 → 0.001 (floating point as Sloth computes it). */
export function errorBudget(objectivePercent: number): number {
  return (100 - objectivePercent) / 100
}

export function burnRate(errorRatio: number, objectivePercent: number): number {
  return errorRatio / errorBudget(objectivePercent)
}

/** Share of the budget left: 1 when nothing failed, 0 when exactly spent, negative when overspent. */
export function budgetRemaining(objectivePercent: number, bad: number, total: number): number | null {
  if (total === 0) return null
  const budget = errorBudget(objectivePercent)
  return (budget - bad / total) / budget
}

/** The budget expressed as time: 99.9 % over 30 days is 43.2 minutes of full outage. */
export function budgetDuration(objectivePercent: number, windowMs: number): number {
  return errorBudget(objectivePercent) * windowMs
}

/** How long the remaining budget lasts at a burn rate (a whole budget lasts window ÷ burn). */
export function timeToExhaustion(remaining: number, burn: number, windowMs: number): number | null {
  if (burn <= 0) return null
  return (Math.max(0, remaining) * windowMs) / burn
}

export interface AlertWindow {
  severity: 'page' | 'ticket'
  longMs: number
  shortMs: number
  /** Burn-rate factor: the alert fires when both windows' error ratios exceed factor × budget. */
  factor: number
  /** How long the condition must hold (Pyrra's `for`); 0 when not used. */
  forMs: number
}

/**
 * The SRE workbook's multiwindow alerts (as Sloth generates them), for any SLO window: page on
 * 2 % of the budget in 1 h (5 m short window) or 5 % in 6 h (30 m); ticket on 10 % in 1 d (2 h)
 * or 10 % in 3 d (6 h). Factor = budget fraction × window hours ÷ long-window hours.
 */
export const WORKBOOK_POLICY: readonly {
  severity: 'page' | 'ticket'
  budgetFraction: number
  long: number
  short: number
}[] = [
  { severity: 'page', budgetFraction: 0.02, long: HOUR, short: 5 * MINUTE },
  { severity: 'page', budgetFraction: 0.05, long: 6 * HOUR, short: 30 * MINUTE },
  { severity: 'ticket', budgetFraction: 0.1, long: DAY, short: 2 * HOUR },
  { severity: 'ticket', budgetFraction: 0.1, long: 3 * DAY, short: 6 * HOUR },
]

export function workbookAlertWindows(
  windowMs: number,
  policy: readonly {
    severity: 'page' | 'ticket'
    budgetFraction: number
    long: number
    short: number
  }[] = WORKBOOK_POLICY,
): AlertWindow[] {
  const windowHours = windowMs / HOUR
  return policy.map((rule) => ({
    severity: rule.severity,
    longMs: rule.long,
    shortMs: rule.short,
    factor: (rule.budgetFraction * 100 * windowHours) / 100 / (rule.long / HOUR),
    forMs: 0,
  }))
}

/**
 * Pyrra's alerts: fixed factors 14, 7, 2, 1 with windows that scale from a 28-day base
 * ((1 h / 5 m), (6 h / 30 m), (1 d / 2 h), (4 d / 6 h)), rounded to the minute.
 */
export function pyrraAlertWindows(windowMs: number): AlertWindow[] {
  const scale = windowMs / (28 * DAY)
  const round = (ms: number) => Math.round((ms * scale) / MINUTE) * MINUTE
  const rules: [AlertWindow['severity'], number, number, number, number][] = [
    ['page', HOUR, 5 * MINUTE, 14, 2 * MINUTE],
    ['page', 6 * HOUR, 30 * MINUTE, 7, 15 * MINUTE],
    ['ticket', DAY, 2 * HOUR, 2, HOUR],
    ['ticket', 4 * DAY, 6 * HOUR, 1, 3 * HOUR],
  ]
  return rules.map(([severity, long, short, factor, forMs]) => ({
    severity,
    longMs: round(long),
    shortMs: round(short),
    factor,
    forMs,
  }))
}

/** OpenSLO Timeslices: how many slices a window has, and how many may be bad at a target. */
export function timesliceBudget(windowMs: number, sliceMs: number, targetPercent: number) {
  const slices = Math.floor(windowMs / sliceMs)
  const allowedBad = Math.round(slices * errorBudget(targetPercent) * 1e9) / 1e9
  return { slices, allowedBad: Math.floor(allowedBad), allowedBadMs: Math.floor(allowedBad) * sliceMs }
}

export type SloWindow = '7d' | '28d' | '30d' | 'calendar-month'

/** The window an SLO is judged over, ending at `at` (exclusive): rolling days or the calendar month so far. */
export function sloWindow(
  window: SloWindow,
  at: number,
  calendar: OrgCalendar,
): { from: number; to: number } {
  if (window === 'calendar-month') return { from: calendar.monthStart(at - 1), to: at }
  return { from: at - Number.parseInt(window, 10) * DAY, to: at }
}

/**
 * The whole window's length, which budgets and burn thresholds scale with: rolling days, or the
 * real length of the calendar month containing `at − 1` in the org's zone (March 31 days, February 28).
 */
export function windowLength(window: SloWindow, at: number, calendar: OrgCalendar): number {
  if (window !== 'calendar-month') return Number.parseInt(window, 10) * DAY
  const month = calendar.monthOf(at - 1)
  return month.to - month.from
}

export type SliKind = 'ratio' | 'timeslices'

/**
 * OpenSLO Timeslices: every SLI sample is one time slice, good when its own good ÷ total meets
 * `sliceTargetPercent`; the SLO is then judged on good slices ÷ slices (a slice without events is
 * no data). Returns the samples restated as one event per slice, so the ratio math applies as is.
 */
export function asTimeslices(samples: readonly SliSample[], sliceTargetPercent: number): SliSample[] {
  return samples
    .filter((s) => s.total > 0)
    .map((s) => ({
      start: s.start,
      end: s.end,
      good: s.good / s.total + 1e-12 >= sliceTargetPercent / 100 ? 1 : 0,
      total: 1,
    }))
}

/**
 * Events of the samples that fall in (from, to]. A sample belongs where its midpoint lies, so a
 * daily sample counts in a one-day window but not in a five-minute one.
 */
function sumBetween(samples: readonly SliSample[], from: number, to: number) {
  let good = 0
  let total = 0
  for (const sample of samples) {
    const middle = (sample.start + sample.end) / 2
    if (middle <= from || middle > to) continue
    good += sample.good
    total += sample.total
  }
  return { good, total }
}

export interface SloStatus {
  objective: number
  window: { from: number; to: number }
  good: number
  total: number
  /** good ÷ total; null without events. */
  attainment: number | null
  met: boolean | null
  errorBudget: number
  /** Share of the budget spent: bad ratio ÷ budget. */
  budgetConsumed: number | null
  budgetRemaining: number | null
  /** Burn over the whole window so far. */
  burnRate: number | null
  /** Burn over the most recent `recentMs` (default one day). */
  currentBurnRate: number | null
  /** Time until the budget is gone at the current burn; null when not burning. */
  exhaustionMs: number | null
  alert: 'page' | 'ticket' | 'none' | 'no-data'
  alerts: {
    severity: 'page' | 'ticket'
    longMs: number
    shortMs: number
    threshold: number
    longRatio: number | null
    shortRatio: number | null
    firing: boolean
  }[]
}

export interface SloInput {
  objective: number
  window: SloWindow
  samples: readonly SliSample[]
  /** Evaluate as of this instant. */
  at: number
  calendar: OrgCalendar
  /** `ratio` (default): good ÷ total events; `timeslices`: good slices ÷ slices (see `asTimeslices`). */
  sli?: SliKind
  /** For timeslices: the percentage a slice must meet to be good (default: the objective). */
  timesliceTarget?: number
  recentMs?: number
  alertWindows?: AlertWindow[]
}

/**
 * The instant after which `evaluateSlo` reads samples: the earliest of the window's start, the
 * recent burn window and the longest alert window. A sample counts where its midpoint lies, so
 * only samples ending after this instant can count (a caller may read just those).
 */
export function sloLookback(input: Omit<SloInput, 'samples'>): number {
  const window = sloWindow(input.window, input.at, input.calendar)
  const rules =
    input.alertWindows ?? workbookAlertWindows(windowLength(input.window, input.at, input.calendar))
  return Math.min(
    window.from,
    input.at - (input.recentMs ?? DAY),
    ...rules.map((rule) => input.at - rule.longMs),
  )
}

/** Attainment, budget, burn and alert state of one SLO as of `at`, from its SLI samples. */
export function evaluateSlo(input: SloInput): SloStatus {
  const window = sloWindow(input.window, input.at, input.calendar)
  const length = windowLength(input.window, input.at, input.calendar)
  const budget = errorBudget(input.objective)
  const samples =
    input.sli === 'timeslices'
      ? asTimeslices(input.samples, input.timesliceTarget ?? input.objective)
      : input.samples
  const { good, total } = sumBetween(samples, window.from, window.to)
  const ratio = (g: number, t: number) => (t === 0 ? null : (t - g) / t)
  const errorRatio = ratio(good, total)
  const recent = sumBetween(samples, input.at - (input.recentMs ?? DAY), input.at)
  const recentRatio = ratio(recent.good, recent.total)
  const remaining = budgetRemaining(input.objective, total - good, total)
  const currentBurn = recentRatio === null ? null : recentRatio / budget
  const alerts = (input.alertWindows ?? workbookAlertWindows(length)).map((rule) => {
    const long = sumBetween(samples, input.at - rule.longMs, input.at)
    const short = sumBetween(samples, input.at - rule.shortMs, input.at)
    const longRatio = ratio(long.good, long.total)
    const shortRatio = ratio(short.good, short.total)
    const threshold = rule.factor * budget
    return {
      severity: rule.severity,
      longMs: rule.longMs,
      shortMs: rule.shortMs,
      threshold,
      longRatio,
      shortRatio,
      firing: longRatio !== null && shortRatio !== null && longRatio > threshold && shortRatio > threshold,
    }
  })
  const anyData = alerts.some((a) => a.longRatio !== null)
  const alert = alerts.some((a) => a.firing && a.severity === 'page')
    ? 'page'
    : alerts.some((a) => a.firing)
      ? 'ticket'
      : anyData
        ? 'none'
        : 'no-data'
  return {
    objective: input.objective,
    window,
    good,
    total,
    attainment: total === 0 ? null : good / total,
    // Exactly on the objective is met; the epsilon absorbs 99.9 / 100 ≠ 0.999 in floating point.
    met: total === 0 ? null : good / total + 1e-12 >= input.objective / 100,
    errorBudget: budget,
    budgetConsumed: errorRatio === null ? null : errorRatio / budget,
    budgetRemaining: remaining,
    burnRate: errorRatio === null ? null : errorRatio / budget,
    currentBurnRate: currentBurn,
    exhaustionMs:
      remaining === null || currentBurn === null ? null : timeToExhaustion(remaining, currentBurn, length),
    alert,
    alerts,
  }
}
