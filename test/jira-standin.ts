/**
 * A local stand-in for Jira, answering in the shapes of Atlassian's published OpenAPI descriptions
 * (Jira Cloud platform REST v3 and Jira Software / Agile 1.0, as mirrored by salto-io/jira-swaggers,
 * with the enhanced search `GET /rest/api/3/search/jql` of the current platform API):
 * - Cloud: `/rest/api/3/search/jql` paged by `nextPageToken` / `isLast`, basic auth; the changelog
 *   of an issue in search results holds its 40 latest histories, newest first, with `total`; the
 *   rest through `/rest/api/3/issue/{key}/changelog` (PageBeanChangelog, oldest first).
 * - Data Center: `/rest/api/2/search` paged by `startAt` / `total`, bearer auth, full changelogs.
 * - Both: `/field`, `/status`, `/myself` (its time zone is the one JQL dates are read in), and the
 *   Agile API's `/board/{id}`, `/board/{id}/project`, `/board/{id}/sprint?state=`.
 * It evaluates the two JQL shapes engops sends (project + updated, sprint in + project + updated)
 * and returns at most 50 issues a page whatever is asked (Jira may return fewer).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const JIRA_EMAIL = 'ana@example.com'
export const JIRA_TOKEN = 'jira-api-token'
export const JIRA_PAT = 'jira-dc-pat'
export const JIRA_ZONE = 'America/New_York'

/** Statuses by name: id and category. `Parked` is in no category Jira lists (a deleted status). */
export const STATUSES: Record<string, { id: string; category: 'new' | 'indeterminate' | 'done' }> = {
  'To Do': { id: '10000', category: 'new' },
  'In Progress': { id: '3', category: 'indeterminate' },
  'Code Review': { id: '10100', category: 'indeterminate' },
  Blocked: { id: '10101', category: 'indeterminate' },
  'In QA': { id: '10102', category: 'indeterminate' },
  Done: { id: '10002', category: 'done' },
  Parked: { id: '10200', category: 'new' },
}

export interface Step {
  at: number
  status?: string
  points?: number | null
  /** The sprint ids the issue is in from now on. */
  sprints?: number[]
}

export interface FixtureIssue {
  key: string
  type: string
  created: number
  /** At creation. */
  status: string
  points: number | null
  sprints: number[]
  labels?: string[]
  epic?: string
  foundIn?: string
  steps: Step[]
}

export interface FixtureSprint {
  id: number
  name: string
  state: 'closed' | 'active' | 'future'
  start: number
  end: number
  complete?: number
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000')
const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
}
const statusObject = (name: string) => {
  const s = STATUSES[name] ?? { id: '1', category: 'new' as const }
  return {
    self: `https://acme.atlassian.net/rest/api/3/status/${s.id}`,
    name,
    id: s.id,
    statusCategory: CATEGORY[s.category],
  }
}

/** The issue's fields now and its histories, oldest first, from its steps. */
function replay(issue: FixtureIssue, sprints: FixtureSprint[]) {
  let status = issue.status
  let points = issue.points
  let inSprints = issue.sprints
  const histories = issue.steps.map((step, k) => {
    const items = []
    if (step.status !== undefined && step.status !== status) {
      const from = STATUSES[status]
      const to = STATUSES[step.status]
      items.push({
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: from?.id ?? null,
        fromString: status,
        to: to?.id ?? null,
        toString: step.status,
      })
      status = step.status
    }
    if (step.points !== undefined && step.points !== points) {
      items.push({
        field: 'Story Points',
        fieldtype: 'custom',
        fieldId: 'customfield_10028',
        from: null,
        fromString: points === null ? null : String(points),
        to: null,
        toString: step.points === null ? null : String(step.points),
      })
      points = step.points
    }
    if (step.sprints !== undefined) {
      const name = (ids: number[]) => ids.map((id) => sprints.find((s) => s.id === id)?.name ?? id).join(', ')
      items.push({
        field: 'Sprint',
        fieldtype: 'custom',
        fieldId: 'customfield_10020',
        from: inSprints.length ? inSprints.join(', ') : null,
        fromString: inSprints.length ? name(inSprints) : null,
        to: step.sprints.length ? step.sprints.join(', ') : null,
        toString: step.sprints.length ? name(step.sprints) : null,
      })
      inSprints = step.sprints
    }
    return {
      id: `${issue.key.replace(/\D/g, '')}${String(k).padStart(3, '0')}`,
      author: { accountId: '5b10a2844c20165700ede21g', displayName: 'Ana', active: true },
      created: iso(step.at),
      items,
    }
  })
  const updated = Math.max(issue.created, ...issue.steps.map((s) => s.at))
  return { status, points, inSprints, histories, updated }
}

