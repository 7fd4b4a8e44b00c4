/**
 * The bookkeeping of the rituals: which schedule slots ran, the state of each alert, and the
 * messages that could not be delivered. Each call is one statement, atomic on its own, so two
 * processes on one store agree without a lock held across a send: whoever inserts a run's slot
 * (or moves an alert's last-sent time) is the one that sends. None of it is data, so the data
 * version (and every cache keyed by it) stays.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export type RunStatus = 'claimed' | 'sent' | 'failed' | 'skipped'

export interface ScheduleRun {
  schedule: string
  slot: number
  status: RunStatus
  claimedAt: number
  finishedAt: number | null
  detail: string | null
}

export type AlertStatus = 'firing' | 'resolved'

export interface AlertState {
  key: string
  rule: string
  status: AlertStatus
  severity: string
  openedAt: number
  lastSentAt: number | null
  resolvedAt: number | null
  detail: string
}

export interface DeadLetter {
  id: string
  destination: string
  subject: string
  attempts: number
  error: string
  payload: string
  at: number
}

export class RitualLedger {
  constructor(private readonly db: Kysely<Database>) {}

  /** Claims a schedule's slot: true for the one caller that inserted it. */
  async claimRun(
    schedule: string,
    slot: number,
    at: number,
    status: RunStatus = 'claimed',
  ): Promise<boolean> {
    const result = await this.db
      .insertInto('schedule_runs')
      .values({ schedule, slot, status, claimed_at: at, finished_at: null, detail: null })
      .onConflict((conflict) => conflict.columns(['schedule', 'slot']).doNothing())
      .executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async finishRun(schedule: string, slot: number, status: RunStatus, at: number, detail: string | null) {
    await this.db
      .updateTable('schedule_runs')
      .set({ status, finished_at: at, detail })
      .where('schedule', '=', schedule)
      .where('slot', '=', slot)
      .execute()
  }

  /** A schedule's runs, the latest first. */
  async runs(schedule: string, limit = 20): Promise<ScheduleRun[]> {
    const rows = await this.db
      .selectFrom('schedule_runs')
      .selectAll()
      .where('schedule', '=', schedule)
      .orderBy('slot', 'desc')
      .limit(limit)
      .execute()
    return rows.map((row) => ({
      schedule: row.schedule,
      slot: Number(row.slot),
      status: row.status as RunStatus,
      claimedAt: Number(row.claimed_at),
      finishedAt: row.finished_at === null ? null : Number(row.finished_at),
      detail: row.detail,
    }))
  }

  async alertStates(): Promise<AlertState[]> {
    const rows = await this.db.selectFrom('alert_states').selectAll().orderBy('key').execute()
    return rows.map((row) => ({
      key: row.key,
      rule: row.rule,
      status: row.status as AlertStatus,
      severity: row.severity,
      openedAt: Number(row.opened_at),
      lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at),
      resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
      detail: row.detail,
    }))
  }

  /**
   * Claims an alert's message, saying which: `opened` (new, or firing again after it resolved),
   * `changed` (its severity moved: sent at once), `repeated` (firing past its quiet period), or
   * null when another process sent it or it is inside its quiet period.
   */
  async claimFiring(alert: {
    key: string
    rule: string
    severity: string
    at: number
    quietMs: number
    detail: string
  }): Promise<'opened' | 'changed' | 'repeated' | null> {
    const { key, rule, severity, at, detail } = alert
    const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1
    const opened = await this.db
      .insertInto('alert_states')
      .values({
        key,
        rule,
        status: 'firing',
        severity,
        opened_at: at,
        last_sent_at: at,
        resolved_at: null,
        detail,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst()
    if (Number(opened.numInsertedOrUpdatedRows ?? 0) === 1) return 'opened'
    const firing = this.db.updateTable('alert_states').where('key', '=', key)
    const sent = { last_sent_at: at, severity, detail }
    if (
      changed(
        await firing
          .set({ ...sent, status: 'firing', opened_at: at, resolved_at: null })
          .where('status', '=', 'resolved')
          .executeTakeFirst(),
      )
    )
      return 'opened'
    if (
      changed(
        await firing
          .set(sent)
          .where('status', '=', 'firing')
          .where('severity', '<>', severity)
          .executeTakeFirst(),
      )
    )
      return 'changed'
    if (
      changed(
        await firing
          .set(sent)
          .where('status', '=', 'firing')
          .where('last_sent_at', '<=', at - alert.quietMs)
          .executeTakeFirst(),
      )
    )
      return 'repeated'
    // Still firing inside its quiet period: keep what it looks like now, send nothing.
    await firing.set({ detail }).execute()
    return null
  }

  /** Claims the "resolved" message of a firing alert: true for the one caller that resolved it. */
  async claimResolved(key: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('alert_states')
      .set({ status: 'resolved', resolved_at: at })
      .where('key', '=', key)
      .where('status', '=', 'firing')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async addDeadLetter(letter: Omit<DeadLetter, 'id'>): Promise<string> {
    const id = randomUUID()
    await this.db
      .insertInto('dead_letters')
      .values({ id, ...letter })
      .execute()
    return id
  }

  async removeDeadLetter(id: string): Promise<void> {
    await this.db.deleteFrom('dead_letters').where('id', '=', id).execute()
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const rows = await this.db.selectFrom('dead_letters').selectAll().orderBy('at').orderBy('id').execute()
    return rows.map((row) => ({ ...row, attempts: Number(row.attempts), at: Number(row.at) }))
  }
}
