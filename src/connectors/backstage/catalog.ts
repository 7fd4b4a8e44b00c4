/**
 * A Backstage software catalog as org-file entries: Group → team (name, parent, members), User →
 * person (name, email, team from `memberOf`), Component → service (owner, system, lifecycle, the
 * repository from `github.com/project-slug` or `gitlab.com/project-slug`). What Backstage does not
 * know engops asks for with defaults it states: a new team's type (`engops.dev/team-type`
 * annotation, else stream-aligned), a new service's tier (`engops.dev/tier`, else 3).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { EngopsError } from '../../model/errors.js'
import { type Json, obj } from '../connector.js'
import { restClient } from '../http.js'

export type Entry = Record<string, unknown> & { id: string }

/** Org-file entries to add or update, by section, and what the user should know. */
export interface OrgPatch {
  teams: Entry[]
  people: Entry[]
  services: Entry[]
  /** Fields given only when the entry is new (a default engops needs that Backstage lacks). */
  defaultsForNew: { teams: Record<string, unknown>; services: Record<string, unknown> }
  notes: string[]
}

/** `group:default/team-a` → `team-a`, as an engops id (lower case; other characters become `-`). */
export function refName(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || ref.trim() === '') return undefined
  const name = ref.replace(/^[a-z]+:/i, '').replace(/^[^/]*\//, '')
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

const TEAM_TYPES = ['stream-aligned', 'platform', 'enabling', 'complicated-subsystem']
const LIFECYCLES = ['production', 'experimental', 'deprecated']

export function catalogPatch(entities: readonly Json[]): OrgPatch {
  const patch: OrgPatch = {
    teams: [],
    people: [],
    services: [],
    defaultsForNew: { teams: { type: 'stream-aligned' }, services: { tier: 3 } },
    notes: [],
  }
  const skipped = new Map<string, number>()
  for (const entity of entities) {
    const metadata = obj(entity.metadata)
    const spec = obj(entity.spec)
    const annotations = obj(metadata.annotations)
    const id = refName(metadata.name)
    if (!id) continue
    const title = typeof metadata.title === 'string' ? metadata.title : undefined
    switch (String(entity.kind).toLowerCase()) {
      case 'group': {
        const type = annotations['engops.dev/team-type']
        const members = (Array.isArray(spec.members) ? spec.members : []).map(refName).filter(Boolean)
        patch.teams.push({
          id,
          name: obj(spec.profile).displayName ?? title ?? metadata.name,
          ...(typeof type === 'string' && TEAM_TYPES.includes(type) ? { type } : {}),
          ...(members.length > 0 ? { members } : {}),
          ...(refName(spec.parent) ? { parent: refName(spec.parent) } : {}),
        })
        break
      }
      case 'user': {
        const profile = obj(spec.profile)
        const team = refName((Array.isArray(spec.memberOf) ? spec.memberOf : [])[0])
        patch.people.push({
          id,
          name: profile.displayName ?? title ?? metadata.name,
          ...(typeof profile.email === 'string' ? { emails: [profile.email] } : {}),
          ...(team ? { team } : {}),
        })
        break
      }
      case 'component': {
        const slug = annotations['github.com/project-slug'] ?? annotations['gitlab.com/project-slug']
        const tier = Number(annotations['engops.dev/tier'])
        const lifecycle = String(spec.lifecycle ?? '')
        patch.services.push({
          id,
          ...(title ? { name: title } : {}),
          ...(refName(spec.owner) ? { owner: refName(spec.owner) } : {}),
          ...(Number.isInteger(tier) && tier >= 1 && tier <= 4 ? { tier } : {}),
          ...(typeof slug === 'string' ? { repositories: [slug.split('/').at(-1)] } : {}),
          ...(refName(spec.system) ? { system: refName(spec.system) } : {}),
          ...(LIFECYCLES.includes(lifecycle) ? { lifecycle } : {}),
        })
        break
      }
      default:
        skipped.set(String(entity.kind), (skipped.get(String(entity.kind)) ?? 0) + 1)
    }
  }
  if (skipped.size > 0)
    patch.notes.push(
      `not mapped: ${[...skipped].map(([kind, n]) => `${n} ${kind}`).join(', ')} (engops reads Group, User and Component; a System is a service's \`system\`)`,
    )
  return patch
}

/**
 * The entities at a location: a catalog file (several YAML documents), a folder of them (every
 * `.yaml` / `.yml` below it), or the URL of a Backstage backend (`/api/catalog/entities`, with
 * `$BACKSTAGE_TOKEN` as a bearer token when set).
 */
export async function readCatalog(location: string, env: NodeJS.ProcessEnv): Promise<Json[]> {
  if (/^https?:\/\//.test(location)) {
    const token = env.BACKSTAGE_TOKEN
    const rest = restClient({
      product: 'Backstage',
      source: 'backstage',
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      unauthorized: 'set BACKSTAGE_TOKEN to a token the catalog accepts',
      progress: () => undefined,
    })
    const base = location.replace(/\/$/, '').replace(/\/api\/catalog\/entities$/, '')
    const body = (await (await rest.get(`${base}/api/catalog/entities`)).json()) as unknown
    if (!Array.isArray(body))
      throw new EngopsError('USAGE', `${location}: the catalog did not answer a list of entities`)
    return body.map(obj)
  }
  return readCatalogFiles(location)
}

/** The entities of a catalog file (several YAML documents) or of every `.yaml` / `.yml` below a folder. */
export function readCatalogFiles(location: string): Json[] {
  let isDirectory: boolean
  try {
    isDirectory = statSync(location).isDirectory()
  } catch {
    throw new EngopsError('USAGE', `${location}: no such file or folder`)
  }
  const files = isDirectory ? yamlFiles(location) : [location]
  return files.flatMap((file) => {
    const entities: Json[] = []
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if ('errors' in doc && doc.errors.length > 0) {
        const [error] = doc.errors
        throw new EngopsError(
          'USAGE',
          `${file}:${error?.linePos?.[0]?.line ?? 1}: not YAML (${error?.message.split('\n')[0]})`,
        )
      }
      const value = doc.toJS() as unknown
      if (value && typeof value === 'object' && 'kind' in value) entities.push(value as Json)
    }
    return entities
  })
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory())
        return entry.name.startsWith('.') || entry.name === 'node_modules' ? [] : yamlFiles(path)
      return /\.ya?ml$/.test(entry.name) ? [path] : []
    })
}
