/** `engops doctor`: the whole setup checked at once; exit 0 when healthy, 1 otherwise. */
import type { Command } from 'commander'
import { type DoctorStatus, doctor } from '../engine/doctor.js'
import { json, out, withEngine } from './shell.js'

/** The target-status words (README "Status words"): a warning is to watch, a failure to act on, information n/a. */
const MARK: Record<DoctorStatus, string> = {
  ok: '[ok]   ',
  warn: '[watch]',
  fail: '[act]  ',
  info: '[n/a]  ',
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check the whole setup: repositories and services, deployments, identities, sources, data per metric family, policy gates; exit 1 unless healthy',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const report = await doctor(engine, Date.now())
        if (options.json) json(report)
        else {
          for (const f of report.findings) {
            out(`${MARK[f.status]} ${f.check}: ${f.message}`)
            if (f.fix && f.status !== 'ok') out(`       → ${f.fix}`)
          }
          out(report.healthy ? 'healthy' : 'not healthy: see [watch] and [act] above')
        }
        if (!report.healthy) process.exitCode = 1
      })
    })
}
