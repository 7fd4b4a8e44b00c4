import { describe, expect, test } from 'vitest'
import type { Commit, Deployment, PullRequest } from '../model/types.js'
import { attributeChanges, type ServiceScope } from './change-attribution.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const T0 = Date.parse('2025-03-01T00:00:00Z')

function commit(repo: string, sha: string, parents: string[], hours: number): Commit {
  const at = T0 + hours * HOUR
  return {
    repo,
    sha,
    parents,
    authorName: 'ana',
    authorEmail: 'ana@x',
    authoredAt: at,
    committedAt: at,
    additions: 1,
    deletions: 0,
  }
}

function deployment(
  id: string,
  service: string,
  sha: string,
  hours: number,
  extra: Partial<Deployment> = {},
): Deployment {
  const at = T0 + hours * HOUR
  return {
    source: 's',
    id,
    service,
    environment: 'production',
    result: 'success',
    startedAt: at - 60_000,
    finishedAt: at,
    sha,
    kind: 'regular',
    labels: [],
    regression: false,
    ...extra,
  }
}

function pr(repo: string, number: number, merged: number, fields: Partial<PullRequest>): PullRequest {
  return {
    source: 's',
    id: `${repo}#${number}`,
    repo,
    number,
    author: 'ana',
    createdAt: T0 + (merged - 2) * HOUR,
    mergedAt: T0 + merged * HOUR,
    closedAt: null,
    mergeSha: null,
    headSha: null,
    commits: [],
    reviews: [],
    additions: null,
    deletions: null,
    draft: false,
    labels: [],
    ...fields,
  }
}

const options = { isProduction: (env: string) => env === 'production', firstDeploymentLookbackMs: 14 * DAY }
const changesOf = (attribution: ReturnType<typeof attributeChanges>, id: string) =>
  [...attribution.deployments.values()].find((d) => d.deployment.id === id)!.changes.map((c) => c.sha)

describe('graph-based change attribution', () => {
  test('a squash merge ships the pull request’s original commits, not the squash commit', () => {
    const services: ServiceScope[] = [{ id: 'api', repositories: [{ name: 'r', paths: [] }] }]
    const commits = [
      commit('r', 'a', [], -400), // old history, outside the look-back
      commit('r', 'b', ['a'], 10),
      // PR #1 commits on a branch that was squashed away: known, but unreachable from main.
      commit('r', 'p1', ['b'], 11),
      commit('r', 'p2', ['p1'], 12),
      commit('r', 's', ['b'], 20), // the squash commit on main
    ]
    const prs = [pr('r', 1, 20, { mergeSha: 's', commits: ['p1', 'p2'] })]
    const deployments = [deployment('d1', 'api', 'b', 15), deployment('d2', 'api', 's', 21)]
    const attribution = attributeChanges(services, deployments, commits, prs, () => undefined, options)
    expect(changesOf(attribution, 'd1')).toEqual(['b'])
    expect(changesOf(attribution, 'd2').sort()).toEqual(['p1', 'p2'])
    const d2 = [...attribution.deployments.values()].find((d) => d.deployment.id === 'd2')!
    expect(d2.pullRequests.map((p) => p.id)).toEqual(['r#1'])
    expect(d2.previous?.deployment.id).toBe('d1')
  })

  test('merge commits are not changes; the commits they bring in are', () => {
    const services: ServiceScope[] = [{ id: 'api', repositories: [{ name: 'r', paths: [] }] }]
    const commits = [
      commit('r', 'a', [], 1),
      commit('r', 'f1', ['a'], 2),
      commit('r', 'f2', ['f1'], 3),
      commit('r', 'm', ['a', 'f2'], 4),
    ]
    const prs = [pr('r', 2, 4, { mergeSha: 'm', commits: ['f1', 'f2'] })]
    const attribution = attributeChanges(
      services,
      [deployment('d1', 'api', 'a', 1.5), deployment('d2', 'api', 'm', 5)],
      commits,
      prs,
      () => undefined,
      options,
    )
    expect(changesOf(attribution, 'd2').sort()).toEqual(['f1', 'f2'])
  })

  test('services in a monorepo only ship commits that touch their paths', () => {
    const services: ServiceScope[] = [
      { id: 'web', repositories: [{ name: 'mono', paths: ['web/'] }] },
      { id: 'api', repositories: [{ name: 'mono', paths: ['api/'] }] },
    ]
    const commits = [commit('mono', 'a', [], 1), commit('mono', 'w', ['a'], 2), commit('mono', 'x', ['w'], 3)]
    const files: Record<string, string[]> = {
      a: ['README.md'],
      w: ['web/index.ts'],
      x: ['api/server.ts', 'docs/x.md'],
    }
    const deployments = [
      deployment('w0', 'web', 'a', 1.5),
      deployment('a0', 'api', 'a', 1.5),
      deployment('w1', 'web', 'x', 4),
      deployment('a1', 'api', 'x', 4),
    ]
    const attribution = attributeChanges(
      services,
      deployments,
      commits,
      [],
      (_repo, sha) => files[sha],
      options,
    )
    expect(changesOf(attribution, 'w1')).toEqual(['w'])
    expect(changesOf(attribution, 'a1')).toEqual(['x'])
  })

  test('the first deployment ships only pull requests merged in the look-back', () => {
    const services: ServiceScope[] = [{ id: 'api', repositories: [{ name: 'r', paths: [] }] }]
    const commits = [
      commit('r', 'old', [], -20 * 24),
      commit('r', 'new', ['old'], -24),
      commit('r', 'direct', ['new'], -2),
    ]
    const prs = [
      pr('r', 1, -20 * 24 + 1, { mergeSha: 'old', commits: ['old'] }),
      pr('r', 2, -23, { mergeSha: 'new', commits: ['new'] }),
    ]
    const attribution = attributeChanges(
      services,
      [deployment('d1', 'api', 'direct', 0)],
      commits,
      prs,
      () => undefined,
      options,
    )
    const first = [...attribution.deployments.values()][0]!
    expect(first.first).toBe(true)
    expect(first.changes.map((c) => c.sha).sort()).toEqual(['direct', 'new'])
    expect(first.pullRequests.map((p) => p.number)).toEqual([2])
  })

  test('a rollback to an older sha ships nothing, and the redeploy does not ship twice', () => {
    const services: ServiceScope[] = [{ id: 'api', repositories: [{ name: 'r', paths: [] }] }]
    const commits = [commit('r', 'a', [], 1), commit('r', 'b', ['a'], 2), commit('r', 'c', ['b'], 5)]
    const deployments = [
      deployment('d1', 'api', 'a', 1.5),
      deployment('d2', 'api', 'b', 3),
      deployment('d3', 'api', 'a', 4, { kind: 'rollback' }),
      deployment('d4', 'api', 'c', 6),
      deployment('staging', 'api', 'c', 5.5, { environment: 'staging' }),
      deployment('broken', 'api', 'c', 5.6, { result: 'failure' }),
    ]
    const attribution = attributeChanges(services, deployments, commits, [], () => undefined, options)
    expect(changesOf(attribution, 'd2')).toEqual(['b'])
    expect(changesOf(attribution, 'd3')).toEqual([])
    expect(changesOf(attribution, 'd4')).toEqual(['c'])
    expect([...attribution.deployments.keys()].length).toBe(4)
  })
})
