import { describe, expect, test } from 'vitest'
import type { FeatureFlagEvent } from '../model/events.js'
import type { Deployment, Incident } from '../model/types.js'
import { OrgCalendar } from './calendar.js'
import { computeRelease } from './release.js'
import { cadenceKept, computeReliability, respondedInTime } from './reliability.js'
import { at, DAY, deployment, incident as incidentAt, T0 } from './testing-fixtures.js'

const MIN = 60_000
const utc = new OrgCalendar('UTC')

const incident = (id: string, fields: Partial<Incident>) => incidentAt(id, at(0), fields)

describe('incident response', () => {
  test('response time per severity; SEV-4 by the end of the next business day', () => {
    expect(respondedInTime(incident('a', { severity: 'SEV-1', acknowledgedAt: at(0) + 5 * MIN }), utc)).toBe(
      true,
    )
    expect(respondedInTime(incident('b', { severity: 'SEV-1', acknowledgedAt: at(0) + 6 * MIN }), utc)).toBe(
      false,
    )
    // Detected Friday 2025-03-07 18:00: the next business day is Monday; acked Monday 17:00 is in time.
    const friday = Date.parse('2025-03-07T18:00:00Z')
    const monday = Date.parse('2025-03-10T17:00:00Z')
    expect(
      respondedInTime(incident('c', { severity: 'SEV-4', detectedAt: friday, acknowledgedAt: monday }), utc),
    ).toBe(true)
    expect(
      respondedInTime(
        incident('d', { severity: 'SEV-4', detectedAt: friday, acknowledgedAt: monday + DAY }),
        utc,
      ),
    ).toBe(false)
  })

  test('status-update cadence: no gap longer than the interval until mitigation', () => {
    const base = {
      severity: 'SEV-1' as const,
      detectedAt: at(0),
      mitigatedAt: at(0) + 40 * MIN,
      resolvedAt: at(1),
    }
    const updates = (minutes: number[]) =>
      minutes.map((m) => ({ at: at(0) + m * MIN, audience: 'internal' as const }))
    expect(
      cadenceKept(incident('a', { ...base, statusUpdates: updates([10, 25, 39]) }), 'internal', 15 * MIN),
    ).toBe(true)
    expect(
      cadenceKept(incident('b', { ...base, statusUpdates: updates([10, 30]) }), 'internal', 15 * MIN),
    ).toBe(false)
    expect(
      cadenceKept(incident('c', { ...base, statusUpdates: updates([10, 25]) }), 'internal', 15 * MIN),
    ).toBe(true)
    // The last update must also come within the interval of mitigation: 24 → 40 is 16 minutes.
    expect(
      cadenceKept(incident('d', { ...base, statusUpdates: updates([10, 24]) }), 'internal', 15 * MIN),
    ).toBe(false)
  })

  test('volume, MTTA, MTTR, compliance, postmortems, overdue actions and pages per week', () => {
    const period = { from: T0, to: T0 + 14 * DAY }
    const incidents = [
      incident('i1', {
        severity: 'SEV-1',
        acknowledgedAt: at(0) + 4 * MIN,
        mitigatedAt: at(0) + 20 * MIN,
        resolvedAt: at(1),
        statusUpdates: [
          { at: at(0) + 10 * MIN, audience: 'internal' },
          { at: at(0) + 15 * MIN, audience: 'exec' },
          { at: at(0) + 18 * MIN, audience: 'external' },
        ],
        postmortem: {
          status: 'reviewed',
          contributingFactors: [],
          actionItems: [{ title: 'x', owner: 'ana', due: at(24), done: false }],
        },
      }),
      incident('i2', {
        severity: 'SEV-2',
        detectedAt: at(10),
        acknowledgedAt: at(10) + 20 * MIN,
        resolvedAt: at(13),
      }),
      incident('i3', {
        severity: 'SEV-3',
        detectedAt: at(20),
        acknowledgedAt: at(20) + 30 * MIN,
        resolvedAt: at(22),
        postmortem: {
          status: 'draft',
          contributingFactors: [],
          actionItems: [{ title: 'y', owner: 'bob', due: at(24 * 30), done: false }],
        },
      }),
      incident('i4', { severity: 'SEV-4', detectedAt: at(30), acknowledgedAt: at(31), resolvedAt: at(40) }),
    ]
    const summary = computeReliability({
      incidents,
      period: utc.span(period),
      calendar: utc,
      onCallTeams: 2,
      onCallPeople: 6,
      fromRota: true,
    })
    expect(summary.incidents).toEqual({
      total: 4,
      bySeverity: { 'SEV-1': 1, 'SEV-2': 1, 'SEV-3': 1, 'SEV-4': 1 },
    })
    // Acks 4 m, 20 m, 30 m, 60 m → median 25 m; restores 1 h, 3 h, 2 h, 10 h → median 2.5 h.
    expect(summary.mtta).toMatchObject({ n: 4, median: 25 * 60 })
    expect(summary.mttr).toMatchObject({ n: 4, median: 2.5 * 3600 })
    expect(summary.responseTime.bySeverity['SEV-2']).toEqual({ n: 1, inTime: 0, rate: 0 })
    expect(summary.responseTime.rate).toBe(3 / 4)
    // i1: internal 10 → 20 m (mitigated) kept; external at 18 m kept; exec at 15 m kept.
    // i2 (SEV-2): internal, external and exec: no updates in 3 h → none kept. i3 (SEV-3) was open
    // exactly 2 h, its internal interval, so even without an update the cadence held.
    expect(summary.updateCadence).toEqual({ checked: 7, kept: 4, rate: 4 / 7 })
    expect(summary.postmortems.bySeverity['SEV-1']).toMatchObject({
      required: 1,
      completed: 1,
      rate: 1,
      target: 1,
    })
    expect(summary.postmortems.bySeverity['SEV-2']).toMatchObject({ required: 1, completed: 0, rate: 0 })
    expect(summary.postmortems.meetsTargets).toBe(false)
    expect(summary.actionItems).toEqual({ open: 2, overdue: 1 })
    // Three paging incidents (SEV-4 is a ticket) over two weeks, two teams, six people.
    expect(summary.pages).toMatchObject({ pages: 3, weeks: 2, perTeamPerWeek: 0.75, perPersonPerWeek: 0.25 })
  })
})

