/**
 * `engops schedules`, `engops run-schedules` and `engops dead-letters`: the scheduled reports'
 * next runs, running what is due (once, for a system cron or a CI job, or in the foreground),
 * and the messages that could not be delivered.
 */
import type { Command } from 'commander'
import { Engine } from '../engine/engine.js'
import { EngopsError } from '../model/errors.js'
import { alertLine, evaluateAlerts } from '../rituals/alerts.js'
import { localTime } from '../rituals/cron.js'
import { Deliverer, retryDeadLetters } from '../rituals/delivery.js'
import { RitualRunner } from '../rituals/runner.js'
import { listSchedules, outcomeLine, runDueSchedules } from '../rituals/schedules.js'
import { type GlobalOptions, json, out, withEngine } from './shell.js'

function instant(engine: Engine, at: string | undefined): number {
  return at === undefined ? Date.now() : engine.parseInstant(at, '--at')
}

export function registerRitualCommands(program: Command): void {
  program
    .command('schedules')
    .description('the scheduled reports of engops.yaml with their next runs (org time zone) and last run')
    .option('--at <time>', 'list the runs after this instant (default: now)')
    .option('--count <n>', 'next runs to list per schedule', '3')
    .option('--json', 'print JSON')
    .action(async (options: { at?: string; count: string; json?: boolean }, command: Command) => {
      const count = Number(options.count)
      if (!Number.isInteger(count) || count < 1 || count > 100)
        throw new EngopsError('USAGE', `--count must be 1–100, got "${options.count}"`)
      await withEngine(command, async (engine) => {
        const listing = await listSchedules(engine, instant(engine, options.at), count)
        if (options.json) return json(listing)
        if (listing.length === 0)
          return out(
            'no schedules (add schedules: and destinations: to engops.yaml; see the README, "Schedules")',
          )
        for (const s of listing) {
          out(
            `${s.id}  ${s.report}  "${s.cron}" (${s.timeZone}) → ${s.to.join(', ')}${s.enabled ? '' : '  [off]'}`,
          )
          if (s.next.length > 0) out(`  next: ${s.next.map((at) => localTime(at, s.timeZone)).join(', ')}`)
          out(
            `  last: ${s.last ? `${localTime(s.last.slot, s.timeZone)} ${s.last.status}${s.last.detail ? ` (${s.last.detail})` : ''}` : 'never'}`,
          )
        }
      })
    })

  program
    .command('run-schedules')
    .description(
      'run the scheduled reports that are due: --once for a system cron or CI job, else every minute until stopped',
    )
    .option('--once', 'run what is due now and exit (exit 1 when a delivery failed)')
    .option('--at <time>', 'with --once: run what is due at this instant instead of now')
    .option('--json', 'with --once: print the runs as JSON')
    .action(async (options: { once?: boolean; at?: string; json?: boolean }, command: Command) => {
      if (!options.once && options.at) throw new EngopsError('USAGE', '--at needs --once')
      const globals = command.optsWithGlobals<GlobalOptions>()
      const engine = await Engine.open({ config: globals.config, db: globals.db })
      const zone = engine.org.org.timezone
      try {
        const deliverer = new Deliverer(engine)
        if (options.once) {
          const outcomes = await runDueSchedules(engine, deliverer, instant(engine, options.at))
          if (options.json) json(outcomes)
          else if (outcomes.length === 0) out('nothing due')
          else for (const outcome of outcomes) out(outcomeLine(outcome, zone))
          if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1
          return
        }
        const runner = new RitualRunner(engine, {
          deliverer,
          report: (o) => out(outcomeLine(o, zone)),
          alert: (o) => out(alertLine(o)),
        })
        runner.start()
        out(`running ${engine.org.schedules.length} schedules (${zone}); stop with Ctrl-C`)
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
        await runner.stop()
      } finally {
        await engine.close()
      }
    })

  program
    .command('alerts')
    .description(
      'the alerts engops keeps (firing and resolved); --evaluate judges the rules now and sends what changed',
    )
    .option(
      '--evaluate',
      'evaluate the alert rules now (or --at) and send what opened, changed, repeats or resolved',
    )
    .option('--at <time>', 'with --evaluate: judge as of this instant')
    .option('--json', 'print JSON')
    .action(async (options: { evaluate?: boolean; at?: string; json?: boolean }, command: Command) => {
      if (!options.evaluate && options.at) throw new EngopsError('USAGE', '--at needs --evaluate')
      await withEngine(command, async (engine) => {
        if (options.evaluate) {
          const outcomes = await evaluateAlerts(engine, new Deliverer(engine), instant(engine, options.at))
          if (options.json) return json(outcomes)
          if (outcomes.length === 0) out('no alert to send')
          for (const outcome of outcomes) out(alertLine(outcome))
          if (outcomes.some((o) => o.deliveries.some((d) => !d.ok))) process.exitCode = 1
          return
        }
        const states = await engine.ledger.alertStates()
        if (options.json) return json(states.map((s) => ({ ...s, detail: JSON.parse(s.detail) })))
        if (states.length === 0)
          return out('no alerts yet (alerts: in engops.yaml; see the README, "Alerts")')
        const zone = engine.org.org.timezone
        for (const s of states) {
          const title = (JSON.parse(s.detail) as { title: string }).title
          const since =
            s.status === 'firing'
              ? `since ${localTime(s.openedAt, zone)}`
              : `resolved ${localTime(s.resolvedAt ?? s.openedAt, zone)}`
          out(
            `${s.status === 'firing' ? (s.severity === 'critical' ? '[act]  ' : '[watch]') : '[ok]   '} ${title} (${since})`,
          )
        }
      })
    })

  program
    .command('dead-letters')
    .description('messages of schedules and alerts that could not be delivered after the last try')
    .option('--retry [id]', 'send them (or the one with this id) again; those delivered are removed')
    .option('--json', 'print JSON')
    .action(async (options: { retry?: string | true; json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        if (options.retry !== undefined) {
          const results = await retryDeadLetters(
            engine,
            new Deliverer(engine),
            options.retry === true ? undefined : options.retry,
          )
          if (options.json) return json(results)
          if (results.length === 0) out('no dead letters')
          for (const r of results)
            out(
              `${r.letter}  ${r.destination}: ${r.ok ? 'delivered' : `failed again after ${r.attempts} tries: ${r.error}`}`,
            )
          if (results.some((r) => !r.ok)) process.exitCode = 1
          return
        }
        const letters = await engine.ledger.deadLetters()
        if (options.json) return json(letters.map((l) => ({ ...l, payload: JSON.parse(l.payload) })))
        if (letters.length === 0) return out('no dead letters')
        for (const l of letters)
          out(
            `${new Date(l.at).toISOString()}  ${l.destination}  ${l.subject}  after ${l.attempts} tries: ${l.error}`,
          )
      })
    })
}
