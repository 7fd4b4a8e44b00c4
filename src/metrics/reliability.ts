/**
 * Incident-program metrics, from the seeds' severity and communication tables: volume by severity,
 * MTTA and MTTR, response-time compliance (acknowledged within the severity's response time),
 * status-update cadence compliance per audience, postmortem completion (targets 100 % for SEV-1/2,
 * 80 % for SEV-3), overdue action items, and pages per team and per on-call person per week.
 */
import { HOUR, MINUTE } from '../model/time.js'
import { type ActionItem, type Incident, SEVERITIES, type Severity } from '../model/types.js'
import { type CalendarPeriod, inPeriod, type OrgCalendar, weeksOf } from './calendar.js'
import { type Distribution, ratio, secondsDistribution } from './stats.js'

/** Seed table "Severity Levels": time to respond. SEV-4 is "next business day" (see `respondedInTime`). */
export const RESPONSE_TIME: Record<Exclude<Severity, 'SEV-4'>, number> = {
  'SEV-1': 5 * MINUTE,
  'SEV-2': 15 * MINUTE,
  'SEV-3': HOUR,
}

/** Seed table "Communication Cadence": the longest gap allowed between updates, per audience. */
export const UPDATE_CADENCE: Partial<
  Record<Severity, Partial<Record<'internal' | 'external' | 'exec', number>>>
> = {
  'SEV-1': { internal: 15 * MINUTE, external: 30 * MINUTE, exec: 30 * MINUTE },
  'SEV-2': { internal: 30 * MINUTE, external: HOUR, exec: 2 * HOUR },
  'SEV-3': { internal: 2 * HOUR },
}

/** Postmortem completion targets by severity (seed KPI framework: 100 % P0/P1, 80 % P2). */
export const POSTMORTEM_TARGET: Partial<Record<Severity, number>> = { 'SEV-1': 1, 'SEV-2': 1, 'SEV-3': 0.8 }

/**
 * Acknowledged within the severity's response time. SEV-4's "next business day" means by the end
 * of the first working day after detection (Monday to Friday, in the given zone's calendar).
 */
export function respondedInTime(incident: Incident, calendar: OrgCalendar): boolean | null {
  if (incident.acknowledgedAt === null) return null
  const elapsed = incident.acknowledgedAt - incident.detectedAt
  if (incident.severity !== 'SEV-4') return elapsed <= RESPONSE_TIME[incident.severity]
  let deadline = calendar.endOfDay(incident.detectedAt)
  do deadline = calendar.endOfDay(deadline + 1)
  while (calendar.dayOfWeek(deadline - 1) === 0 || calendar.dayOfWeek(deadline - 1) === 6)
  return incident.acknowledgedAt < deadline
}

/** Whether updates to an audience never left a gap longer than the cadence while the incident was open. */
export function cadenceKept(
  incident: Incident,
  audience: 'internal' | 'external' | 'exec',
  interval: number,
): boolean {
  const end = incident.mitigatedAt ?? incident.resolvedAt
  if (end === null) return false
  const times = incident.statusUpdates
    .filter((u) => u.audience === audience)
    .map((u) => u.at)
    .sort((a, b) => a - b)
  let last = incident.detectedAt
  for (const at of times) {
    if (at > end) break
    if (at - last > interval) return false
    last = at
  }
  return end - last <= interval
}

export function postmortemDone(incident: Incident): boolean {
  const status = incident.postmortem?.status
  return status === 'reviewed' || status === 'closed'
}

/** Whether the postmortem was done by an instant (done, and completed by then when the date is known). */
export function postmortemDoneBy(incident: Incident, at: number): boolean {
  const completedAt = incident.postmortem?.completedAt
  return postmortemDone(incident) && (completedAt === undefined || completedAt <= at)
}

/** Whether an action item was still open at an instant: not done, or done only later. */
export function actionItemOpenAt(item: ActionItem, at: number): boolean {
  return !item.done || (item.doneAt !== undefined && item.doneAt >= at)
}

export interface ReliabilitySummary {
  incidents: { total: number; bySeverity: Record<Severity, number> }
  mtta: Distribution
  mttr: Distribution
  responseTime: {
    bySeverity: Record<Severity, { n: number; inTime: number; rate: number | null }>
    rate: number | null
  }
  updateCadence: { checked: number; kept: number; rate: number | null }
  postmortems: {
    bySeverity: Record<
      Severity,
      { required: number; completed: number; rate: number | null; target: number | null }
    >
    /** Meets every severity's target (null when no postmortem was due). */
    meetsTargets: boolean | null
  }
  actionItems: { open: number; overdue: number }
  pages: {
    pages: number
    weeks: number
    teams: number
    people: number
    fromRota: boolean
    perTeamPerWeek: number | null
    perPersonPerWeek: number | null
  }
}

