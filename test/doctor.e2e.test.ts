/**
 * `engops doctor` on a real temporary store: a healthy setup exits 0; the first-hour stumbles (a
 * repository no service lists, a deployment of a commit only that repository has, a release
 * counted twice, commits by people the org file does not know, a source never read) are each
 * found with what to do, and the command exits 1.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { engops, makeRepo, ndjson, tempDir } from './helpers.js'

// The README's minimal file: it passes engops check.
const HEALTHY = `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop], runbook: https://wiki.example.com/storefront }
slos:
  - { id: storefront-availability, service: storefront, objective: 99.9 }
`

let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

interface Report {
  healthy: boolean
  findings: { check: string; status: string; message: string; fix?: string }[]
}

const deployment = (id: string, sha: string, at: string) => ({
  type: 'deployment',
  source: 'deploy-tool',
  id,
  service: 'storefront',
  environment: 'production',
  result: 'success',
  startedAt: at,
  finishedAt: at,
  sha,
})

test('a healthy setup exits 0; families without data are information, not failures', () => {
  writeFileSync(join(dir, 'engops.yaml'), HEALTHY)
  const shas = makeRepo(join(dir, 'shop'), [{ at: '2025-03-01T10:00:00Z' }, { at: '2025-03-02T10:00:00Z' }])
  expect(engops(['ingest', 'git', 'shop'], dir).code).toBe(0)
  const file = ndjson(join(dir, 'deploys.ndjson'), [deployment('D1', shas[1] ?? '', '2025-03-02T12:00:00Z')])
  expect(engops(['ingest', 'events', file], dir).code).toBe(0)
  const result = engops(['doctor'], dir)
  expect(result.code, result.stdout + result.stderr).toBe(0)
  expect(result.stdout).toContain('[ok]    repositories: 1 repository, each listed by a service')
  expect(result.stdout).toContain(
    '[ok]    people: 0.0% of commits and 0.0% of pull requests are by identities that map to no person',
  )
  expect(result.stdout).toContain('[n/a]   data: no data for flow')
  expect(result.stdout.trim().split('\n').at(-1)).toBe('healthy')
})

test('each first-hour stumble is found with what to do, and doctor exits 1', () => {
  writeFileSync(
    join(dir, 'engops.yaml'),
    `${HEALTHY}sources:\n  - { id: jira, kind: jira, url: https://acme.atlassian.net, emailEnv: E, projects: [PAY] }\n`,
  )
  // The service's repository, and a mirror of another one kept as express/repo.
  const shop = makeRepo(join(dir, 'shop'), [{ at: '2025-03-01T10:00:00Z' }])
  const work = join(dir, 'work')
  const express = makeRepo(work, [
    { at: '2025-03-01T10:00:00Z', author: 'bob@example.com' },
    { at: '2025-03-02T10:00:00Z', author: 'bob@example.com' },
  ])
  execFileSync('git', ['clone', '-q', '--mirror', work, join(dir, 'express', 'repo')])
  execFileSync('git', ['tag', 'v1.0.0', shop[0] ?? ''], { cwd: join(dir, 'shop') })
  expect(engops(['ingest', 'tags', 'shop', '--service', 'storefront'], dir).code).toBe(0)
  expect(engops(['ingest', 'git', join('express', 'repo')], dir).code).toBe(0)
  const file = ndjson(join(dir, 'deploys.ndjson'), [
    deployment('D1', shop[0] ?? '', '2025-03-01T12:00:00Z'), // also the tag v1.0.0
    deployment('D2', express[1] ?? '', '2025-03-02T12:00:00Z'), // a commit only express has
  ])
  expect(engops(['ingest', 'events', file], dir).code).toBe(0)

  const result = engops(['doctor', '--json'], dir)
  expect(result.code).toBe(1)
  const report = JSON.parse(result.stdout) as Report
  expect(report.healthy).toBe(false)
  const found = (check: string) => report.findings.filter((f) => f.check === check && f.status !== 'info')
  expect(found('repositories')).toEqual([
    {
      check: 'repositories',
      status: 'warn',
      message: 'repositories no service lists (their commits count for no service): express (2 commits)',
      fix: "add them to a service's repositories, or ingest them again with --repo NAME under the name a service lists (shop)",
    },
  ])
  expect(found('deployments').map((f) => f.message)).toEqual([
    "1 deployment whose commit is in none of their service's repositories (found in another repository: storefront → express)",
    '1 release counted twice, as a tag and as a deployment event (storefront)',
  ])
  // 2 of 3 commits are Bob's, who is no person of the org file.
  expect(found('people')).toEqual([
    {
      check: 'people',
      status: 'warn',
      message: '67% of commits and 0.0% of pull requests are by identities that map to no person',
      fix: 'engops people suggest drafts their people: entries (emails and aliases)',
    },
  ])
  expect(found('sources')).toEqual([
    {
      check: 'sources',
      status: 'warn',
      message: 'source jira (jira) was never read',
      fix: 'engops sync --source jira',
    },
  ])
  expect(report.findings).toContainEqual({
    check: 'data',
    status: 'info',
    message:
      'no data for reliability (incidents by severity, MTTA, response and update compliance, postmortems, pages): no incident events',
    fix: 'from a pagerduty, opsgenie or statuspage source, or incident events',
  })
})