describe('release', () => {
  const deploy = (id: string, day: number, fields: Partial<Deployment> = {}) =>
    deployment(id, T0 + day * DAY, fields)
  const flag = (name: string, createdDay: number, removedDay?: number): FeatureFlagEvent => ({
    type: 'feature_flag',
    flag: name,
    service: 'api',
    createdAt: T0 + createdDay * DAY,
    ...(removedDay === undefined ? {} : { removedAt: T0 + removedDay * DAY }),
  })

  test('frequency, rollbacks, hotfixes, success, Friday/weekend share, regressions and stale flags', () => {
    // T0 is a Monday: day 4 is a Friday, day 5 a Saturday.
    const deployments = [
      deploy('d1', 0),
      deploy('d2', 1, { regression: true }),
      deploy('d3', 1.5, { kind: 'rollback' }),
      deploy('d4', 4),
      deploy('d5', 5, { kind: 'hotfix' }),
      deploy('d6', 6, { result: 'failure' }),
      deploy('d7', 8),
    ]
    const flags = [flag('old', -40), flag('young', -5), flag('gone', -60, -1), flag('removed-later', -45, 20)]
    const release = computeRelease(deployments, flags, utc.span({ from: T0, to: T0 + 7 * DAY }), utc)
    expect(release).toEqual({
      releases: 5,
      perWeek: 5,
      rollbacks: 1,
      rollbackRate: 0.2,
      hotfixes: 1,
      hotfixesPerMonth: 365.25 / 12 / 7,
      successRate: 0.8,
      fridayOrWeekend: 2,
      fridayOrWeekendShare: 0.4,
      regressions: 1,
      regressionRate: 0.2,
      regressionReported: 5,
      flags: { live: 3, stale: 2, staleShare: 2 / 3 },
    })
  })
})
