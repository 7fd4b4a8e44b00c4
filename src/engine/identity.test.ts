import { describe, expect, test } from 'vitest'
import { parseConfig } from '../config/load-config.js'
import { IdentityResolver, suggestPeople } from './identity.js'

describe('people suggest', () => {
  test('unmapped authors become people, a login joining the person whose email or name it is', () => {
    const org = parseConfig(
      'org: { name: X }\npeople:\n  - { id: ana, name: Ana Lima, emails: [ana@x.dev] }\n',
      'x.yaml',
    ).org
    const suggestions = suggestPeople(new IdentityResolver(org.people), {
      commits: [
        { name: 'Ana Lima', email: 'ana@x.dev', count: 10 },
        { name: 'Bob Stone', email: 'bob@acme.com', count: 7 },
        { name: 'Bob Stone', email: 'bob.stone@gmail.com', count: 2 },
        { name: 'cy', email: null, count: 1 },
      ],
      pullRequests: [
        { login: 'ana', count: 4 },
        { login: 'bob', count: 5 },
        { login: 'dee-gh', count: 3 },
      ],
    })
    expect(suggestions).toEqual([
      {
        id: 'bob-stone',
        name: 'Bob Stone',
        emails: ['bob@acme.com', 'bob.stone@gmail.com'],
        aliases: ['bob'],
        activity: 14,
      },
      { id: 'dee-gh', name: 'dee-gh', emails: [], aliases: ['dee-gh'], activity: 3 },
      { id: 'cy', name: 'cy', emails: [], aliases: [], activity: 1 },
    ])
  })
})
