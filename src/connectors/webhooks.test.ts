import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { isoTime } from './connector.js'
import { mapGitHub } from './github/webhook.js'

const ctx = {
  serviceOfRepo: (repo: string) => (repo === 'shop' ? 'storefront' : undefined),
  serviceOfName: () => undefined,
  repositories: ['shop'],
  findIncident: async () => undefined,
  findRecord: async () => undefined,
  teamOfName: () => undefined,
  personOf: () => undefined,
}

describe('webhook mapping', () => {
  test('GitLab and ISO timestamps parse to the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const whole = new Date(Math.floor(date.getTime() / 1000) * 1000)
          const text = whole.toISOString()
          const gitlab = `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`
          expect(isoTime(gitlab)).toBe(whole.toISOString())
          expect(isoTime(text)).toBe(whole.toISOString())
          // With an offset: the same instant written two hours ahead.
          const ahead = new Date(whole.getTime() + 2 * 3_600_000).toISOString()
          expect(isoTime(`${ahead.slice(0, 10)} ${ahead.slice(11, 19)} +0200`)).toBe(whole.toISOString())
        },
      ),
    )
    expect(isoTime('yesterday')).toBeUndefined()
    expect(isoTime('')).toBeUndefined()
  })

  test('a push lists its commits in order: each one is the parent of the next', () => {
    const mapped = mapGitHub(
      'push',
      {
        repository: { name: 'shop' },
        before: 'a'.repeat(40),
        commits: [
          {
            id: 'b'.repeat(40),
            timestamp: '2026-05-01T10:00:00+02:00',
            author: { email: 'ana@x.io' },
            added: ['a.ts'],
          },
          {
            id: 'c'.repeat(40),
            timestamp: '2026-05-01T11:00:00+02:00',
            author: { name: 'Bo' },
            modified: ['b.ts'],
          },
        ],
      },
      ctx,
    )
    expect(mapped.events.map((e) => [e.sha, e.parents, e.authoredAt, e.files])).toEqual([
      ['b'.repeat(40), ['a'.repeat(40)], '2026-05-01T08:00:00.000Z', ['a.ts']],
      ['c'.repeat(40), ['b'.repeat(40)], '2026-05-01T09:00:00.000Z', ['b.ts']],
    ])
  })

  test('a final deployment status is a deployment of the repository’s service; others are ignored', () => {
    const payload = (state: string) => ({
      repository: { name: 'shop' },
      deployment: {
        id: 7,
        sha: 'd'.repeat(40),
        environment: 'production',
        created_at: '2026-05-01T10:00:00Z',
      },
      deployment_status: { state, created_at: '2026-05-01T10:06:00Z' },
    })
    expect(mapGitHub('deployment_status', payload('success'), ctx).events[0]).toMatchObject({
      type: 'deployment',
      id: '7',
      service: 'storefront',
      result: 'success',
      finishedAt: '2026-05-01T10:06:00Z',
    })
    expect(mapGitHub('deployment_status', payload('error'), ctx).events[0]).toMatchObject({
      result: 'failure',
    })
    expect(mapGitHub('deployment_status', payload('in_progress'), ctx)).toEqual({
      events: [],
      ignored: 'deployment state "in_progress" is not final',
    })
    expect(mapGitHub('star', {}, ctx).ignored).toBe('GitHub event "star" is not used')
  })
})
