/**
 * The HTTP server on a real temporary store: auth and roles, the error envelope under bad
 * input, atomic and idempotent event ingestion, webhook receivers (every octokit example of the
 * listed GitHub events, GitLab, PagerDuty with rotated signatures, Opsgenie) with redelivery
 * changing nothing, Prometheus, OpenAPI, and `engops serve` as a process.
 */

import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import octokitExamples from '@octokit/webhooks-examples'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import { createToken } from '../src/engine/tokens.js'
import { createApp, EVENTS_BODY_LIMIT } from '../src/server/app.js'
import { WebhookIntake } from '../src/server/webhook-intake.js'
import { BIN, cliEnv, engops, storeFor, tempDir } from './helpers.js'

/** The package's index: one entry per event with its example payloads. */
const examples = octokitExamples as unknown as { name: string; examples: object[] }[]
const SECRET = 'gh-secret'
let root: string
let cleanup: () => void
let engine: Engine
let app: ReturnType<typeof createApp>
const tokens: Record<string, string> = {}

const ORG = `org: { name: Hooks Co, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned, members: [ana] }
services:
  - { id: hello-world, owner: web, tier: 1, repositories: [Hello-World, public-repo, hello-world] }
  - { id: payments, name: Payments API, owner: web, tier: 1, repositories: [payments] }
`

beforeAll(async () => {
  const temp = tempDir()
  cleanup = temp.cleanup
  root = temp.dir
  writeFileSync(join(root, 'engops.yaml'), ORG)
  engine = await Engine.open({ config: join(root, 'engops.yaml'), db: storeFor(root) })
  for (const role of ['viewer', 'ingest', 'admin'])
    tokens[role] = (await createToken(engine.store, role, role)).token
  app = createApp({
    engine,
    auth: true,
    webhooks: {
      github: [SECRET],
      gitlab: ['gl-token'],
      pagerduty: ['old-pd', 'new-pd'],
      opsgenie: ['og-token'],
    },
    intake: new WebhookIntake(engine, { dir: join(root, 'spool') }),
  })
})
afterAll(async () => {
  await engine.close()
  cleanup()
})

const auth = (role: string) => ({ authorization: `Bearer ${tokens[role]}` })
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

describe('auth', () => {
  test('tokens by role; wrong, missing and revoked tokens are refused', async () => {
    expect((await app.request('/api/kpis')).status).toBe(401)
    expect(
      (
        await app.request('/api/kpis', {
          headers: { authorization: 'Bearer eo_000000000000_nope-nope-nope-nope-nope' },
        })
      ).status,
    ).toBe(401)
    const wrongSecret = tokens.viewer!.replace(/_[^_]+$/, '_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    expect(
      (await app.request('/api/kpis', { headers: { authorization: `Bearer ${wrongSecret}` } })).status,
    ).toBe(401)
    expect((await app.request('/api/kpis', { headers: auth('viewer') })).status).toBe(200)
    const post = (role: string) =>
      app.request('/api/events', { method: 'POST', headers: auth(role), body: '[]' })
    expect((await post('viewer')).status).toBe(403)
    const forbidden = await app.request('/api/kpis', { headers: auth('ingest') })
    expect(forbidden.status).toBe(403)
    expect((await forbidden.json()).error.message).toBe('an ingest token cannot GET /api/kpis')
    expect((await app.request('/api/health')).status).toBe(200)
    const body = await (await app.request('/api/kpis')).json()
    expect(body).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'a valid API token is needed: Authorization: Bearer <token>' },
    })
    const revokable = await createToken(engine.store, 'temp', 'viewer')
    await engine.store.write((w) => w.revokeToken(revokable.id, Date.now()))
    expect(
      (await app.request('/api/kpis', { headers: { authorization: `Bearer ${revokable.token}` } })).status,
    ).toBe(401)
  })
})

test('every answer says nosniff; an HTML report carries the Content-Security-Policy', async () => {
  for (const path of ['/api/health', '/api/kpis', '/api/nope']) {
    const response = await app.request(path, { headers: auth('viewer') })
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  }
  const html = await app.request('/api/reports/weekly?format=html', { headers: auth('viewer') })
  expect(html.status).toBe(200)
  expect(html.headers.get('content-type')).toMatch(/^text\/html/)
  expect(html.headers.get('content-security-policy')).toContain("default-src 'self'")
  expect(html.headers.get('content-security-policy')).not.toContain('script-src')
})