function issueObject(issue: FixtureIssue, sprints: FixtureSprint[], flavor: 'cloud' | 'datacenter') {
  const now = replay(issue, sprints)
  const number = Number(issue.key.replace(/\D/g, ''))
  const project = issue.key.split('-')[0] ?? 'PAY'
  const sprintValue = now.inSprints.map((id) => {
    const s = sprints.find((x) => x.id === id)
    return {
      id,
      name: s?.name,
      state: s?.state,
      boardId: 7,
      goal: '',
      startDate: s ? new Date(s.start).toISOString() : undefined,
      endDate: s ? new Date(s.end).toISOString() : undefined,
      ...(s?.complete ? { completeDate: new Date(s.complete).toISOString() } : {}),
    }
  })
  // Cloud's search holds the 40 latest histories, newest first; Data Center all, oldest first.
  const histories = flavor === 'cloud' ? [...now.histories].reverse().slice(0, 40) : now.histories
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: String(10_000 + number),
    self: `https://acme.atlassian.net/rest/api/3/issue/${10_000 + number}`,
    key: issue.key,
    fields: {
      created: iso(issue.created),
      updated: iso(now.updated),
      status: statusObject(now.status),
      issuetype: { id: '10001', name: issue.type, subtask: false, hierarchyLevel: 0 },
      project: { id: '10000', key: project, name: project === 'PAY' ? 'Payments' : project },
      labels: issue.labels ?? [],
      ...(issue.epic
        ? {
            parent: {
              id: '20001',
              key: issue.epic,
              fields: { summary: 'Epic', issuetype: { id: '10000', name: 'Epic', hierarchyLevel: 1 } },
            },
          }
        : {}),
      customfield_10028: now.points,
      customfield_10016: null,
      customfield_10020: sprintValue.length ? sprintValue : null,
      customfield_10050: issue.foundIn
        ? { self: 'https://acme.atlassian.net/rest/api/3/customFieldOption/1', value: issue.foundIn, id: '1' }
        : null,
    },
    changelog: { startAt: 0, maxResults: histories.length, total: now.histories.length, histories },
  }
}

const FIELDS = [
  {
    id: 'status',
    key: 'status',
    name: 'Status',
    custom: false,
    schema: { type: 'status', system: 'status' },
  },
  {
    id: 'customfield_10016',
    key: 'customfield_10016',
    name: 'Story point estimate',
    custom: true,
    schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 },
  },
  {
    id: 'customfield_10028',
    key: 'customfield_10028',
    name: 'Story Points',
    custom: true,
    schema: {
      type: 'number',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
      customId: 10028,
    },
  },
  {
    id: 'customfield_10020',
    key: 'customfield_10020',
    name: 'Sprint',
    custom: true,
    schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 },
  },
  {
    id: 'customfield_10050',
    key: 'customfield_10050',
    name: 'Found In',
    custom: true,
    schema: {
      type: 'option',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
      customId: 10050,
    },
  },
].map((f) => ({ ...f, orderable: true, navigable: true, searchable: true, clauseNames: [f.name] }))

