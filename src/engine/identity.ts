/**
 * Maps git and tool identities (emails, names, logins) to people of the org file, so that
 * "the same author" means the same person however they signed their work.
 */
import type { Person } from '../model/org.js'

export class IdentityResolver {
  private readonly byIdentity = new Map<string, string>()

  constructor(people: readonly Person[]) {
    for (const person of people) {
      for (const identity of [person.id, person.name, ...person.emails, ...person.aliases]) {
        this.byIdentity.set(identity.trim().toLowerCase(), person.id)
      }
    }
  }

  private readonly keys = new Map<string, string>()

  /** The person id for an identity, or the normalized identity itself when nobody claims it. */
  key(identity: string): string {
    let key = this.keys.get(identity)
    if (key === undefined) {
      const normalized = identity.trim().toLowerCase()
      key = this.byIdentity.get(normalized) ?? normalized
      this.keys.set(identity, key)
    }
    return key
  }

  personOf(identity: string): string | undefined {
    return this.byIdentity.get(identity.trim().toLowerCase())
  }

  same = (a: string, b: string): boolean => this.key(a) === this.key(b)
}

export interface PersonSuggestion {
  id: string
  name: string
  emails: string[]
  aliases: string[]
  /** Commits and pull requests signed with these identities. */
  activity: number
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

/**
 * Draft `people:` entries for the identities that map to nobody, most active first. Commit
 * identities with one email or one name are one person; a login joins the person whose email's
 * local part, name or name slug it is (`ana@acme.com`, `Ana Lima` ↔ login `ana` / `ana-lima`).
 */
export function suggestPeople(
  resolver: IdentityResolver,
  authors: {
    commits: readonly { name: string; email: string | null; count: number }[]
    pullRequests: readonly { login: string; count: number }[]
  },
): PersonSuggestion[] {
  const people: PersonSuggestion[] = []
  const byKey = new Map<string, PersonSuggestion>()
  const claim = (person: PersonSuggestion, ...keys: string[]) => {
    for (const key of keys) if (key) byKey.set(key.toLowerCase(), person)
  }
  for (const commit of [...authors.commits].sort((a, b) => b.count - a.count)) {
    if (resolver.personOf(commit.name) || (commit.email && resolver.personOf(commit.email))) continue
    const found = byKey.get(commit.email?.toLowerCase() ?? '') ?? byKey.get(commit.name.toLowerCase())
    if (found) {
      if (commit.email && !found.emails.includes(commit.email)) found.emails.push(commit.email)
      found.activity += commit.count
      claim(found, commit.email ?? '', commit.name)
      continue
    }
    const person: PersonSuggestion = {
      id: slug(commit.name) || slug(commit.email?.split('@')[0] ?? '') || `person-${people.length + 1}`,
      name: commit.name,
      emails: commit.email ? [commit.email] : [],
      aliases: [],
      activity: commit.count,
    }
    people.push(person)
    claim(person, commit.email ?? '', commit.name, commit.email?.split('@')[0] ?? '', slug(commit.name))
  }
  for (const pull of [...authors.pullRequests].sort((a, b) => b.count - a.count)) {
    if (resolver.personOf(pull.login)) continue
    const found = byKey.get(pull.login.toLowerCase())
    if (found) {
      if (!found.aliases.includes(pull.login)) found.aliases.push(pull.login)
      found.activity += pull.count
      continue
    }
    const person: PersonSuggestion = {
      id: slug(pull.login),
      name: pull.login,
      emails: [],
      aliases: [pull.login],
      activity: pull.count,
    }
    people.push(person)
    claim(person, pull.login)
  }
  // Ids stay unique when two names slug alike.
  const seen = new Map<string, number>()
  for (const person of people) {
    const n = seen.get(person.id) ?? 0
    seen.set(person.id, n + 1)
    if (n > 0) person.id = `${person.id}-${n + 1}`
  }
  return people.sort((a, b) => b.activity - a.activity || a.id.localeCompare(b.id))
}
