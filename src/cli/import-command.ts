/**
 * `engops import backstage` and `engops import openslo`: a software catalog, or SLO definitions,
 * merged into engops.yaml. The change is shown as a diff and written only with `--write`, so the
 * org file stays the one reviewed source of truth.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { importBackstage, importOpenSlo } from '../config/catalog-import.js'
import { CONFIG_FILE_NAME } from '../config/load-config.js'
import type { Merged } from '../config/merge-org.js'
import { EngopsError } from '../model/errors.js'
import { type GlobalOptions, out } from './shell.js'

export function registerCatalogImports(imports: Command): void {
  imports
    .command('backstage <location>')
    .description(
      'a Backstage catalog (catalog-info.yaml, a folder of them, or a backend URL): groups, users and components into engops.yaml',
    )
    .option('--write', 'apply the change to engops.yaml (without it, only the diff is shown)')
    .action(async (location: string, options: { write?: boolean }, command: Command) => {
      const file = orgFileOf(command)
      const merged = await importBackstage(readOrg(file), file, location, process.env)
      const { groups, users, components } = merged.read
      const summary = `${merged.added} added, ${merged.updated} updated (${groups} groups, ${users} users, ${components} components read)`
      show(file, merged, summary, merged.notes, options.write)
    })

  imports
    .command('openslo <paths...>')
    .description('OpenSLO v1 files (or folders of them): their SLOs into the slos: of engops.yaml')
    .option('--write', 'apply the change to engops.yaml (without it, only the diff is shown)')
    .action(async (paths: string[], options: { write?: boolean }, command: Command) => {
      const file = orgFileOf(command)
      const merged = await importOpenSlo(readOrg(file), file, paths)
      const summary = `${merged.added} added, ${merged.updated} updated (${merged.slos} SLOs read)`
      show(file, merged, summary, merged.notes, options.write)
    })
}

const orgFileOf = (command: Command) => command.optsWithGlobals<GlobalOptions>().config ?? CONFIG_FILE_NAME

function readOrg(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    throw new EngopsError('CONFIG_NOT_FOUND', `${file}: not found (run engops init first, or give --config)`)
  }
}

/** The diff and what it would do; written with --write. */
function show(file: string, merged: Merged, summary: string, notes: readonly string[], write = false): void {
  for (const note of notes) out(note)
  if (!merged.diff) {
    out(`${file} already matches: ${summary}`)
    return
  }
  out(merged.diff.trimEnd())
  if (!write) {
    out(`${summary}; nothing written: run again with --write to apply`)
    return
  }
  writeFileSync(file, merged.text)
  out(`${file}: ${summary}`)
}
