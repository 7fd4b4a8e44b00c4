/**
 * The rituals' clock inside a long-running process (`engops serve`, `engops run-schedules`): at
 * start (to catch up what was missed while down) and then at the top of every minute, the due
 * schedules run. Ticks never overlap; the clock is injected so tests can move it.
 */
import type { Engine } from '../engine/engine.js'
import { alertRules } from '../operating/alerts.js'
import { type AlertOutcome, evaluateAlerts } from './alerts.js'
import type { Deliverer } from './delivery.js'
import { runDueSchedules, type ScheduleOutcome } from './schedules.js'

const MINUTE = 60_000

export interface RunnerOptions {
  deliverer: Deliverer
  now?: () => number
  /** Told of every run (sent, failed, skipped, taken) and of a tick that failed. */
  report?: (outcome: ScheduleOutcome | { error: string }) => void
  /** Told of every alert sent. */
  alert?: (outcome: AlertOutcome) => void
}

export class RitualRunner {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false
  private readonly now: () => number
  /** When alerts were last evaluated, and on which data version. */
  private alertsAt = Number.NEGATIVE_INFINITY
  private alertsVersion = -1

  constructor(
    private readonly engine: Engine,
    private readonly options: RunnerOptions,
  ) {
    this.now = options.now ?? Date.now
  }

  /** Runs what is due now, then every minute. */
  start(): void {
    if (this.engine.org.schedules.length === 0 && alertRules(this.engine.org).length === 0) return
    void this.tick()
  }

  /**
   * Alerts are judged when data arrived (this process's writes and other processes', as the data
   * version shows) and every `everyMinutes` besides, for what time alone changes (a need-by date).
   */
  private async alertsIfDue(now: number): Promise<void> {
    const alerts = this.engine.org.alerts
    if (alerts === undefined || alertRules(this.engine.org).length === 0) return
    const everyMs = (alerts === 'default' ? 15 : alerts.everyMinutes) * MINUTE
    await this.engine.noticeOtherWriters()
    const version = this.engine.dataVersion
    if (version === this.alertsVersion && now - this.alertsAt < everyMs) return
    this.alertsAt = now
    this.alertsVersion = version
    for (const outcome of await evaluateAlerts(this.engine, this.options.deliverer, now))
      this.options.alert?.(outcome)
  }

  /** One pass over the schedules; a pass already under way is waited for instead. */
  tick(): Promise<void> {
    if (this.running) return this.running
    this.running = (async () => {
      try {
        for (const outcome of await runDueSchedules(this.engine, this.options.deliverer, this.now()))
          this.options.report?.(outcome)
        await this.alertsIfDue(this.now())
      } catch (error) {
        this.options.report?.({ error: (error as Error).message })
      } finally {
        this.running = null
        this.schedule()
      }
    })()
    return this.running
  }

  private schedule(): void {
    if (this.stopped) return
    const wait = MINUTE - (this.now() % MINUTE) + 50
    this.timer = setTimeout(() => void this.tick(), wait)
    this.timer.unref()
  }

  /** Stops the clock and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }
}
