/**
 * Alerts on the demo's story: team Beta's reviews slow down through the autumn (pickup from 3 h to
 * 40 h), so "Reviews within 24 h" goes green → yellow → red; then the team's fast reviews in
 * December bring it back. The real CLI judges the rules at chosen instants (`alerts --evaluate
 * --at`) and sends to a local Slack-compatible receiver.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ALERT_KINDS } from '../src/model/org.js'
import { engops, engopsAsync, ndjson, tempDir } from './helpers.js'
import { type HttpReceiver, httpReceiver } from './receivers.js'

let temp: ReturnType<typeof tempDir>
let demo: string
let http: HttpReceiver
let env: NodeJS.ProcessEnv

/** Every default rule but kpi-status. */
const OFF = ALERT_KINDS.filter((kind) => kind !== 'kpi-status')

beforeAll(async () => {
  temp = tempDir('engops-alerts-')
  demo = join(temp.dir, 'demo')
  const made = engops(['demo', '--dir', demo, '--seed', '7', '--end', '2026-11-30', '--quiet'], temp.dir)
  expect(made.code, made.stderr).toBe(0)
  http = await httpReceiver()
  const config = join(demo, 'engops.yaml')
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(/^org:\n/m, 'org:\n  dashboardUrl: https://engops.example.com\n'),
  )
  // The default kpi-status rule re-scoped to Beta's review SLA; the other defaults switched off.
  appendFileSync(
    config,
    `
destinations:
  - { id: slack-beta, kind: slack, urlEnv: SLACK_BETA_WEBHOOK }
alerts:
  to: [slack-beta]
  rules:
    - { id: kpi-status, scope: { team: beta }, kpis: [review_sla_share], quiet: 24h }
${OFF.map((id) => `    - { id: ${id}, enabled: false }`).join('\n')}
`,
  )
  env = { SLACK_BETA_WEBHOOK: `${http.url}/beta` }
}, 120_000)

afterAll(async () => {
  await http?.close()
  temp?.cleanup()
})

interface Outcome {
  key: string
  event: string
  severity: string
  title: string
}

const evaluate = async (at: string): Promise<Outcome[]> => {
  const result = await engopsAsync(['alerts', '--evaluate', '--at', at, '--json'], demo, env)
  expect(result.code, result.stderr).toBe(0)
  return (JSON.parse(result.stdout) as Outcome[]).map(({ key, event, severity, title }) => ({
    key,
    event,
    severity,
    title,
  }))
}

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] }
const lastMessage = () => http.received.at(-1)?.json as { text: string; blocks: Block[] }

/** A small org whose one blocking dependency is long past its need-by date; only that rule is on. */
function writeDependencyOrg(dir: string): void {
  writeFileSync(
    join(dir, 'engops.yaml'),
    `org: { name: Acme }
teams:
  - { id: web, name: Web, type: stream-aligned }
  - { id: platform, name: Platform, type: platform }
dependencies:
  - { id: d1, provider: platform, consumer: web, what: "SSO for the shop", type: blocking, status: open, risk: high, opened: 2020-01-01, neededBy: 2020-02-01 }
destinations:
  - { id: hook, kind: webhook, urlEnv: HOOK }
alerts:
  rules:
${ALERT_KINDS.filter((id) => id !== 'dependency-overdue')
  .map((id) => `    - { id: ${id}, enabled: false }`)
  .join('\n')}
`,
  )
}

const KEY = 'kpi-status:review_sla_share:team:beta'

