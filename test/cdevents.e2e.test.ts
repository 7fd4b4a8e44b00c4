/**
 * CDEvents in the shapes of the CDEvents spec's conformance examples (v0.4.1 and v0.5.1): a file
 * through `engops ingest events --format cdevents`, and `POST /webhooks/cdevents` in CloudEvents
 * binary and structured mode, an incident's resolution merged into its detection.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import { createApp } from '../src/server/app.js'
import { WebhookIntake } from '../src/server/webhook-intake.js'
import { engops, MINIMAL_CONFIG, ndjson, storeFor, storeRows, tempDir } from './helpers.js'

const TOKEN = 'cd-token'

/** A CDEvent as the spec's conformance files write them; v0.4 says `version`, v0.5 `specversion`. */
function cdevent(
  spec: '0.4.1' | '0.5.1',
  type: string,
  id: string,
  timestamp: string,
  subject: { id: string; content: object },
  customData: object | null = null,
) {
  return {
    context: {
      ...(spec === '0.4.1' ? { version: spec } : { specversion: spec }),
      id,
      chainId: '4c8cb7dd-3448-41de-8768-eec704e2829b',
      source: '/event/source/123',
      type,
      timestamp,
      schemaUri: 'https://myorg.com/schema/custom',
    },
    subject: { ...subject, source: '/event/source/123' },
    customData,
    customDataContentType: 'application/json',
  }
}

const ARTIFACT = 'pkg:oci/myapp@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427'

const FILE_EVENTS = [
  cdevent(
    '0.4.1',
    'dev.cdevents.service.deployed.0.2.0',
    'dep-1',
    '2025-03-03T10:00:00Z',
    {
      id: 'storefront',
      content: { environment: { id: 'production' }, artifactId: ARTIFACT },
    },
    { sha: 'abc1234' },
  ),
  cdevent('0.5.1', 'dev.cdevents.service.rolledback.0.3.0', 'dep-2', '2025-03-04T10:00:00Z', {
    id: 'storefront',
    content: { environment: { id: 'production' }, artifactId: ARTIFACT },
  }),
  cdevent(
    '0.5.1',
    'dev.cdevents.pipelinerun.finished.0.3.0',
    'run-ev-1',
    '2025-03-03T09:50:00Z',
    {
      id: 'run-77',
      content: {
        pipelineName: 'build',
        uri: 'https://ci.example.com/run-77',
        outcome: 'failure',
        errors: 'tests failed',
      },
    },
    { repo: 'shop', startedAt: '2025-03-03T09:40:00Z' },
  ),
  cdevent(
    '0.4.1',
    'dev.cdevents.incident.detected.0.2.0',
    'inc-ev-1',
    '2025-03-04T09:00:00Z',
    {
      id: 'incident-123',
      content: {
        description: 'Response time above 100ms',
        environment: { id: 'production' },
        service: { id: 'storefront' },
      },
    },
    { severity: 'SEV-2' },
  ),
  cdevent('0.4.1', 'dev.cdevents.incident.resolved.0.2.0', 'inc-ev-2', '2025-03-04T09:45:00Z', {
    id: 'incident-123',
    content: {
      description: 'Response time back below 100ms',
      environment: { id: 'production' },
      service: { id: 'storefront' },
    },
  }),
  cdevent('0.5.1', 'dev.cdevents.ticket.created.0.2.0', 'tk-ev-1', '2025-03-05T08:00:00Z', {
    id: 'ticket-123',
    content: {
      summary: 'New CVE-123 detected',
      ticketType: 'bug',
      group: 'web',
      creator: 'Alice',
      priority: 'high',
      uri: 'https://example.issues.com/ticket123',
    },
  }),
  cdevent('0.5.1', 'dev.cdevents.ticket.closed.0.2.0', 'tk-ev-2', '2025-03-06T17:00:00Z', {
    id: 'ticket-123',
    content: {
      summary: 'New CVE-123 detected',
      ticketType: 'bug',
      group: 'web',
      resolution: 'completed',
      updatedBy: 'Bob',
    },
  }),
  cdevent(
    '0.5.1',
    'dev.cdevents.change.merged.0.3.0',
    'ch-ev-1',
    '2025-03-03T08:00:00Z',
    {
      id: 'shop-42',
      content: { repository: { id: 'acme/shop', source: 'https://github.com' } },
    },
    { author: 'ana@example.com', number: 42, createdAt: '2025-03-02T15:00:00Z', sha: 'abc1234' },
  ),
  cdevent('0.5.1', 'dev.cdevents.change.merged.0.3.0', 'ch-ev-2', '2025-03-03T08:30:00Z', {
    id: 'shop-43',
    content: { repository: { id: 'acme/shop', source: 'https://github.com' } },
  }),
]

