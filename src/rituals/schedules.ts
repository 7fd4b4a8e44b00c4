/**
 * Scheduled reports: which slot of each schedule is due, claiming it in the store (so of several
 * servers on one store exactly one sends it), building the report as of the slot and sending it.
 *
 * Only a schedule's latest due slot runs: a process that was down over several slots sends one
 * report when it comes back, not one per slot missed. A schedule engops has never run catches up
 * a slot at most FIRST_RUN_GRACE_MS old; an older one is recorded as skipped, so the schedule's
 * history starts there and a later outage is caught up.
 */
import type { Engine } from '../engine/engine.js'
import { EngopsError } from '../model/errors.js'
import type { Destination, Schedule } from '../model/org.js'
import { buildReport, renderReport } from '../report/catalog.js'
import type { Report } from '../report/model.js'
import { latestSlot, localTime, nextSlots } from './cron.js'
import type { Deliverer, DeliveryResult } from './delivery.js'
import { type Message, reportMessage } from './message.js'

export const FIRST_RUN_GRACE_MS = 60 * 60_000

export type ScheduleOutcome =
  | {
      schedule: string
      slot: number
      status: 'sent' | 'failed'
      deliveries: DeliveryResult[]
      detail: string
    }
  | { schedule: string; slot: number; status: 'skipped' | 'taken'; detail: string }

function destinationsOf(engine: Engine, schedule: Schedule): Destination[] {
  return schedule.to.map((id) => {
    const destination = engine.org.destinations.find((d) => d.id === id)
    if (!destination)
      throw new EngopsError('CONFIG_INVALID', `schedule ${schedule.id}: unknown destination "${id}"`)
    return destination
  })
}

/** Links of a message: the dashboard (scoped like the report) and the report's HTML through the API. */
export function dashboardLinks(engine: Engine, path: string, params: Record<string, string | undefined>) {
  const base = engine.org.org.dashboardUrl?.replace(/\/+$/, '')
  if (!base) return { dashboard: null, api: (_: string) => null }
  const search = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  )
  const query = search.toString()
  return {
    dashboard: `${base}/#${path}${query ? `?${query}` : ''}`,
    api: (apiPath: string) => `${base}${apiPath}`,
  }
}

function scheduleMessage(engine: Engine, schedule: Schedule, report: Report, slot: number): Message {
  const links = dashboardLinks(engine, '/', { team: schedule.team })
  const query = new URLSearchParams({
    format: 'html',
    at: new Date(slot).toISOString(),
    ...(schedule.team ? { team: schedule.team } : {}),
  })
  const argument =
    schedule.report === 'team' ? schedule.team : schedule.report === 'scorecard' ? schedule.role : undefined
  if (argument) query.set('argument', argument)
  const full = links.api(`/api/reports/${schedule.report}?${query}`)
  return reportMessage(report, {
    subject: `schedule ${schedule.id} ${new Date(slot).toISOString()}`,
    links: [
      ...(full ? [{ label: 'Full report', url: full }] : []),
      ...(links.dashboard ? [{ label: 'Dashboard', url: links.dashboard }] : []),
    ],
    body: { format: schedule.format, text: renderReport(report, schedule.format) },
  })
}

/** Builds the schedule's report as of `slot` and sends it to its destinations. */
export async function sendSchedule(engine: Engine, deliverer: Deliverer, schedule: Schedule, slot: number) {
  const report = await buildReport(engine, {
    name: schedule.report,
    argument: schedule.report === 'team' ? schedule.team : schedule.role,
    team: schedule.report === 'team' ? undefined : schedule.team,
    now: slot,
  })
  return deliverer.deliverAll(
    destinationsOf(engine, schedule),
    scheduleMessage(engine, schedule, report, slot),
  )
}

/** Runs the slot of `schedule` due at `at`, if it has not run: null when nothing is due. */
export async function runIfDue(
  engine: Engine,
  deliverer: Deliverer,
  schedule: Schedule,
  at: number,
): Promise<ScheduleOutcome | null> {
  const slot = latestSlot(schedule.cron, engine.org.org.timezone, at)
  if (slot === null) return null
  const [last] = await engine.ledger.runs(schedule.id, 1)
  if (last && last.slot >= slot) return null
  if (!last && at - slot > FIRST_RUN_GRACE_MS) {
    const detail = 'the slot came before engops ran this schedule'
    if (await engine.ledger.claimRun(schedule.id, slot, at, 'skipped'))
      await engine.ledger.finishRun(schedule.id, slot, 'skipped', at, detail)
    return { schedule: schedule.id, slot, status: 'skipped', detail }
  }
  if (!(await engine.ledger.claimRun(schedule.id, slot, at)))
    return { schedule: schedule.id, slot, status: 'taken', detail: 'another engops process runs it' }
  let deliveries: DeliveryResult[]
  try {
    deliveries = await sendSchedule(engine, deliverer, schedule, slot)
  } catch (error) {
    const detail = `the report failed: ${(error as Error).message}`
    await engine.ledger.finishRun(schedule.id, slot, 'failed', Date.now(), detail)
    return { schedule: schedule.id, slot, status: 'failed', deliveries: [], detail }
  }
  const failed = deliveries.filter((d) => !d.ok)
  const detail =
    failed.length === 0
      ? `sent to ${deliveries.map((d) => d.destination).join(', ')}`
      : failed
          .map((d) => `${d.destination}: ${d.error} (${d.attempts} tries; dead letter ${d.deadLetter})`)
          .join('; ')
  const status = failed.length === 0 ? 'sent' : 'failed'
  await engine.ledger.finishRun(schedule.id, slot, status, Date.now(), detail)
  return { schedule: schedule.id, slot, status, deliveries, detail }
}

/** Runs every enabled schedule's due slot, one schedule after another. */
export async function runDueSchedules(
  engine: Engine,
  deliverer: Deliverer,
  at: number,
): Promise<ScheduleOutcome[]> {
  const outcomes: ScheduleOutcome[] = []
  for (const schedule of engine.org.schedules.filter((s) => s.enabled)) {
    const outcome = await runIfDue(engine, deliverer, schedule, at)
    if (outcome) outcomes.push(outcome)
  }
  return outcomes
}

export interface ScheduleListing {
  id: string
  report: string
  cron: string
  timeZone: string
  to: string[]
  enabled: boolean
  next: number[]
  last: { slot: number; status: string; detail: string | null } | null
}

/** Every schedule with its next runs and its last one, for `engops schedules`. */
export async function listSchedules(engine: Engine, at: number, count = 3): Promise<ScheduleListing[]> {
  const timeZone = engine.org.org.timezone
  return Promise.all(
    engine.org.schedules.map(async (schedule) => {
      const [last] = await engine.ledger.runs(schedule.id, 1)
      return {
        id: schedule.id,
        report: schedule.report,
        cron: schedule.cron,
        timeZone,
        to: schedule.to,
        enabled: schedule.enabled,
        next: schedule.enabled ? nextSlots(schedule.cron, timeZone, at, count) : [],
        last: last ? { slot: last.slot, status: last.status, detail: last.detail } : null,
      }
    }),
  )
}

/** One line per run, as `engops serve` and `engops run-schedules` print it. */
export function outcomeLine(outcome: ScheduleOutcome | { error: string }, timeZone: string): string {
  if ('error' in outcome) return `schedules: ${outcome.error}`
  return `schedule ${outcome.schedule} (${localTime(outcome.slot, timeZone)}): ${outcome.status}: ${outcome.detail}`
}
