/**
 * `engops sync` against a local Jira stand-in (jira-standin.ts: Cloud and Data Center shapes):
 * 254 work items over two projects, paged at 50, through a 429 and a 500, one issue whose changelog
 * is longer than search results hold; two closed sprints of a board with mid-sprint scope change
 * (an issue added, one added and taken out, one taken out, one re-estimated, one carried over).
 * The sprint totals are computed by hand below; flow, delivery, quality and capacity figures equal
 * those of the same facts given as NDJSON; a second sync reads only what changed; Data Center
 * gives the same; a refused token stores nothing.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, engopsAsync, ndjson, storeCounts, storeRows, tempDir } from './helpers.js'
import {
  type FixtureIssue,
  type FixtureSprint,
  JIRA_EMAIL,
  JIRA_PAT,
  JIRA_TOKEN,
  type JiraStandIn,
  startJira,
} from './jira-standin.js'

const H = 3_600_000
const D = 24 * H
const at = (day: number, hour: number, minute = 0) => Date.UTC(2025, 2, day, hour, minute)
const PERIOD = ['--team', 'payments', '--from', '2025-03-01', '--to', '2025-04-01', '--json']

const SPRINTS: FixtureSprint[] = [
  {
    id: 101,
    name: 'PAY Sprint 1',
    state: 'closed',
    start: at(3, 9),
    end: at(14, 17),
    complete: at(14, 17, 5),
  },
  {
    id: 102,
    name: 'PAY Sprint 2',
    state: 'closed',
    start: at(17, 9),
    end: at(28, 17),
    complete: at(28, 17, 10),
  },
  { id: 103, name: 'PAY Sprint 3', state: 'active', start: at(31, 9), end: at(31, 9) + 11 * D },
]

const story = (
  key: string,
  created: number,
  points: number | null,
  steps: FixtureIssue['steps'],
  more: Partial<FixtureIssue> = {},
): FixtureIssue => ({
  key,
  type: 'Story',
  created,
  status: 'To Do',
  points,
  sprints: [],
  steps,
  ...more,
})

/** The sprint story: each issue's part is in the comment beside it. */
const SPRINT_ISSUES: FixtureIssue[] = [
  // Committed to sprint 1 (5), done in it.
  story('PAY-1', at(1, 10), 5, [
    { at: at(2, 12), sprints: [101] },
    { at: at(3, 10), status: 'In Progress' },
    { at: at(5, 9), status: 'Code Review' },
    { at: at(6, 12), status: 'Done' },
  ]),
  // Committed at 3, re-estimated to 8 mid-sprint, done: 3 of the commitment, 8 completed.
  story(
    'PAY-2',
    at(1, 11),
    3,
    [
      { at: at(2, 12), sprints: [101] },
      { at: at(4, 9), status: 'In Progress' },
      { at: at(5, 10), points: 8 },
      { at: at(10, 9), status: 'In QA' },
      { at: at(12, 15), status: 'Done' },
    ],
    { epic: 'PAY-8' },
  ),
  // Committed (8), blocked, carried over into sprint 2 at completion (committed there), done in it.
  story('PAY-3', at(1, 12), 8, [
    { at: at(2, 12), sprints: [101] },
    { at: at(7, 9), status: 'In Progress' },
    { at: at(11, 9), status: 'Blocked' },
    { at: at(14, 17, 5), sprints: [101, 102] },
    { at: at(18, 9), status: 'In Progress' },
    { at: at(20, 16), status: 'Done' },
  ]),
  // A bug added to sprint 1 after it started (2 added), done in it.
  {
    ...story('PAY-4', at(6, 8), 2, [
      { at: at(6, 9), sprints: [101] },
      { at: at(7, 10), status: 'In Progress' },
      { at: at(10, 11), status: 'Done' },
    ]),
    type: 'Bug',
    foundIn: 'Prod',
  },
  // Committed (5), taken out of the sprint on day 5: committed, not completed.
  story('PAY-5', at(1, 13), 5, [
    { at: at(2, 12), sprints: [101] },
    { at: at(7, 14), sprints: [] },
  ]),
  // Added after the start (3 added) and taken out again.
  {
    ...story('PAY-6', at(8, 8), 3, [
      { at: at(8, 9), sprints: [101] },
      { at: at(11, 10), sprints: [] },
    ]),
    type: 'Task',
  },
  // Planned into sprint 2 before it started (5 committed), done in it.
  story('PAY-7', at(12, 9), 5, [
    { at: at(15, 10), sprints: [102] },
    { at: at(18, 10), status: 'In Progress' },
    { at: at(27, 12), status: 'Done' },
  ]),
  // An epic: not a work item.
  { ...story('PAY-8', at(1, 9), null, []), type: 'Epic' },
  // 45 changes: more than the 40 a search result holds.
  story(
    'PAY-9',
    at(1, 8),
    2,
    Array.from({ length: 45 }, (_, k) => ({
      at: at(10, 0) + k * 2 * H,
      status: k === 44 ? 'Done' : k % 2 === 0 ? 'In Progress' : 'Code Review',
    })),
    { labels: ['reliability'] },
  ),
  // A type engops does not know (counted as task) through a status it cannot place (left out).
  {
    ...story('PAY-10', at(2, 9), 1, [
      { at: at(3, 9), status: 'In Progress' },
      { at: at(4, 9), status: 'Parked' },
      { at: at(5, 9), status: 'Done' },
    ]),
    type: 'Spike',
  },
]

