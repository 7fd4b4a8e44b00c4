import { expect, test } from 'vitest'
import type { ParsedEvent } from '../model/event-text.js'
import { toRecords } from './events.js'

test('a batch of 300,000 events, some repeated, keeps the last of each without overflowing the stack', () => {
  const parsed = Array.from({ length: 300_000 }, (_, i): ParsedEvent => {
    const n = i % 250_000
    return {
      line: i + 1,
      event: {
        type: 'commit',
        repo: 'shop',
        sha: `sha-${n}`,
        parents: [],
        author: 'ana@example.com',
        authoredAt: i,
        committedAt: i,
        files: [],
      } as ParsedEvent['event'],
      extra: {},
    }
  })
  const batch = toRecords(parsed, 'events')
  expect(batch.commits).toHaveLength(250_000)
  expect(batch.repeated).toBe(50_000)
  // The last copy is kept, in the place of the first.
  expect(batch.commits[0]?.commit.authoredAt).toBe(250_000)
  expect(batch.commits[249_999]?.commit.authoredAt).toBe(249_999)
})
