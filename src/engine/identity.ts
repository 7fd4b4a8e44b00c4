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
