/**
 * What a question is about: the whole organization, one team (the services it owns) or one
 * service. Which services and repositories a scope covers is decided here and nowhere else.
 */
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
