/**
 * What a question is about: the whole organization, one team (the services it owns) or one
 * service. Which services and repositories a scope covers is decided here and nowhere else.
 */
import { EngopsError } from './errors.js'
import { type OrgFile, type Service, serviceRepositories } from './org.js'

export type Scope = { kind: 'org' } | { kind: 'team'; id: string } | { kind: 'service'; id: string }

/** The services of a scope: all of them, a team's own, or the one. */
export function servicesOf(org: OrgFile, scope: Scope): Service[] {
  switch (scope.kind) {
    case 'org':
      return org.services
    case 'team':
      return org.services.filter((s) => s.owner === scope.id)
    case 'service':
      return org.services.filter((s) => s.id === scope.id)
  }
}

/** The names of the repositories the services of a scope deploy. */
export function repositoriesOf(org: OrgFile, scope: Scope): Set<string> {
  return new Set(servicesOf(org, scope).flatMap((s) => serviceRepositories(s).map((r) => r.name)))
}

/** The scope of `--team` or `--service` (neither: the organization); an unknown id is NOT_FOUND, naming the known ones. */
export function resolveScope(org: OrgFile, query: { team?: string; service?: string }): Scope {
  if (query.team && query.service) throw new EngopsError('USAGE', 'give --team or --service, not both')
  if (query.team) {
    if (!org.teams.some((team) => team.id === query.team)) {
      const known = org.teams.map((team) => team.id).join(', ') || 'none'
      throw new EngopsError('NOT_FOUND', `unknown team "${query.team}" (teams: ${known})`)
    }
    return { kind: 'team', id: query.team }
  }
  if (query.service) {
    if (!org.services.some((service) => service.id === query.service)) {
      const known = org.services.map((service) => service.id).join(', ') || 'none'
      throw new EngopsError('NOT_FOUND', `unknown service "${query.service}" (services: ${known})`)
    }
    return { kind: 'service', id: query.service }
  }
  return { kind: 'org' }
}
