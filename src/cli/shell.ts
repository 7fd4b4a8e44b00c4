/**
 * What every command shares: the global options, printing, and an engine opened for the
 * command and closed after it.
 */
import type { Command } from 'commander'
import { Engine } from '../engine/engine.js'
import { alertRules } from '../operating/alerts.js'
import { alertLine, evaluateAlerts } from '../rituals/alerts.js'
import { Deliverer, QUICK_RETRY } from '../rituals/delivery.js'

export interface GlobalOptions {
  config?: string
  db?: string
  /** false with --no-alerts: a command that wrote data does not judge the alerts after. */
  alerts?: boolean
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

export function json(value: unknown): void {
  out(JSON.stringify(value, null, 2))
}

export async function withEngine<T>(command: Command, work: (engine: Engine) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>()
  const engine = await Engine.open({ config: options.config, db: options.db })
  try {
    const before = engine.dataVersion
    const result = await work(engine)
    if (engine.dataVersion !== before && options.alerts !== false) await alertsOnArrival(engine)
    return result
  } finally {
    await engine.close()
  }
}

/**
 * Data arrived (an ingest, an import, a sync, a check-in): the alert rules are judged at once, so
 * a KPI that turned red says so now rather than at the server's next look. Said on stderr, so a
 * command's --json stays clean; a failure here never fails the command that wrote the data.
 */
async function alertsOnArrival(engine: Engine): Promise<void> {
  if (alertRules(engine.org).length === 0) return
  try {
    for (const outcome of await evaluateAlerts(
      engine,
      new Deliverer(engine, undefined, QUICK_RETRY),
      Date.now(),
    ))
      process.stderr.write(`${alertLine(outcome)}\n`)
  } catch (error) {
    process.stderr.write(`alerts: ${(error as Error).message}\n`)
  }
}
