import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { ParsedEvent } from '../model/event-text.js'
import { BATCH_PARTS, batchSize, type EventBatch, sliceEventBatch, toRecords } from './events.js'

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

/** A batch with `counts[part]` placeholder rows in each part (the slicing looks at positions only). */
function batchOf(counts: number[], repeated: number): EventBatch {
  const parts = BATCH_PARTS.map((part, i) => [
    part,
    Array.from({ length: counts[i] ?? 0 }, (_, n) => ({ i, n })),
  ])
  return { ...Object.fromEntries(parts), repeated } as unknown as EventBatch
}

test('slices hold every event once, in order, none over the size, commits no later than their files', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(40), { minLength: 7, maxLength: 7 }),
      fc.integer({ min: 1, max: 25 }),
      fc.nat(5),
      (counts, size, repeated) => {
        const batch = batchOf(counts, repeated)
        const slices = sliceEventBatch(batch, size)
        const total = counts.reduce((a, b) => a + b, 0)
        expect(slices.map(batchSize).reduce((a, b) => a + b, 0)).toBe(total)
        expect(slices.length).toBe(Math.max(1, Math.ceil(total / size)))
        for (const slice of slices.slice(0, -1)) expect(batchSize(slice)).toBe(size)
        for (const part of BATCH_PARTS)
          expect(slices.flatMap((slice) => slice[part] as unknown[])).toEqual(batch[part])
        expect(slices.map((slice) => slice.repeated)).toEqual([repeated, ...slices.slice(1).map(() => 0)])
        // The slice of the last commit comes no later than that of the first file.
        const sliceOf = (part: 'commits' | 'commitFiles', which: 'first' | 'last') => {
          const found = slices.map((slice) => slice[part].length > 0)
          return which === 'first' ? found.indexOf(true) : found.lastIndexOf(true)
        }
        if (counts[3] && counts[4])
          expect(sliceOf('commits', 'last')).toBeLessThanOrEqual(sliceOf('commitFiles', 'first'))
      },
    ),
  )
})
