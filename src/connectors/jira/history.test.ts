import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type IssueFacts, sprintTotals, valueAt } from './history.js'

describe('a field value at an instant', () => {
  test('equals replaying the changes up to it over the value before the first', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 50 }), to: fc.integer({ min: 0, max: 9 }) }), {
          maxLength: 12,
        }),
        fc.integer({ min: -10, max: 700 }),
        (initial, steps, at) => {
          let value = initial
          let time = 0
          const changes = steps.map((step) => {
            time += step.gap
            const change = { at: time, from: value, to: step.to }
            value = step.to
            return change
          })
          let expected = initial
          for (const change of changes) if (change.at <= at) expected = change.to
          expect(valueAt({ now: value, changes }, at)).toBe(expected)
        },
      ),
    )
  })
})

describe('sprint totals', () => {
  const sprint = { id: '9', start: 1_000, end: 2_000 }
  const issue = (facts: Partial<IssueFacts>): IssueFacts => ({
    key: 'X-1',
    created: 0,
    doneAt: () => false,
    points: { now: 3, changes: [] },
    sprints: { now: ['9'], changes: [] },
    ...facts,
  })

  test('an issue created straight into the running sprint is scope added, not commitment', () => {
    const totals = sprintTotals(sprint, [issue({ created: 1_500, doneAt: (at) => at >= 1_800 })])
    expect(totals).toEqual({ committed: 0, completed: 3, completedCommitted: 0, added: 3 })
  })

  test('an issue finished before it was taken out is not completed in the sprint', () => {
    const totals = sprintTotals(sprint, [
      issue({
        doneAt: (at) => at >= 1_200,
        sprints: { now: [], changes: [{ at: 1_400, from: ['9'], to: [] }] },
      }),
    ])
    expect(totals).toEqual({ committed: 3, completed: 0, completedCommitted: 0, added: 0 })
  })
})