describe('alerts on the demo story', () => {
  test('green: nothing is sent', async () => {
    expect(await evaluate('2026-10-15T09:00:00Z')).toEqual([])
    expect(http.received).toHaveLength(0)
  })

  test('yellow: the alert opens, with the value against its target, the trend and the links', async () => {
    expect(await evaluate('2026-11-01T09:00:00Z')).toEqual([
      {
        key: KEY,
        event: 'opened',
        severity: 'warning',
        title: 'Reviews within 24 h is yellow for team Beta',
      },
    ])
    const message = lastMessage()
    expect(message.blocks[0]?.text?.text).toBe('Reviews within 24 h is yellow for team Beta')
    expect(message.blocks[1]?.text?.text).toBe('Warning.')
    expect(message.blocks[2]?.text?.text).toBe(
      [
        '*What engops sees*',
        // As `engops kpis --team beta --to 2026-11-02` shows them: the last 30 days up to today's end.
        '🟡 86.4% over the last 30 days (target: &gt;= 90.0%)',
        'Trend: ↓ 14% worsening (was 100.0%)',
        'Paired: Code review turnaround (p50) 9.9 h (green)',
      ].join('\n'),
    )
    expect(message.blocks.at(-1)?.elements?.[0]?.text).toBe(
      '<https://engops.example.com/#/flow?team=beta|Dashboard> · <https://engops.example.com/api/metrics/reviews?team=beta|Drill down>',
    )
  })

  test('inside the quiet period: nothing; red: sent at once; a day later: repeated', async () => {
    expect(await evaluate('2026-11-01T15:00:00Z')).toEqual([])
    expect(await evaluate('2026-11-15T09:00:00Z')).toEqual([
      { key: KEY, event: 'changed', severity: 'critical', title: 'Reviews within 24 h is red for team Beta' },
    ])
    expect(lastMessage().blocks[1]?.text?.text).toBe('Critical, firing since Sun 2026-11-01 09:00 UTC.')
    expect(await evaluate('2026-11-15T20:00:00Z')).toEqual([])
    expect(await evaluate('2026-11-16T09:00:00Z')).toEqual([
      {
        key: KEY,
        event: 'repeated',
        severity: 'critical',
        title: 'Still: Reviews within 24 h is red for team Beta',
      },
    ])
    expect(http.received).toHaveLength(3)
  })

  test('the team reviews fast again: one "resolved" message, and the state says so', async () => {
    // Twenty pull requests to Beta's payments repository in December, each reviewed within the hour.
    const day = (d: number, h: number) => new Date(Date.UTC(2026, 11, d, h)).toISOString()
    const file = ndjson(
      join(temp.dir, 'fast-reviews.ndjson'),
      Array.from({ length: 20 }, (_, i) => ({
        type: 'pull_request',
        repo: 'payments',
        number: 9000 + i,
        author: 'jonas.garcia@acme.example',
        createdAt: day(10 + i, 9),
        mergedAt: day(10 + i, 12),
        commits: [],
        reviews: [{ author: 'priya.costa@acme.example', at: day(10 + i, 10), state: 'approved' }],
      })),
    )
    // --no-alerts: here the instants are chosen by --at (data arriving judges them as of now).
    const ingested = engops(['--no-alerts', 'ingest', 'events', file], demo)
    expect(ingested.code, ingested.stderr).toBe(0)
    expect(await evaluate('2027-01-02T09:00:00Z')).toEqual([
      {
        key: KEY,
        event: 'resolved',
        severity: 'critical',
        title: 'Resolved: Reviews within 24 h is red for team Beta',
      },
    ])
    expect(lastMessage().blocks[1]?.text?.text).toBe('Resolved after firing since Sun 2026-11-01 09:00 UTC.')
    expect(await evaluate('2027-01-03T09:00:00Z')).toEqual([])
    const listed = engops(['alerts'], demo)
    expect(listed.stdout.trim()).toBe(
      '[ok]    Reviews within 24 h is red for team Beta (resolved Sat 2027-01-02 09:00 UTC)',
    )
    expect(http.received).toHaveLength(4)
  })

  test('data arriving judges the alerts at once: an ingest opens an overdue dependency', async () => {
    const { dir, cleanup } = tempDir()
    try {
      writeDependencyOrg(dir)
      const file = ndjson(join(dir, 'deploys.ndjson'), [
        {
          type: 'deployment',
          id: 'd-1',
          service: 'shop',
          environment: 'production',
          result: 'success',
          startedAt: '2026-01-05T10:00:00Z',
          finishedAt: '2026-01-05T10:05:00Z',
          sha: 'abc',
        },
      ])
      const first = await engopsAsync(['ingest', 'events', file, '--json'], dir, {
        HOOK: `${http.url}/arrival`,
      })
      expect(first.code, first.stderr).toBe(0)
      expect(JSON.parse(first.stdout)).toMatchObject({ events: { deployment: 1 } })
      expect(first.stderr).toBe(
        'alert opened (critical): Dependency d1: Web waits on Platform past its need-by date → hook\n',
      )
      const arrived = http.received.filter((r) => r.path === '/arrival')
      expect(arrived).toHaveLength(1)
      expect(arrived[0]?.json).toMatchObject({
        kind: 'alert',
        data: { rule: 'dependency-overdue', event: 'opened', team: 'web' },
      })
      // The same alert inside its quiet period: nothing more.
      const again = await engopsAsync(['ingest', 'events', file], dir, { HOOK: `${http.url}/arrival` })
      expect(again.stderr).toBe('')
      expect(http.received.filter((r) => r.path === '/arrival')).toHaveLength(1)
    } finally {
      cleanup()
    }
  })

  test('two processes judging at once send an alert once', async () => {
    const { dir, cleanup } = tempDir()
    try {
      writeDependencyOrg(dir)
      const args = ['alerts', '--evaluate', '--at', '2026-06-01T09:00:00Z', '--json']
      const both = await Promise.all([
        engopsAsync(args, dir, { HOOK: `${http.url}/twice` }),
        engopsAsync(args, dir, { HOOK: `${http.url}/twice` }),
      ])
      for (const r of both) expect(r.code, r.stderr).toBe(0)
      const sent = both.flatMap((r) => JSON.parse(r.stdout) as Outcome[])
      expect(sent.map((o) => o.event)).toEqual(['opened'])
      expect(http.received.filter((r) => r.path === '/twice')).toHaveLength(1)
    } finally {
      cleanup()
    }
  })

  test('rules are checked: a rule of its own needs its kind, references resolve', () => {
    const { dir, cleanup } = tempDir()
    try {
      writeFileSync(
        join(dir, 'engops.yaml'),
        `org: { name: Acme }
alerts:
  to: [nowhere]
  rules:
    - { id: mine, scope: { team: ghosts } }
    - { id: kpi-status, kpis: [no_such_kpi] }
`,
      )
      const result = engops(['validate'], dir)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('alerts.to[0]: unknown destination "nowhere"')
      expect(result.stderr).toContain('alerts.rules[0].kind: rule "mine" is no default rule')
      expect(result.stderr).toContain('alerts.rules[0].scope.team: unknown team "ghosts"')
      expect(result.stderr).toContain('alerts.rules[1].kpis[0]: unknown KPI "no_such_kpi"')
    } finally {
      cleanup()
    }
  })
})