const TYPES = ['Story', 'Bug', 'Task'] as const
const FILLER: FixtureIssue[] = Array.from({ length: 245 }, (_, k) => {
  const created = at(1, 0) + k * 2 * H + 7 * 60_000
  const started = created + (1 + (k % 5)) * H
  const steps: FixtureIssue['steps'] = [{ at: started, status: 'In Progress' }]
  if (k % 3 === 0) steps.push({ at: started + (2 + (k % 7)) * H, status: 'Code Review' })
  if (k % 4 !== 3) steps.push({ at: started + (10 + (k % 11)) * H, status: 'Done' })
  const type = TYPES[k % 3] ?? 'Story'
  return {
    ...story(k < 240 ? `PAY-${100 + k}` : `OPS-${k}`, created, k % 6 === 0 ? null : 1 + (k % 8), steps),
    type,
    ...(type === 'Bug' ? { foundIn: ['Prod', 'QA', 'Staging'][Math.floor(k / 3) % 3] } : {}),
  }
})

const ISSUES = [...SPRINT_ISSUES, ...FILLER]

/** The work items the README's rules give, written from the fixture independently of the connector. */
function workItems(issues: readonly FixtureIssue[]) {
  const status: Record<string, string> = {
    'To Do': 'todo',
    'In Progress': 'in-progress',
    'Code Review': 'review',
    Blocked: 'blocked',
    'In QA': 'in-progress',
    Done: 'done',
  }
  return issues
    .filter((i) => i.type !== 'Epic')
    .map((i) => {
      const changes: { status: string; at: string }[] = [
        { status: 'todo', at: new Date(i.created).toISOString() },
      ]
      let points = i.points
      let sprints = i.sprints
      for (const step of i.steps) {
        const s = step.status ? status[step.status] : undefined
        if (s && changes.at(-1)?.status !== s)
          changes.push({ status: s, at: new Date(step.at).toISOString() })
        if (step.points !== undefined) points = step.points
        if (step.sprints) sprints = step.sprints
      }
      const itemType = { Story: 'story', Bug: 'bug', Task: 'task', Spike: 'task' }[i.type]
      const investment =
        i.epic === 'PAY-8' ? 'roadmap' : i.labels?.includes('reliability') ? 'reliability' : undefined
      const foundIn = i.foundIn ? { Prod: 'production', QA: 'pre-release' }[i.foundIn] : undefined
      return {
        type: 'work_item',
        source: 'jira',
        key: i.key,
        team: i.key.startsWith('OPS') ? 'ops' : 'payments',
        itemType,
        ...(points !== null ? { points } : {}),
        createdAt: new Date(i.created).toISOString(),
        statusChanges: changes,
        ...(sprints.length ? { sprint: String(sprints.at(-1)) } : {}),
        ...(investment ? { investment } : {}),
        ...(foundIn ? { foundIn } : {}),
      }
    })
}