describe('errors and bad input keep the server serving', () => {
  test('unknown routes, invalid queries, unknown teams, oversized and malformed bodies: 4xx with the envelope', async () => {
    const notFound = await app.request('/api/nope', { headers: auth('admin') })
    expect(notFound.status).toBe(404)
    expect((await notFound.json()).error.code).toBe('NOT_FOUND')
    const bad = await app.request('/api/drilldown/deployments?pageSize=100000', { headers: auth('admin') })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error).toMatchObject({ code: 'BAD_REQUEST', details: [{ path: 'pageSize' }] })
    const team = await app.request('/api/metrics/dora?team=zeta', { headers: auth('admin') })
    expect(team.status).toBe(404)
    const family = await app.request('/api/metrics/astrology', { headers: auth('admin') })
    expect(family.status).toBe(400)
    const huge = await app.request('/api/events', {
      method: 'POST',
      headers: auth('admin'),
      body: 'x'.repeat(EVENTS_BODY_LIMIT + 1),
    })
    expect(huge.status).toBe(413)
    expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE')
    const malformed = await app.request('/api/events', {
      method: 'POST',
      headers: auth('admin'),
      body: '{"type": "deployment",',
    })
    expect(malformed.status).toBe(422)
    const period = await app.request('/api/kpis?from=yesterday', { headers: auth('admin') })
    expect(period.status).toBe(400)
    expect((await app.request('/api/health')).status).toBe(200)
  })

  test('POST /api/events is atomic per request and idempotent by (source, id)', async () => {
    const deploy = (id: string, extra = '') =>
      `{"type":"deployment","id":"${id}","service":"payments","environment":"production","result":"success","startedAt":"2026-05-01T10:00:00Z","finishedAt":"2026-05-01T10:05:00Z","sha":"abc1234"${extra}}`
    const before = await engine.store.counts()
    const partlyBad = await app.request('/api/events', {
      method: 'POST',
      headers: auth('ingest'),
      body: `${deploy('d1')}\n${deploy('d2', ',"result":"maybe"')}\n`,
    })
    expect(partlyBad.status).toBe(422)
    const envelope = await partlyBad.json()
    expect(envelope.error.details[0]).toMatchObject({ line: 2, path: 'result' })
    expect(await engine.store.counts()).toEqual(before)
    for (let i = 0; i < 2; i++) {
      const good = await app.request('/api/events', {
        method: 'POST',
        headers: auth('ingest'),
        body: `${deploy('d1')}\n${deploy('d2')}\n`,
      })
      expect(good.status).toBe(200)
      expect(await good.json()).toMatchObject({ deployments: 2 })
    }
    expect((await engine.store.counts()).deployments).toBe(before.deployments + 2)
  })
})

const LISTED = ['pull_request', 'push', 'deployment', 'deployment_status', 'workflow_run', 'release']

async function deliverAllGitHub(): Promise<number[]> {
  const statuses: number[] = []
  let n = 0
  for (const group of examples.filter((g) => LISTED.includes(g.name))) {
    for (const payload of group.examples) {
      const body = JSON.stringify(payload)
      const response = await app.request('/webhooks/github', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': group.name,
          'x-github-delivery': `delivery-${group.name}-${n++}`,
          'x-hub-signature-256': sign(body),
        },
        body,
      })
      statuses.push(response.status)
      if (response.status >= 500) throw new Error(`${group.name} example ${n}: ${await response.text()}`)
    }
  }
  return statuses
}

