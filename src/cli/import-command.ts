/**
 * `engops import backstage`: a software catalog merged into engops.yaml. The change is shown as a
 * diff and written only with `--write`, so the org file stays the one reviewed source of truth.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { importBackstage } from '../config/catalog-import.js'
import { CONFIG_FILE_NAME } from '../config/load-config.js'
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
      const file = command.optsWithGlobals<GlobalOptions>().config ?? CONFIG_FILE_NAME
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        throw new EngopsError(
          'CONFIG_NOT_FOUND',
          `${file}: not found (run engops init first, or give --config)`,
        )
      }
      const merged = await importBackstage(text, file, location, process.env)
      const { groups, users, components } = merged.read
      const summary = `${merged.added} added, ${merged.updated} updated (${groups} groups, ${users} users, ${components} components read)`
      for (const note of merged.notes) out(note)
      if (!merged.diff) return out(`${file} already matches the catalog: ${summary}`)
      out(merged.diff.trimEnd())
      if (!options.write) return out(`${summary}; nothing written: run again with --write to apply`)
      writeFileSync(file, merged.text)
      out(
        `${file}: ${summary}; new teams are stream-aligned and new services tier 3 unless the catalog's engops.dev/team-type and engops.dev/tier annotations say`,
      )
    })
}