/** Sprint totals counted by hand from the comments of SPRINT_ISSUES. */
const SPRINT_EVENTS = [
  {
    type: 'sprint',
    source: 'jira',
    id: '101',
    team: 'payments',
    name: 'PAY Sprint 1',
    start: new Date(at(3, 9)).toISOString(),
    end: new Date(at(14, 17, 5)).toISOString(),
    committed: 5 + 3 + 8 + 5, // PAY-1, 2, 3, 5 at the start, as estimated then
    completed: 5 + 8 + 2, // PAY-1, PAY-2 (re-estimated), PAY-4
    completedCommitted: 5 + 3, // PAY-1, PAY-2 as committed
    added: 2 + 3, // PAY-4, PAY-6
  },
  {
    type: 'sprint',
    source: 'jira',
    id: '102',
    team: 'payments',
    name: 'PAY Sprint 2',
    start: new Date(at(17, 9)).toISOString(),
    end: new Date(at(28, 17, 10)).toISOString(),
    committed: 8 + 5,
    completed: 8 + 5,
    completedCommitted: 8 + 5,
    added: 0,
  },
]

let root: string
let cleanup: () => void
let jira: JiraStandIn

function project(name: string, source?: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'engops.yaml'),
    `org: { name: Acme, timezone: Europe/Berlin }
people:
  - { id: ana, name: Ana, emails: [ana@example.com], team: payments }
teams:
  - { id: payments, name: Payments, type: stream-aligned }
services:
  - { id: checkout, owner: payments, tier: 1, repositories: [checkout] }
${source ? `sources:\n${source}\n` : ''}`,
  )
  return dir
}

const cloudSource = (url: string) => `  - id: jira
    kind: jira
    url: ${url}
    emailEnv: JIRA_TEST_EMAIL
    tokenEnv: JIRA_TEST_TOKEN
    projects: [PAY, OPS]
    boards: [7]
    foundInField: Found In
    foundInMap: { Prod: production, QA: pre-release }
    investment: { epics: { PAY-8: roadmap }, labels: { reliability: reliability } }
    since: 2025-03-01`

const ENV = { JIRA_TEST_EMAIL: JIRA_EMAIL, JIRA_TEST_TOKEN: JIRA_TOKEN, JIRA_TEST_PAT: JIRA_PAT }
const sync = (dir: string, env: NodeJS.ProcessEnv = ENV) => engopsAsync(['sync', '--json'], dir, env)
const FAMILIES = ['flow', 'delivery', 'quality', 'capacity']

beforeAll(async () => {
  ;({ dir: root, cleanup } = tempDir())
  jira = await startJira({ issues: ISSUES, sprints: SPRINTS })
})
afterAll(async () => {
  await jira.close()
  cleanup()
})

const jql = (request: string | undefined) =>
  new URL(request ?? '/', 'http://localhost').searchParams.get('jql') ?? ''