describe('GitHub webhooks', () => {
  test('every octokit example of the listed events is accepted or refused with a clear 4xx; replays change nothing', async () => {
    const statuses = await deliverAllGitHub()
    expect(statuses.length).toBe(62)
    for (const status of statuses) expect([200, 202, 422]).toContain(status)
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(30)
    const counts = await engine.store.counts()
    const dora = await (
      await app.request('/api/metrics/dora?from=2018-01-01&to=2030-01-01', { headers: auth('admin') })
    ).json()
    // Redelivering every delivery (same ids) and then sending each again under new ids (a
    // provider re-sending after a timeout) leaves every row and metric as it was.
    await deliverAllGitHub()
    await deliverAllGitHub()
    const after = await engine.store.counts()
    expect({ ...after, webhook_deliveries: 0 }).toEqual({ ...counts, webhook_deliveries: 0 })
    const doraAfter = await (
      await app.request('/api/metrics/dora?from=2018-01-01&to=2030-01-01', { headers: auth('admin') })
    ).json()
    expect(doraAfter).toEqual(dora)
  })

  test('a wrong or missing signature is a 401 and stores nothing', async () => {
    const before = await engine.store.counts()
    const body = JSON.stringify(examples.find((g) => g.name === 'push')!.examples[0])
    for (const signature of [sign(body, 'wrong'), undefined, 'sha1=abc']) {
      const response = await app.request('/webhooks/github', {
        method: 'POST',
        headers: { 'x-github-event': 'push', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
        body,
      })
      expect(response.status).toBe(401)
      expect((await response.json()).error.code).toBe('BAD_SIGNATURE')
    }
    expect(await engine.store.counts()).toEqual(before)
  })

  test('a deployment_status maps to a deployment of the repository’s service', async () => {
    const dora = await (
      await app.request('/api/drilldown/deployments?from=2018-01-01&to=2030-01-01&pageSize=500', {
        headers: auth('admin'),
      })
    ).json()
    expect(dora.items.some((d: { service: string }) => d.service === 'hello-world')).toBe(true)
  })
})

describe('GitLab, PagerDuty and Opsgenie', () => {
  test('GitLab merge request, push, pipeline and deployment hooks from the documented shapes', async () => {
    const project = { id: 1, name: 'Payments', path: 'payments' }
    const hooks: [string, object][] = [
      [
        'Merge Request Hook',
        {
          object_kind: 'merge_request',
          user: { username: 'ana' },
          project,
          object_attributes: {
            iid: 7,
            state: 'merged',
            created_at: '2026-05-01 09:00:00 UTC',
            updated_at: '2026-05-01 15:00:00 UTC',
            merge_commit_sha: 'b'.repeat(40),
            last_commit: { id: 'a'.repeat(40) },
          },
        },
      ],
      [
        'Push Hook',
        {
          object_kind: 'push',
          before: '0'.repeat(40),
          project,
          commits: [
            {
              id: 'a'.repeat(40),
              timestamp: '2026-05-01T08:00:00+02:00',
              author: { name: 'Ana', email: 'ana@example.com' },
              added: ['x.ts'],
              modified: [],
              removed: [],
            },
          ],
        },
      ],
      [
        'Pipeline Hook',
        {
          object_kind: 'pipeline',
          project,
          object_attributes: {
            id: 31,
            ref: 'main',
            status: 'success',
            created_at: '2026-05-01 15:01:00 UTC',
            finished_at: '2026-05-01 15:09:00 UTC',
          },
        },
      ],
      [
        'Deployment Hook',
        {
          object_kind: 'deployment',
          deployment_id: 15,
          status: 'success',
          status_changed_at: '2026-05-01 16:00:00 +0200',
          environment: 'production',
          project,
          short_sha: 'bbbbbbbb',
          commit_url: `https://gitlab.example.com/acme/payments/-/commit/${'b'.repeat(40)}`,
        },
      ],
    ]
    for (const [event, payload] of hooks) {
      const response = await app.request('/webhooks/gitlab', {
        method: 'POST',
        headers: { 'x-gitlab-event': event, 'x-gitlab-token': 'gl-token' },
        body: JSON.stringify(payload),
      })
      expect(response.status, `${event}: ${await response.clone().text()}`).toBe(200)
    }
    const deployments = await engine.store.listDeployments()
    expect(deployments.find((d) => d.source === 'gitlab')).toMatchObject({
      service: 'payments',
      sha: 'b'.repeat(40),
      finishedAt: Date.parse('2026-05-01T14:00:00Z'),
    })
    const wrong = await app.request('/webhooks/gitlab', {
      method: 'POST',
      headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' },
      body: '{}',
    })
    expect(wrong.status).toBe(401)
  })

  test('PagerDuty: the lifecycle merges into one incident; any of several v1 signatures passes', async () => {
    const event = (id: string, type: string, at: string) =>
      JSON.stringify({
        event: {
          id,
          event_type: type,
          resource_type: 'incident',
          occurred_at: at,
          data: {
            id: 'PD1',
            type: 'incident',
            status: type.split('.')[1],
            urgency: 'high',
            priority: { summary: 'P1' },
            service: { id: 'PSVC', summary: 'Payments API' },
            created_at: '2026-05-02T10:00:00Z',
          },
        },
      })
    const steps: [string, string][] = [
      ['incident.triggered', '2026-05-02T10:00:00Z'],
      ['incident.acknowledged', '2026-05-02T10:04:00Z'],
      ['incident.resolved', '2026-05-02T10:50:00Z'],
    ]
    for (const [i, [type, at]] of steps.entries()) {
      const body = event(`E${i}`, type, at)
      // During a rotation PagerDuty signs with both secrets.
      const signatures = ['old-pd', 'new-pd'].map(
        (s) => `v1=${createHmac('sha256', s).update(body).digest('hex')}`,
      )
      const response = await app.request('/webhooks/pagerduty', {
        method: 'POST',
        headers: {
          'x-pagerduty-signature': i === 1 ? `v1=${'0'.repeat(64)},${signatures[1]}` : signatures.join(','),
        },
        body,
      })
      expect(response.status).toBe(200)
    }
    const incident = await engine.store.findIncident('pagerduty', 'PD1')
    expect(incident).toMatchObject({
      services: ['payments'],
      severity: 'SEV-1',
      detectedAt: Date.parse('2026-05-02T10:00:00Z'),
      acknowledgedAt: Date.parse('2026-05-02T10:04:00Z'),
      resolvedAt: Date.parse('2026-05-02T10:50:00Z'),
    })
    const forged = await app.request('/webhooks/pagerduty', {
      method: 'POST',
      headers: { 'x-pagerduty-signature': `v1=${'1'.repeat(64)}` },
      body: event('E9', 'incident.resolved', '2026-05-02T11:00:00Z'),
    })
    expect(forged.status).toBe(401)
  })

  test('Opsgenie: a shared header token; Create then Close', async () => {
    const send = (action: string, updatedAt: number) =>
      app.request('/webhooks/opsgenie', {
        method: 'POST',
        headers: { 'x-engops-webhook-token': 'og-token' },
        body: JSON.stringify({
          action,
          alert: {
            alertId: 'OG1',
            message: 'p99 high',
            tags: ['service:payments'],
            priority: 'P2',
            createdAt: Date.parse('2026-05-03T08:00:00Z'),
            updatedAt,
          },
        }),
      })
    expect((await send('Create', Date.parse('2026-05-03T08:00:00Z'))).status).toBe(200)
    expect((await send('Close', Date.parse('2026-05-03T09:00:00Z'))).status).toBe(200)
    expect(await engine.store.findIncident('opsgenie', 'OG1')).toMatchObject({
      severity: 'SEV-2',
      services: ['payments'],
      resolvedAt: Date.parse('2026-05-03T09:00:00Z'),
    })
    const wrong = await app.request('/webhooks/opsgenie', {
      method: 'POST',
      headers: { 'x-engops-webhook-token': 'og-tokem' },
      body: '{}',
    })
    expect(wrong.status).toBe(401)
  })
})

describe('Prometheus and OpenAPI', () => {
  test('/metrics is the text exposition format with KPIs per scope', async () => {
    const response = await app.request('/metrics', { headers: auth('viewer') })
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    const lines = (await response.text()).trim().split('\n')
    expect(lines.slice(0, 2)).toEqual([
      '# HELP engops_kpi_value Value of an engops KPI over the trailing 30 days, in the unit of its unit label.',
      '# TYPE engops_kpi_value gauge',
    ])
    const samples = lines.filter((l) => !l.startsWith('#'))
    for (const line of samples.filter((l) => l.startsWith('engops_kpi_')))
      expect(line).toMatch(/^engops_kpi_(value|status)\{(\w+="(?:[^"\\]|\\.)*",?)+\} -?[\d.e+-]+$/)
    // And the webhook spool's gauges, nothing else.
    expect(samples.filter((l) => !l.startsWith('engops_kpi_'))).toEqual([
      'engops_webhook_spool_depth 0',
      'engops_webhook_spool_set_aside 0',
    ])
  })

  test('the OpenAPI document lists the API', async () => {
    const doc = await (await app.request('/api/openapi.json')).json()
    expect(doc.openapi).toBe('3.0.3')
    for (const path of [
      '/api/kpis',
      '/api/metrics/dora',
      '/api/metrics/{family}',
      '/api/okrs',
      '/api/drilldown/{list}',
      '/api/reports/{name}',
    ])
      expect(Object.keys(doc.paths)).toContain(path)
  })
})

test('engops serve runs as a process, prints its URL and token, and answers', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    cwd: root,
    env: cliEnv(['serve'], root),
  })
  try {
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
        if (text.includes('API:')) resolve(text)
      })
      child.on('exit', () => reject(new Error(`serve exited: ${text}`)))
    })
    const url = /at (http:\/\/[^\s]+)/.exec(output)![1]!
    const token = /#token=(\S+)/.exec(output)![1]!
    expect((await fetch(`${url}/api/kpis`)).status).toBe(401)
    const ok = await fetch(`${url}/api/kpis`, { headers: { authorization: `Bearer ${token}` } })
    expect(ok.status).toBe(200)
    expect((await ok.json()).kpis.length).toBeGreaterThan(80)
  } finally {
    child.kill('SIGTERM')
  }
  expect(engops(['token', 'list'], root).stdout).toContain('viewer')
}, 30_000)