/** Epoch ms of a `yyyy-MM-dd HH:mm` wall time in a zone. */
function fromWallTime(text: string, timeZone: string): number {
  const guess = Date.parse(`${text.replace(' ', 'T')}:00Z`)
  const wall = (at: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(at)
        .map((x) => [x.type, x.value]),
    )
    return Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00Z`)
  }
  const first = guess - (wall(guess) - guess)
  return guess - (wall(first) - first)
}

export interface JiraStandIn {
  url: string
  requests: string[]
  /** Answers with this status (and a Retry-After for 429) to the request of this number (1-based). */
  faults: Map<number, number>
  close: () => Promise<void>
}

export async function startJira(fixture: {
  issues: FixtureIssue[]
  sprints: FixtureSprint[]
}): Promise<JiraStandIn> {
  const requests: string[] = []
  const faults = new Map<number, number>()
  const matches = (issue: FixtureIssue, jql: string) => {
    const now = replay(issue, fixture.sprints)
    const projects = /project in \(([^)]*)\)/
      .exec(jql)?.[1]
      ?.split(',')
      .map((p) => p.trim().replace(/"/g, ''))
    const updated = /updated >= "([^"]+)"/.exec(jql)?.[1]
    const inProjects =
      (!projects || projects.includes(issue.key.split('-')[0] ?? '')) &&
      (!updated || now.updated >= fromWallTime(updated, JIRA_ZONE))
    const sprintIds = /sprint in \(([^)]*)\)/.exec(jql)?.[1]?.split(',').map(Number)
    if (!sprintIds) return inProjects
    const orPart = /OR \((.*)\)$/.exec(jql)
    return now.inSprints.some((id) => sprintIds.includes(id)) || (orPart !== null && inProjects)
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '')
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
      res.end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    const auth = req.headers.authorization ?? ''
    const cloud = auth === `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64')}`
    if (!cloud && auth !== `Bearer ${JIRA_PAT}`)
      return send(401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
        errors: {},
      })
    const fault = faults.get(requests.length)
    if (fault === 429) return send(429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': '1' })
    if (fault) return send(fault, { errorMessages: ['Internal server error'], errors: {} })
    const api = cloud ? '/rest/api/3' : '/rest/api/2'
    const path = url.pathname
    const q = (name: string) => url.searchParams.get(name)
    const flavor = cloud ? 'cloud' : 'datacenter'
    if (path === `${api}/field`) return send(200, FIELDS)
    if (path === `${api}/status`)
      return send(
        200,
        Object.entries(STATUSES)
          .filter(([n]) => n !== 'Parked')
          .map(([name]) => ({ ...statusObject(name), description: '', iconUrl: '', untranslatedName: name })),
      )
    if (path === `${api}/myself`)
      return send(200, {
        accountId: '5b10a2844c20165700ede21g',
        emailAddress: JIRA_EMAIL,
        displayName: 'Ana',
        active: true,
        timeZone: JIRA_ZONE,
        locale: 'en_US',
      })
    if (path === (cloud ? `${api}/search/jql` : `${api}/search`)) {
      const jql = q('jql') ?? ''
      const found = fixture.issues
        .filter((i) => matches(i, jql))
        .sort(
          (a, b) =>
            replay(a, fixture.sprints).updated - replay(b, fixture.sprints).updated ||
            a.key.localeCompare(b.key),
        )
      const size = Math.min(50, Number(q('maxResults') ?? 50))
      const start = cloud
        ? Number(Buffer.from(q('nextPageToken') ?? 'MA==', 'base64').toString())
        : Number(q('startAt') ?? 0)
      const issues = found.slice(start, start + size).map((i) => issueObject(i, fixture.sprints, flavor))
      const more = start + size < found.length
      return send(
        200,
        cloud
          ? {
              issues,
              isLast: !more,
              ...(more ? { nextPageToken: Buffer.from(String(start + size)).toString('base64') } : {}),
            }
          : { expand: 'schema,names', startAt: start, maxResults: size, total: found.length, issues },
      )
    }
    const changelog = new RegExp(`^${api}/issue/([A-Z]+-\\d+)/changelog$`).exec(path)
    if (changelog && cloud) {
      const issue = fixture.issues.find((i) => i.key === changelog[1])
      if (!issue)
        return send(404, {
          errorMessages: ['Issue does not exist or you do not have permission to see it.'],
          errors: {},
        })
      const all = replay(issue, fixture.sprints).histories
      const startAt = Number(q('startAt') ?? 0)
      const max = Math.min(100, Number(q('maxResults') ?? 100))
      const values = all.slice(startAt, startAt + max)
      return send(200, {
        self: `${api}/issue/${issue.key}/changelog`,
        maxResults: max,
        startAt,
        total: all.length,
        isLast: startAt + max >= all.length,
        values,
      })
    }
    const board = /^\/rest\/agile\/1\.0\/board\/(\d+)(\/project|\/sprint)?$/.exec(path)
    if (board && board[1] === '7') {
      const page = (values: unknown[]) => {
        const startAt = Number(q('startAt') ?? 0)
        const max = Number(q('maxResults') ?? 50)
        return {
          maxResults: max,
          startAt,
          total: values.length,
          isLast: startAt + max >= values.length,
          values: values.slice(startAt, startAt + max),
        }
      }
      if (board[2] === '/project')
        return send(
          200,
          page([
            {
              self: 'https://acme.atlassian.net/rest/api/3/project/10000',
              id: '10000',
              key: 'PAY',
              name: 'Payments',
              projectTypeKey: 'software',
            },
          ]),
        )
      if (board[2] === '/sprint') {
        const states = (q('state') ?? 'closed,active,future').split(',')
        return send(
          200,
          page(
            fixture.sprints
              .filter((s) => states.includes(s.state))
              .map((s) => ({
                id: s.id,
                self: `https://acme.atlassian.net/rest/agile/1.0/sprint/${s.id}`,
                state: s.state,
                name: s.name,
                ...(s.state !== 'future'
                  ? { startDate: new Date(s.start).toISOString(), endDate: new Date(s.end).toISOString() }
                  : {}),
                ...(s.complete ? { completeDate: new Date(s.complete).toISOString() } : {}),
                originBoardId: 7,
                goal: '',
              })),
          ),
        )
      }
      return send(200, {
        id: 7,
        self: 'https://acme.atlassian.net/rest/agile/1.0/board/7',
        name: 'PAY board',
        type: 'scrum',
        location: {
          projectId: 10000,
          displayName: 'Payments (PAY)',
          projectName: 'Payments',
          projectKey: 'PAY',
          projectTypeKey: 'software',
          name: 'Payments (PAY)',
        },
      })
    }
    send(404, { errorMessages: ['Not found'], errors: {} })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    faults,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
