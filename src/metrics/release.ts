/**
 * Release metrics from the seed's "Release Metrics" table: release frequency, rollback rate,
 * hotfix frequency, release success rate (releases not rolled back), the share of Friday and
 * weekend deployments, stale feature flags (live longer than 30 days) and the performance
 * regression rate. Releases are successful production deployments finished in the period.
 */
import type { FeatureFlagEvent } from '../model/events.js'
import type { Deployment } from '../model/types.js'
import { type CalendarPeriod, inPeriod, monthsOf, type OrgCalendar, weeksOf } from './calendar.js'
import { ratio } from './stats.js'

export const STALE_FLAG_MS = 30 * 86_400_000

export interface ReleaseSummary {
  releases: number
  perWeek: number
  rollbacks: number
  rollbackRate: number | null
  hotfixes: number
  hotfixesPerMonth: number
  /** Releases that were not followed by a rollback of the same service. */
  successRate: number | null
  fridayOrWeekend: number
  fridayOrWeekendShare: number | null
  regressions: number
  regressionRate: number | null
  /** Releases whose source says whether they regressed (the rate's denominator). */
  regressionReported: number
  flags: { live: number; stale: number; staleShare: number | null }
}

export function computeRelease(
  deployments: readonly Deployment[],
  flags: readonly FeatureFlagEvent[],
  period: CalendarPeriod,
  calendar: OrgCalendar,
): ReleaseSummary {
  const releases = deployments
    .filter((d) => d.result === 'success' && inPeriod(d.finishedAt, period))
    .sort((a, b) => a.finishedAt - b.finishedAt)
  const byService = new Map<string, Deployment[]>()
  for (const d of deployments
    .filter((d) => d.result === 'success')
    .sort((a, b) => a.finishedAt - b.finishedAt)) {
    byService.set(d.service, [...(byService.get(d.service) ?? []), d])
  }
  let rolledBack = 0
  for (const list of byService.values()) {
    list.forEach((d, i) => {
      if (inPeriod(d.finishedAt, period) && list[i + 1]?.kind === 'rollback') rolledBack++
    })
  }
  const n = releases.length
  const rollbacks = releases.filter((d) => d.kind === 'rollback').length
  const hotfixes = releases.filter((d) => d.kind === 'hotfix').length
  const late = releases.filter((d) => [5, 6, 0].includes(calendar.dayOfWeek(d.finishedAt))).length
  // Judged only over releases whose source reports regressions at all.
  const reported = releases.filter((d) => d.regression !== null)
  const regressions = reported.filter((d) => d.regression).length
  const live = flags.filter(
    (f) => f.createdAt < period.to && (f.removedAt === undefined || f.removedAt >= period.to),
  )
  const stale = live.filter((f) => period.to - f.createdAt > STALE_FLAG_MS).length
  return {
    releases: n,
    perWeek: period.days > 0 ? n / weeksOf(period) : 0,
    rollbacks,
    rollbackRate: ratio(rollbacks, n),
    hotfixes,
    hotfixesPerMonth: period.days > 0 ? hotfixes / monthsOf(period) : 0,
    successRate: n === 0 ? null : 1 - rolledBack / n,
    fridayOrWeekend: late,
    fridayOrWeekendShare: ratio(late, n),
    regressions,
    regressionRate: ratio(regressions, reported.length),
    regressionReported: reported.length,
    flags: { live: live.length, stale, staleShare: ratio(stale, live.length) },
  }
}