export interface ReliabilityInput {
  incidents: readonly Incident[]
  period: CalendarPeriod
  calendar: OrgCalendar
  /** Teams owning the services in scope, and the people sharing their on-call. */
  onCallTeams: number
  onCallPeople: number
  /** Whether the people are those of the services' rotas (else the owning teams' engineers). */
  fromRota: boolean
}

/** SEV-1 to SEV-3 page someone; SEV-4 is a ticket. */
const PAGING: ReadonlySet<Severity> = new Set(['SEV-1', 'SEV-2', 'SEV-3'])

export function computeReliability(input: ReliabilityInput): ReliabilitySummary {
  const { incidents, period } = input
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  const response = Object.fromEntries(
    SEVERITIES.map((s) => [s, { n: 0, inTime: 0, rate: null as number | null }]),
  ) as ReliabilitySummary['responseTime']['bySeverity']
  const postmortems = Object.fromEntries(
    SEVERITIES.map((s) => [
      s,
      { required: 0, completed: 0, rate: null as number | null, target: POSTMORTEM_TARGET[s] ?? null },
    ]),
  ) as ReliabilitySummary['postmortems']['bySeverity']
  const ack: number[] = []
  const restore: number[] = []
  let checked = 0
  let kept = 0
  let pages = 0
  let open = 0
  let overdue = 0
  for (const incident of incidents) {
    for (const item of incident.postmortem?.actionItems ?? []) {
      if (!actionItemOpenAt(item, period.to)) continue
      open++
      if (item.due < period.to) overdue++
    }
    if (inPeriod(incident.detectedAt, period)) {
      bySeverity[incident.severity]++
      if (PAGING.has(incident.severity)) pages++
      if (incident.acknowledgedAt !== null && incident.acknowledgedAt >= incident.detectedAt)
        ack.push(incident.acknowledgedAt - incident.detectedAt)
      const inTime = respondedInTime(incident, input.calendar)
      if (inTime !== null) {
        response[incident.severity].n++
        if (inTime) response[incident.severity].inTime++
      }
    }
    if (incident.resolvedAt === null || !inPeriod(incident.resolvedAt, period)) continue
    if (incident.resolvedAt >= incident.detectedAt) restore.push(incident.resolvedAt - incident.detectedAt)
    for (const [audience, interval] of Object.entries(UPDATE_CADENCE[incident.severity] ?? {})) {
      checked++
      if (cadenceKept(incident, audience as 'internal', interval)) kept++
    }
    if (POSTMORTEM_TARGET[incident.severity] !== undefined) {
      postmortems[incident.severity].required++
      if (postmortemDone(incident)) postmortems[incident.severity].completed++
    }
  }
  for (const s of SEVERITIES) {
    response[s].rate = ratio(response[s].inTime, response[s].n)
    postmortems[s].rate = ratio(postmortems[s].completed, postmortems[s].required)
  }
  const due = SEVERITIES.filter((s) => postmortems[s].required > 0)
  const weeks = weeksOf(period)
  const responded = SEVERITIES.reduce((n, s) => n + response[s].n, 0)
  return {
    incidents: { total: SEVERITIES.reduce((n, s) => n + bySeverity[s], 0), bySeverity },
    mtta: secondsDistribution(ack),
    mttr: secondsDistribution(restore),
    responseTime: {
      bySeverity: response,
      rate: ratio(
        SEVERITIES.reduce((n, s) => n + response[s].inTime, 0),
        responded,
      ),
    },
    updateCadence: { checked, kept, rate: ratio(kept, checked) },
    postmortems: {
      bySeverity: postmortems,
      meetsTargets:
        due.length === 0
          ? null
          : due.every((s) => (postmortems[s].rate ?? 0) >= (postmortems[s].target ?? 0)),
    },
    actionItems: { open, overdue },
    pages: {
      pages,
      weeks,
      teams: input.onCallTeams,
      people: input.onCallPeople,
      fromRota: input.fromRota,
      perTeamPerWeek: input.onCallTeams > 0 && weeks > 0 ? pages / input.onCallTeams / weeks : null,
      perPersonPerWeek: input.onCallPeople > 0 && weeks > 0 ? pages / input.onCallPeople / weeks : null,
    },
  }
}
