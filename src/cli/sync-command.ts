/** `engops sync`: pull every configured source (or one) from its API, incrementally. */
import type { Command } from 'commander'
import { suggestPeople } from '../engine/identity.js'
import { type SyncSummary, syncSources } from '../engine/sync.js'
import { json, out, withEngine } from './shell.js'

function describe(summary: SyncSummary): string {
  const counts = Object.entries(summary.events)
    .map(([type, n]) => `${n} ${type}`)
    .join(', ')
  const notes = summary.notes.map((note) => `; ${note}`).join('')
  const head = `${summary.source} (${summary.kind}): ${counts || 'nothing new'} in ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}${notes}`
  return summary.error ? `${head}\n  FAILED: ${summary.error}` : head
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('read the configured sources (GitHub, …) from their APIs; later runs read only what changed')
    .option('--source <id>', 'one source of engops.yaml sources:')
    .option('--since <date>', "how far back to read (overrides the sources' since for a first sync)")
    .option('--json', 'print a summary per source as JSON')
    .action(async (options: { source?: string; since?: string; json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        // Progress on a terminal only: one line, rewritten.
        const tty = Boolean(process.stderr.isTTY) && !options.json
        const progress = tty
          ? (line: string) => process.stderr.write(`\r\x1b[2K${line.slice(0, 160)}`)
          : undefined
        const summaries = await syncSources(engine, {
          ...(options.source ? { source: options.source } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(progress ? { progress } : {}),
        })
        if (tty) process.stderr.write('\r\x1b[2K')
        if (summaries.some((s) => s.error)) process.exitCode = 1
        if (options.json) return json(summaries)
        for (const summary of summaries) out(describe(summary))
        const unmapped = suggestPeople(engine.identities, await engine.store.authorCounts()).length
        if (unmapped > 0)
          out(
            `${unmapped} authors map to no person of the org file: engops people suggest drafts their entries`,
          )
      })
    })
}