let dir: string
let cleanup: () => void

beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
  writeFileSync(join(dir, 'engops.yaml'), MINIMAL_CONFIG)
})
afterAll(() => cleanup())

describe('CDEvents', () => {
  test('a file of CDEvents (and a structured CloudEvent) through ingest events --format cdevents', async () => {
    // The last line: a CloudEvent in structured mode carrying a deployment.
    const structured = {
      specversion: '1.0',
      id: 'dep-3',
      source: '/event/source/123',
      type: 'dev.cdevents.service.deployed.0.3.0',
      time: '2025-03-05T12:00:00Z',
      datacontenttype: 'application/json',
      data: cdevent(
        '0.5.1',
        'dev.cdevents.service.deployed.0.3.0',
        'dep-3',
        '2025-03-05T12:00:00Z',
        {
          id: 'storefront',
          content: { environment: { id: 'production' }, artifactId: ARTIFACT },
        },
        { sha: 'def5678' },
      ),
    }
    const file = ndjson(join(dir, 'cdevents.ndjson'), [...FILE_EVENTS, structured])
    const result = engops(['ingest', 'events', '--format', 'cdevents', file], dir)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(
      'stored 3 deployments, 1 incident, 1 pull request, 0 commits, 1 pipeline_run, 1 work_item from 1 file; 1 skipped: change.merged without customData.author: nobody to attribute it to\n',
    )
    expect(
      await storeRows(
        dir,
        'select id, service, environment, sha, kind, finished_at from deployments order by id',
      ),
    ).toEqual([
      {
        id: 'dep-1',
        service: 'storefront',
        environment: 'production',
        sha: 'abc1234',
        kind: 'regular',
        finished_at: Date.parse('2025-03-03T10:00:00Z'),
      },
      {
        id: 'dep-2',
        service: 'storefront',
        environment: 'production',
        sha: ARTIFACT,
        kind: 'rollback',
        finished_at: Date.parse('2025-03-04T10:00:00Z'),
      },
      {
        id: 'dep-3',
        service: 'storefront',
        environment: 'production',
        sha: 'def5678',
        kind: 'regular',
        finished_at: Date.parse('2025-03-05T12:00:00Z'),
      },
    ])
    expect(
      await storeRows(
        dir,
        "select id, severity, detected_at, resolved_at from incidents where source = 'cdevents'",
      ),
    ).toEqual([
      {
        id: 'incident-123',
        severity: 'SEV-2',
        detected_at: Date.parse('2025-03-04T09:00:00Z'),
        resolved_at: Date.parse('2025-03-04T09:45:00Z'),
      },
    ])
    expect(
      await storeRows(dir, 'select repo, number, author, created_at, merged_at from pull_requests'),
    ).toEqual([
      {
        repo: 'shop',
        number: 42,
        author: 'ana@example.com',
        created_at: Date.parse('2025-03-02T15:00:00Z'),
        merged_at: Date.parse('2025-03-03T08:00:00Z'),
      },
    ])
    const [item] = await storeRows(dir, "select payload from records where type = 'work_item'")
    expect(JSON.parse(String(item?.payload))).toMatchObject({
      key: 'ticket-123',
      team: 'web',
      itemType: 'bug',
      createdAt: Date.parse('2025-03-05T08:00:00Z'),
      statusChanges: [
        { status: 'todo', at: Date.parse('2025-03-05T08:00:00Z') },
        { status: 'done', at: Date.parse('2025-03-06T17:00:00Z') },
      ],
    })
    const [run] = await storeRows(dir, "select payload from records where type = 'pipeline_run'")
    expect(JSON.parse(String(run?.payload))).toMatchObject({
      repo: 'shop',
      workflow: 'build',
      result: 'failure',
    })

    const bad = ndjson(join(dir, 'bad.ndjson'), [{ type: 'deployment', id: 'x' }])
    const refused = engops(['ingest', 'events', '--format', 'cdevents', bad], dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('bad.ndjson:1: not a CDEvent')
  })

  test('webhooks in binary and structured mode; the resolution merges into the stored detection', async () => {
    const engine = await Engine.open({ config: join(dir, 'engops.yaml'), db: storeFor(dir) })
    const intake = new WebhookIntake(engine, { dir: join(dir, 'spool') })
    const app = createApp({ engine, auth: false, webhooks: { cdevents: [TOKEN] }, intake })
    try {
      const detected = cdevent(
        '0.5.1',
        'dev.cdevents.incident.detected.0.3.0',
        'hook-1',
        '2025-03-10T10:00:00Z',
        {
          id: 'incident-900',
          content: {
            description: 'Errors above 1%',
            environment: { id: 'production' },
            service: { id: 'storefront' },
          },
        },
        { severity: 'SEV-1' },
      )
      const binary = await app.request('/webhooks/cdevents', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': 'hook-1',
          'ce-source': '/monitoring/prod1',
          'ce-type': 'dev.cdevents.incident.detected.0.3.0',
          'ce-time': '2025-03-10T10:00:00Z',
          'x-engops-webhook-token': TOKEN,
        },
        body: JSON.stringify(detected),
      })
      expect([binary.status, await binary.json()]).toEqual([
        200,
        { delivery: 'hook-1', spooled: false, duplicate: false, stored: 1 },
      ])
      const resolved = cdevent(
        '0.5.1',
        'dev.cdevents.incident.resolved.0.3.0',
        'hook-2',
        '2025-03-10T10:30:00Z',
        {
          id: 'incident-900',
          content: {
            description: 'Errors back to normal',
            environment: { id: 'production' },
            service: { id: 'storefront' },
          },
        },
      )
      const structured = await app.request('/webhooks/cdevents', {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', 'x-engops-webhook-token': TOKEN },
        body: JSON.stringify({
          specversion: '1.0',
          id: 'hook-2',
          source: '/monitoring/prod1',
          type: 'dev.cdevents.incident.resolved.0.3.0',
          time: '2025-03-10T10:30:00Z',
          datacontenttype: 'application/json',
          data: resolved,
        }),
      })
      expect([structured.status, await structured.json()]).toEqual([
        200,
        { delivery: 'hook-2', spooled: false, duplicate: false, stored: 1 },
      ])
      expect(
        await storeRows(
          dir,
          "select severity, detected_at, resolved_at from incidents where id = 'incident-900'",
        ),
      ).toEqual([
        {
          severity: 'SEV-1',
          detected_at: Date.parse('2025-03-10T10:00:00Z'),
          resolved_at: Date.parse('2025-03-10T10:30:00Z'),
        },
      ])
      const unsigned = await app.request('/webhooks/cdevents', {
        method: 'POST',
        body: JSON.stringify(resolved),
      })
      expect(unsigned.status).toBe(401)
      const unused = await app.request('/webhooks/cdevents', {
        method: 'POST',
        headers: { 'x-engops-webhook-token': TOKEN },
        body: JSON.stringify(
          cdevent('0.5.1', 'dev.cdevents.build.started.0.2.0', 'hook-3', '2025-03-10T11:00:00Z', {
            id: 'b1',
            content: {},
          }),
        ),
      })
      expect([unused.status, await unused.json()]).toEqual([
        202,
        { delivery: 'hook-3', stored: 0, ignored: 'CDEvent dev.cdevents.build.started.0.2.0 is not used' },
      ])
    } finally {
      intake.stop()
      await engine.close()
    }
  })
})
