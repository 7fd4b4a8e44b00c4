/**
 * How the server takes a webhook delivery it let in: stored at once when the store can take it
 * within the budget (well under the senders' own timeouts: GitHub gives up after 10 s), otherwise
 * spooled to disk and answered 202, then stored in arrival order as soon as the store is free.
 * While anything waits in the spool, new deliveries queue behind it, so a later status of a
 * deployment never lands before an earlier one.
 */
import type { AcceptedDelivery, Engine } from '../engine/engine.js'
import { EngopsError, formatDetail } from '../model/errors.js'
import { WebhookSpool } from './spool.js'

/** How long a delivery waits for a busy store before it is spooled (ms). */
export const WEBHOOK_BUSY_BUDGET_MS = 5_000

/** How long the spool waits before it tries a busy store again (ms). */
const RETRY_MS = 1_000

export type Intake =
  | { delivery: string; spooled: false; duplicate: boolean; stored: number }
  | { delivery: string; spooled: true; stored: 0 }

export interface IntakeOptions {
  /** The spool's folder. */
  dir: string
  busyBudgetMs?: number
  retryMs?: number
  /** Where a delivery set aside is told (stderr by default). */
  log?: (line: string) => void
}

export class WebhookIntake {
  readonly spool: WebhookSpool
  private readonly busyBudgetMs: number
  private readonly retryMs: number
  private readonly log: (line: string) => void
  private draining: Promise<void> | undefined
  /** Another drain was asked for while one ran: it goes round again. */
  private again = false
  private retry: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly engine: Engine,
    options: IntakeOptions,
  ) {
    this.spool = new WebhookSpool(options.dir)
    this.busyBudgetMs = options.busyBudgetMs ?? WEBHOOK_BUSY_BUDGET_MS
    this.retryMs = options.retryMs ?? RETRY_MS
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  }

  async take(accepted: AcceptedDelivery): Promise<Intake> {
    if (this.spool.depth() > 0) return this.queue(accepted)
    try {
      const stored = await this.engine.storeDelivery(accepted, { busyBudgetMs: this.busyBudgetMs })
      return { delivery: accepted.delivery, spooled: false, ...stored }
    } catch (error) {
      if (isBusy(error)) return this.queue(accepted)
      throw error
    }
  }

  /**
   * Stores what the spool holds, oldest first; resolves when it is empty or the store is busy
   * (then it tries again by itself). `engops serve` calls it at start for what an earlier process left.
   */
  drain(): Promise<void> {
    this.again = true
    this.draining ??= this.drainRounds().finally(() => {
      this.draining = undefined
    })
    return this.draining
  }

  /** No more retries (the server is closing); what is spooled stays for the next start. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.retry)
  }

  private queue(accepted: AcceptedDelivery): Intake {
    this.spool.append(accepted)
    void this.drain()
    return { delivery: accepted.delivery, spooled: true, stored: 0 }
  }

  private async drainRounds(): Promise<void> {
    while (this.again && !this.stopped) {
      this.again = false
      await this.drainOnce()
    }
  }

  private async drainOnce(): Promise<void> {
    for (let next = this.spool.oldest(); next && !this.stopped; next = this.spool.oldest()) {
      try {
        // The same short budget: a long wait would hold the process's connection from its readers.
        await this.engine.storeDelivery(next.delivery, { busyBudgetMs: this.busyBudgetMs })
        this.spool.remove(next.name)
      } catch (error) {
        if (!(error instanceof EngopsError) || isBusy(error)) {
          // Busy, or the store unreachable for now: the delivery keeps its place.
          clearTimeout(this.retry)
          this.retry = setTimeout(() => void this.drain(), this.retryMs)
          this.retry.unref()
          return
        }
        // The store refuses it for good (say, a newer version validates it differently): it must
        // not block every delivery behind it.
        this.spool.setAside(next.name, [error.message, ...error.details.map(formatDetail)].join('\n'))
        this.log(
          `webhook delivery ${next.delivery.delivery} set aside in ${this.spool.setAsideDir}: ${error.message}`,
        )
      }
    }
  }
}

const isBusy = (error: unknown) => error instanceof EngopsError && error.code === 'BUSY'
