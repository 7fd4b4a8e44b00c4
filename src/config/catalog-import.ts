/**
 * Systems of record merged into the text of an org file: a Backstage catalog's groups, users and
 * components (`engops import backstage`), OpenSLO files' SLOs (`engops import openslo`); the
 * merge itself is merge-org.ts.
 */
import { catalogPatch, readCatalog } from '../connectors/backstage/catalog.js'
import { openSloEntries, readOpenSlo } from '../connectors/openslo/openslo.js'
import { type Merged, mergeIntoOrg } from './merge-org.js'

export interface CatalogImport extends Merged {
  read: { groups: number; users: number; components: number }
  notes: string[]
}

export async function importBackstage(
  text: string,
  file: string,
  location: string,
  env: NodeJS.ProcessEnv,
): Promise<CatalogImport> {
  const patch = catalogPatch(await readCatalog(location, env))
  const merged = mergeIntoOrg(text, file, {
    teams: { entries: patch.teams, defaultsForNew: patch.defaultsForNew.teams },
    people: { entries: patch.people },
    services: { entries: patch.services, defaultsForNew: patch.defaultsForNew.services },
  })
  return {
    ...merged,
    read: { groups: patch.teams.length, users: patch.people.length, components: patch.services.length },
    notes: patch.notes,
  }
}

export async function importOpenSlo(
  text: string,
  file: string,
  paths: readonly string[],
): Promise<Merged & { slos: number; notes: string[] }> {
  const { entries, notes } = openSloEntries(readOpenSlo(paths))
  return { ...mergeIntoOrg(text, file, { slos: { entries } }), slos: entries.length, notes }
}