describe('engops sync from Jira', () => {
  let synced: string
  let plain: string

  test('work items and sprints through paging, a 429 and a 500; figures equal the NDJSON of the same facts', async () => {
    synced = project('synced', cloudSource(jira.url))
    jira.faults.set(5, 429)
    jira.faults.set(7, 500)
    const result = await sync(synced)
    expect(result.code, result.stderr).toBe(0)
    const [summary] = JSON.parse(result.stdout) as { events: Record<string, number>; notes: string[] }[]
    expect(summary?.events).toEqual({ work_item: 254, sprint: 2 })
    expect(summary?.notes).toEqual([
      'Jira statuses mapped by their name or category (add them to statusMap to change): Code Review → review, In QA → in-progress',
      'Jira statuses with no category, left out of status histories (add them to statusMap): Parked',
      'Jira projects that map to no team of the org file (stored under their key; add them to teams): OPS',
      'Jira issue types counted as task (set itemTypes to change): Spike',
      'Jira found-in values with no meaning (add them to foundInMap): Staging',
    ])
    // The rate-limited and the failed request were each asked again.
    expect(jira.requests[5]).toBe(jira.requests[4])
    expect(jira.requests[7]).toBe(jira.requests[6])
    // JQL reads times in the token user's zone: since is midnight in the org's zone (Berlin),
    // 18:00 the day before in New York.
    expect(jql(jira.requests[3])).toContain('updated >= "2025-02-28 18:00"')
    // PAY-9's changelog was read whole.
    expect(jira.requests.some((r) => r.startsWith('/rest/api/3/issue/PAY-9/changelog'))).toBe(true)

    const [pay2] = await storeRows(
      synced,
      `select payload from records where type = 'work_item' and id = 'PAY-2'`,
    )
    expect(JSON.parse(String(pay2?.payload)).statusChanges).toEqual(
      [
        ['todo', at(1, 11)],
        ['in-progress', at(4, 9)],
        ['done', at(12, 15)],
      ].map(([status, t]) => ({ status, at: t })),
    )
    const [pay9] = await storeRows(
      synced,
      `select payload from records where type = 'work_item' and id = 'PAY-9'`,
    )
    expect(JSON.parse(String(pay9?.payload)).statusChanges).toHaveLength(46)

    const sprints = await storeRows(
      synced,
      `select id, payload from records where type = 'sprint' order by id`,
    )
    expect(
      sprints.map((s) => {
        const p = JSON.parse(String(s.payload))
        return [s.id, p.committed, p.completed, p.completedCommitted, p.added]
      }),
    ).toEqual([
      ['101', 21, 15, 8, 5],
      ['102', 13, 13, 13, 0],
    ])

    plain = project('plain')
    const file = ndjson(join(plain, 'jira.ndjson'), [...workItems(ISSUES), ...SPRINT_EVENTS])
    const ingested = engops(['ingest', 'events', file], plain)
    expect(ingested.code, ingested.stderr).toBe(0)
    for (const family of FAMILIES) {
      const a = JSON.parse(engops(['metrics', family, ...PERIOD], synced).stdout)
      expect(a, family).toEqual(JSON.parse(engops(['metrics', family, ...PERIOD], plain).stdout))
    }
    const delivery = JSON.parse(engops(['metrics', 'delivery', ...PERIOD], synced).stdout)
    expect(delivery.summary.predictability).toEqual({
      committed: 21 + 13,
      completedCommitted: 8 + 13,
      rate: (8 + 13) / (21 + 13),
      unknown: 0,
    })
    expect(delivery.summary.scopeChange.added).toBe(5)
  }, 120_000)

  test('a second sync reads what changed since, and no closed sprint again', async () => {
    const open = FILLER.find((i) => !i.steps.some((s) => s.status === 'Done'))
    if (!open) throw new Error('fixture')
    open.steps.push({ at: Date.now() - 1000, status: 'Done' })
    const before = jira.requests.length
    const result = await sync(synced)
    expect(result.code, result.stderr).toBe(0)
    const [summary] = JSON.parse(result.stdout) as { events: Record<string, number> }[]
    // The issue done now, and those updated in the cursor's minute (read again, not missed).
    expect(summary?.events.work_item).toBeGreaterThanOrEqual(1)
    expect(summary?.events.work_item).toBeLessThanOrEqual(3)
    expect(summary?.events.sprint).toBeUndefined()
    expect(jira.requests.slice(before).some((r) => jql(r).includes('sprint in'))).toBe(false)
    const [row] = await storeRows(
      synced,
      `select payload from records where type = 'work_item' and id = '${open.key}'`,
    )
    expect(JSON.parse(String(row?.payload)).statusChanges.at(-1).status).toBe('done')
    open.steps.pop()
  }, 60_000)

  test('Jira Data Center (bearer token, startAt paging, full changelogs) gives the same figures', async () => {
    const dc = project(
      'datacenter',
      cloudSource(jira.url)
        .replace('    emailEnv: JIRA_TEST_EMAIL\n', '')
        .replace('JIRA_TEST_TOKEN', 'JIRA_TEST_PAT'),
    )
    const result = await sync(dc)
    expect(result.code, result.stderr).toBe(0)
    expect(jira.requests.some((r) => r.startsWith('/rest/api/2/search?'))).toBe(true)
    for (const family of FAMILIES) {
      const a = JSON.parse(engops(['metrics', family, ...PERIOD], dc).stdout)
      expect(a, family).toEqual(JSON.parse(engops(['metrics', family, ...PERIOD], plain).stdout))
    }
  }, 120_000)

  test('a refused token stops the source with its name and URL, and stores nothing', async () => {
    const before = await storeCounts(synced)
    const refused = await sync(synced, { ...ENV, JIRA_TEST_TOKEN: 'wrong' })
    expect(refused.code).toBe(1)
    const [summary] = JSON.parse(refused.stdout) as { error: string }[]
    expect(summary?.error).toContain(
      `source jira: Jira refused the token (401) at ${jira.url}/rest/api/3/status`,
    )
    expect(summary?.error).toContain(
      'check the API token in JIRA_TEST_TOKEN and the email in JIRA_TEST_EMAIL',
    )
    expect(await storeCounts(synced)).toEqual(before)
  })
})
