/**
 * Report periods: a month (`2026-05`), an ISO week (`2026-W20`), a quarter (`2026-Q2`, of the
 * fiscal year) or an explicit range (`2026-05-01..2026-06-01`, end exclusive). Without one each
 * report takes its cadence's last complete period before "now" (the monthly report on June 3rd
 * is May's), or the trailing window for the rolling ones.
 */
import {
  dayKey,
  localMidnight,
  type Period,
  parseBoundary,
  quarterPeriod,
  trailingDays,
  wallClock,
} from '../metrics/calendar.js'
import { EngopsError } from '../model/errors.js'

export type Cadence = 'month' | 'week' | 'quarter' | 'trailing-30' | 'trailing-7'

export interface LabelledPeriod extends Period {
  label: string
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

export function monthPeriod(year: number, month: number, zone: string): LabelledPeriod {
  return {
    from: localMidnight(year, month, 1, zone),
    to: localMidnight(year, month + 1, 1, zone),
    label: `${MONTHS[(month - 1 + 12) % 12]} ${year}`,
  }
}

/** ISO years have 52 weeks, or 53 when December 28th falls in week 53 (the year starts or, in a leap year, ends on a Thursday). */
function isoWeeksIn(year: number): number {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay()
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52
}

function isoWeek(year: number, week: number, zone: string): LabelledPeriod {
  // ISO week 1 contains January 4th; weeks start on Monday.
  const jan4 = new Date(Date.UTC(year, 0, 4))
  const monday = 4 - ((jan4.getUTCDay() + 6) % 7) + (week - 1) * 7
  const from = localMidnight(year, 1, monday, zone)
  return { from, to: localMidnight(year, 1, monday + 7, zone), label: `week ${week} of ${year}` }
}

export function parseReportPeriod(
  text: string | undefined,
  cadence: Cadence,
  now: number,
  zone: string,
  fiscalYearStartMonth: number,
): LabelledPeriod {
  // Labels show the org-local dates the user typed: the last day of a range is `to − 1` locally.
  const day = (epoch: number) => dayKey(epoch, zone)
  if (text !== undefined) {
    let m = /^(\d{4})-(\d{2})$/.exec(text)
    if (m) {
      const month = Number(m[2])
      if (month < 1 || month > 12)
        throw new EngopsError('USAGE', `--period "${text}": there is no month ${m[2]} (months are 01 to 12)`)
      return monthPeriod(Number(m[1]), month, zone)
    }
    m = /^(\d{4})-W(\d{1,2})$/.exec(text)
    if (m) {
      const year = Number(m[1])
      const week = Number(m[2])
      if (week < 1 || week > isoWeeksIn(year))
        throw new EngopsError(
          'USAGE',
          `--period "${text}": ${year} has ISO weeks W01 to W${isoWeeksIn(year)}`,
        )
      return isoWeek(year, week, zone)
    }
    if (/^\d{4}-Q[1-4]$/.test(text))
      return { ...quarterPeriod(text, fiscalYearStartMonth, zone), label: text }
    m = /^(.+)\.\.(.+)$/.exec(text)
    if (m) {
      const from = parseBoundary(m[1]!, zone)
      const to = parseBoundary(m[2]!, zone)
      if (from !== undefined && to !== undefined && to > from)
        return { from, to, label: `${day(from)} – ${day(to - 1)}` }
    }
    throw new EngopsError(
      'USAGE',
      `--period "${text}" is not a month (2026-05), week (2026-W20), quarter (2026-Q2) or range (2026-05-01..2026-06-01)`,
    )
  }
  const today = wallClock(now, zone)
  switch (cadence) {
    case 'month':
      return monthPeriod(
        today.month === 1 ? today.year - 1 : today.year,
        today.month === 1 ? 12 : today.month - 1,
        zone,
      )
    case 'quarter': {
      const offset = (today.month - fiscalYearStartMonth + 12) % 12
      const fiscalYear = today.month >= fiscalYearStartMonth ? today.year : today.year - 1
      let q = Math.floor(offset / 3) // the running quarter, 0-based; the previous one is complete
      let year = fiscalYear
      if (q === 0) {
        q = 4
        year--
      }
      const label = `${year}-Q${q}`
      return { ...quarterPeriod(label, fiscalYearStartMonth, zone), label }
    }
    case 'week':
    case 'trailing-7': {
      const p = trailingDays(now, 7, zone)
      return { ...p, label: `week ending ${day(p.to - 1)}` }
    }
    case 'trailing-30': {
      const p = trailingDays(now, 30, zone)
      return { ...p, label: `${day(p.from)} – ${day(p.to - 1)}` }
    }
  }
}

/** The `n` months ending with the one containing `to - 1`, oldest first. */
export function monthsBefore(to: number, n: number, zone: string): LabelledPeriod[] {
  const last = wallClock(to - 1, zone)
  const out: LabelledPeriod[] = []
  for (let k = n - 1; k >= 0; k--) {
    const month = last.month - k
    const year = last.year + Math.floor((month - 1) / 12)
    const m = ((((month - 1) % 12) + 12) % 12) + 1
    out.push(monthPeriod(year, m, zone))
  }
  return out
}
