/**
 * `catalog: { backstage: path }` in engops.yaml: the Backstage catalog as a live source of teams,
 * people and services, read each time the org file is loaded instead of copied into it (`engops
 * import backstage` copies). The catalog's entries are mapped as the import maps them; an entry of
 * the org file with the same id keeps every field it sets (the file is where engops-only fields
 * such as a team's type or a service's tier and SLOs live), and the catalog's other entries are
 * added after the file's, with the import's defaults for what Backstage does not know.
 */
import { dirname, resolve } from 'node:path'
import { catalogPatch, type Entry, readCatalogFiles } from '../connectors/backstage/catalog.js'
import { EngopsError } from '../model/errors.js'

const SECTIONS = ['teams', 'people', 'services'] as const
const KIND = { teams: 'Group', people: 'User', services: 'Component' } as const

/** Where an entry of the merged org came from, when not from the file: the catalog and the entity. */
export type CatalogPlace = (
  path: readonly (string | number)[],
) => { file: string; entity: string } | undefined

export function withLiveCatalog(
  raw: Record<string, unknown>,
  file: string,
  line: number | undefined,
): { raw: Record<string, unknown>; placeOf: CatalogPlace } {
  const catalog = raw.catalog as { backstage?: unknown } | undefined
  if (!catalog || typeof catalog.backstage !== 'string') return { raw, placeOf: () => undefined }
  const location = resolve(dirname(file), catalog.backstage)
  let patch: ReturnType<typeof catalogPatch>
  try {
    patch = catalogPatch(readCatalogFiles(location))
  } catch (error) {
    throw new EngopsError('CONFIG_INVALID', `${file}: the catalog cannot be read`, [
      { file, line, path: 'catalog.backstage', message: (error as Error).message },
    ])
  }
  const merged: Record<string, unknown> = { ...raw }
  const added = new Map<string, Map<number, string>>()
  for (const section of SECTIONS) {
    const own = Array.isArray(raw[section]) ? (raw[section] as Record<string, unknown>[]) : []
    const byId = new Map(own.map((entry, k) => [entry?.id, k]))
    const entries = [...own]
    const fromCatalog = new Map<number, string>()
    const defaults = section === 'people' ? {} : patch.defaultsForNew[section]
    for (const entry of patch[section] as Entry[]) {
      const at = byId.get(entry.id)
      if (at !== undefined) entries[at] = { ...entry, ...own[at] }
      else {
        fromCatalog.set(entries.length, `${KIND[section]} ${entry.id}`)
        entries.push({ ...defaults, ...entry })
      }
    }
    merged[section] = entries
    added.set(section, fromCatalog)
  }
  return {
    raw: merged,
    placeOf: ([section, index]) => {
      const entity = typeof index === 'number' ? added.get(String(section))?.get(index) : undefined
      return entity ? { file: location, entity } : undefined
    },
  }
}
