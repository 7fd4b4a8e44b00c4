/**
 * `engops import backstage`: a catalog (files, a folder, or a backend's /api/catalog/entities)
 * merged into engops.yaml — a diff first, written with --write, comments and untouched entries
 * kept, an invalid result refused with nothing written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { parse } from 'yaml'
import { engops, engopsAsync, tempDir } from './helpers.js'

const ORG = `# Acme's org file: reviewed in pull requests.
org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web } # the first engineer
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
`

const ORG_CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: web
spec:
  type: team
  profile: { displayName: Web Team }
  children: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    engops.dev/team-type: platform
spec:
  type: team
  parent: group:default/web
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ana
spec:
  profile: { displayName: Ana Lima, email: ana@example.com }
  memberOf: [web]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  profile: { displayName: Bob Stone, email: bob@example.com }
  memberOf: [group:default/payments]
`

const COMPONENTS = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  title: Payments API
  annotations:
    github.com/project-slug: acme/payments
    engops.dev/tier: "1"
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
  system: checkout
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: storefront
  annotations:
    github.com/project-slug: acme/shop
spec:
  type: website
  lifecycle: production
  owner: web
  system: checkout
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: checkout
spec:
  owner: web
`

let root: string
let cleanup: () => void

beforeAll(() => {
  ;({ dir: root, cleanup } = tempDir())
  mkdirSync(join(root, 'catalog', 'components'), { recursive: true })
  writeFileSync(join(root, 'catalog', 'org.yaml'), ORG_CATALOG)
  writeFileSync(join(root, 'catalog', 'components', 'catalog-info.yaml'), COMPONENTS)
})
afterAll(() => cleanup())

function project(name: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'engops.yaml'), ORG)
  return dir
}

test('shows the diff, writes it with --write keeping comments, then has nothing left to do', () => {
  const dir = project('files')
  const shown = engops(['import', 'backstage', join(root, 'catalog')], dir)
  expect(shown.code, shown.stderr).toBe(0)
  expect(shown.stdout).toContain('not mapped: 1 System (engops reads Group, User and Component')
  expect(shown.stdout).toContain(
    '+  - { id: bob, name: Bob Stone, emails: [ bob@example.com ], team: payments }',
  )
  expect(shown.stdout).toContain('3 added, 2 updated (2 groups, 2 users, 2 components read); nothing written')
  expect(readFileSync(join(dir, 'engops.yaml'), 'utf8')).toBe(ORG)

  const written = engops(['import', 'backstage', join(root, 'catalog'), '--write'], dir)
  expect(written.code, written.stderr).toBe(0)
  const text = readFileSync(join(dir, 'engops.yaml'), 'utf8')
  expect(text).toContain("# Acme's org file: reviewed in pull requests.")
  expect(text).toContain('# the first engineer')
  const org = parse(text)
  expect(org.teams).toEqual([
    { id: 'web', name: 'Web Team', type: 'stream-aligned' },
    { id: 'payments', name: 'payments', type: 'platform', parent: 'web' },
  ])
  expect(org.people).toEqual([
    { id: 'ana', name: 'Ana Lima', emails: ['ana@example.com'], team: 'web' },
    { id: 'bob', name: 'Bob Stone', emails: ['bob@example.com'], team: 'payments' },
  ])
  expect(org.services).toEqual([
    {
      id: 'storefront',
      owner: 'web',
      tier: 1,
      repositories: ['shop'],
      system: 'checkout',
      lifecycle: 'production',
    },
    {
      id: 'payments-api',
      tier: 1,
      name: 'Payments API',
      owner: 'payments',
      repositories: ['payments'],
      system: 'checkout',
      lifecycle: 'production',
    },
  ])
  expect(engops(['validate'], dir).stdout).toContain('valid — 2 teams, 2 people, 2 services')
  const again = engops(['import', 'backstage', join(root, 'catalog')], dir)
  expect(again.stdout).toContain('engops.yaml already matches: 0 added, 0 updated')
})

test('a catalog that would make the org file invalid is refused, and nothing is written', () => {
  const dir = project('invalid')
  const orphan = join(root, 'orphan.yaml')
  writeFileSync(
    orphan,
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ledger }\nspec: { type: service, lifecycle: production, owner: group:default/finance }\n',
  )
  const refused = engops(['import', 'backstage', orphan, '--write'], dir)
  expect(refused.code).toBe(1)
  expect(refused.stderr).toContain(
    'engops.yaml would not be a valid org file after the merge, so nothing is written',
  )
  expect(refused.stderr).toContain('finance')
  expect(readFileSync(join(dir, 'engops.yaml'), 'utf8')).toBe(ORG)
})

test('reads the entities of a Backstage backend', async () => {
  const entities = [...ORG_CATALOG.split('---\n'), ...COMPONENTS.split('---\n')].map((doc) => parse(doc))
  const server = createServer((req, res) => {
    if (req.url !== '/api/catalog/entities' || req.headers.authorization !== 'Bearer bs-token') {
      res.writeHead(req.url === '/api/catalog/entities' ? 401 : 404, { 'content-type': 'application/json' })
      return res.end('{"error":{"name":"AuthenticationError"}}')
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(entities))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const dir = project('backend')
    const shown = await engopsAsync(['import', 'backstage', url], dir, { BACKSTAGE_TOKEN: 'bs-token' })
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain('3 added, 2 updated (2 groups, 2 users, 2 components read)')
    const refused = await engopsAsync(['import', 'backstage', url], dir, { BACKSTAGE_TOKEN: 'wrong' })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('Backstage refused the token (401)')
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('catalog: { backstage: path } is read live by every command: the file keeps its fields, the catalog adds the rest', () => {
  const dir = join(root, 'live')
  mkdirSync(dir)
  const org = `org: { name: Acme, timezone: UTC }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
catalog: { backstage: ../catalog }
`
  writeFileSync(join(dir, 'engops.yaml'), org)
  const valid = engops(['validate'], dir)
  expect(valid.code, valid.stderr).toBe(0)
  expect(valid.stdout).toContain(
    'valid — 2 teams, 2 people, 2 services, 0 SLOs, 0 OKRs (with the Backstage catalog ../catalog)',
  )
  const topology = JSON.parse(engops(['topology', '--json'], dir).stdout) as {
    teams: { id: string; name: string; type: string; size: number; services: string[] }[]
  }
  expect(
    topology.teams.map(({ id, name, type, size, services }) => ({ id, name, type, size, services })),
  ).toEqual([
    // The file's name and type kept; the catalog's member ana added.
    { id: 'web', name: 'Web', type: 'stream-aligned', size: 1, services: ['storefront'] },
    { id: 'payments', name: 'payments', type: 'platform', size: 1, services: ['payments-api'] },
  ])
  expect(readFileSync(join(dir, 'engops.yaml'), 'utf8')).toBe(org)

  // A catalog entry that breaks the org is named by the catalog and its entity.
  const broken = join(root, 'broken-catalog')
  mkdirSync(broken)
  writeFileSync(
    join(broken, 'catalog-info.yaml'),
    COMPONENTS.replace('owner: web', 'owner: group:default/nobody'),
  )
  writeFileSync(join(dir, 'engops.yaml'), org.replace('../catalog', '../broken-catalog'))
  const bad = engops(['validate'], dir)
  expect(bad.code).toBe(1)
  expect(bad.stderr).toContain(`${broken}: Component payments-api: owner: unknown team "payments"`)

  writeFileSync(join(dir, 'engops.yaml'), org.replace('../catalog', '../nowhere'))
  const missing = engops(['validate'], dir)
  expect(missing.code).toBe(1)
  expect(missing.stderr).toContain(
    `engops.yaml:6: catalog.backstage: ${join(root, 'nowhere')}: no such file or folder`,
  )
})
