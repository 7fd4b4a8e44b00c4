/**
 * `engops sync` for Jira Cloud and Data Center. Two kinds of streams:
 * - `issues`: the issues of the `projects` updated since the cursor (JQL `updated >= …`, oldest
 *   first, 100 a page with complete changelogs), each page one batch whose cursor is its last
 *   issue's update time. JQL compares times to the minute in the token user's time zone, so the
 *   cursor is written in that zone (from `/myself`) and rounded down: an issue is read again
 *   rather than missed, and a second copy of a work item replaces the first.
 * - `sprints:<board>`: the board's sprints closed since the cursor, each with its commitment
 *   frozen at the start (history.ts). The issues examined are those in the sprints now and those of
 *   the board's projects updated since the earliest start (an issue taken out of a sprint was
 *   updated then).
 */
import { z } from 'zod'
import { EngopsError } from '../../model/errors.js'
import { type WallClock, wallClock } from '../../model/time.js'
import type { Json, SyncBatch, SyncContext } from '../connector.js'
import { isoTime, obj, sinceOption } from '../connector.js'
import { slug } from '../incidents.js'
import { type JiraClient, jiraClient } from './client.js'
import { type IssueFacts, type SprintWindow, sprintTotals } from './history.js'
import {
  emptyNotes,
  type Field,
  FOUND_IN,
  factsOf,
  INVESTMENTS,
  ITEM_TYPES,
  type JiraMapping,
  type MappingNotes,
  SOURCE,
  WORK_STATUSES,
  workItemOf,
} from './issues.js'

const investmentMap = z.record(z.string(), z.enum(INVESTMENTS)).default({})

export const jiraOptions = z.strictObject({
  /** `https://<site>.atlassian.net` (Cloud) or the Data Center base URL. */
  url: z.url(),
  /** Jira Cloud: the variable holding the account's email (basic auth with the API token). Without it, the token is a Data Center bearer token. */
  emailEnv: z.string().min(1).optional(),
  tokenEnv: z.string().min(1).default('JIRA_API_TOKEN'),
  projects: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a project key like PAY')).min(1),
  /** Scrum boards whose closed sprints are read. */
  boards: z.array(z.coerce.number().int().positive()).default([]),
  /** A project key or a board id → the engops team its issues or sprints belong to. */
  teams: z.record(z.string(), z.string().min(1)).default({}),
  /** A Jira status name → todo | in-progress | review | blocked | done. */
  statusMap: z.record(z.string(), z.enum(WORK_STATUSES)).default({}),
  /** A Jira issue type name → story | bug | task | incident | tech-debt | ignore. */
  itemTypes: z.record(z.string(), z.enum([...ITEM_TYPES, 'ignore'])).default({}),
  /** The story points field, by id or name; default "Story Points", else "Story point estimate". */
  pointsField: z.string().min(1).optional(),
  /** The field saying where a bug was found, by id or name, and its values → pre-release | production | customer. */
  foundInField: z.string().min(1).optional(),
  foundInMap: z.record(z.string(), z.enum(FOUND_IN)).default({}),
  investment: z
    .strictObject({ epics: investmentMap, labels: investmentMap, issueTypes: investmentMap })
    .default({ epics: {}, labels: {}, issueTypes: {} }),
  /** JQL narrowing the issues read (e.g. `issuetype != Sub-task`). */
  jql: z.string().min(1).optional(),
  since: sinceOption,
})

export type JiraOptions = z.output<typeof jiraOptions>
type Ctx = SyncContext<JiraOptions>

const fail = (ctx: Ctx, message: string) =>
  new EngopsError('SOURCE_FAILED', `source ${ctx.source.id}: ${message}`)

function clientOf(ctx: Ctx): JiraClient {
  const { source, env } = ctx
  const token = env[source.tokenEnv]
  if (!token) throw fail(ctx, `the environment variable ${source.tokenEnv} holding the Jira token is not set`)
  const email = source.emailEnv ? env[source.emailEnv] : undefined
  if (source.emailEnv && !email)
    throw fail(ctx, `the environment variable ${source.emailEnv} holding the Jira account's email is not set`)
  return jiraClient({
    url: source.url,
    flavor: email ? 'cloud' : 'datacenter',
    authorization: email ? `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}` : `Bearer ${token}`,
    source: source.id,
    tokenHint: email
      ? `check the API token in ${source.tokenEnv} and the email in ${source.emailEnv}`
      : `check the personal access token in ${source.tokenEnv} (for Jira Cloud, also set emailEnv: basic auth)`,
    progress: ctx.progress,
  })
}

/** Resolves the fields the mapping reads (a configured one must exist: a typo is named). */
async function fieldsOf(ctx: Ctx, client: JiraClient): Promise<JiraMapping['fields']> {
  const list = await client.platform('field')
  const fields: (Field & { custom: string })[] = (Array.isArray(list) ? (list as Json[]) : []).map((f) => ({
    id: String(f.id),
    name: String(f.name),
    custom: String(obj(f.schema).custom ?? ''),
  }))
  const find = (wanted: string) =>
    fields.find((f) => f.id === wanted) ?? fields.find((f) => f.name.toLowerCase() === wanted.toLowerCase())
  const configured = (option: 'pointsField' | 'foundInField') => {
    const wanted = ctx.source[option]
    if (!wanted) return undefined
    const field = find(wanted)
    if (!field) throw fail(ctx, `${option}: Jira has no field "${wanted}" (by id or name)`)
    return field
  }
  const only = (f: Field | undefined): Field | undefined => (f ? { id: f.id, name: f.name } : undefined)
  const points = configured('pointsField') ?? find('Story Points') ?? find('Story point estimate')
  const sprint = fields.find((f) => f.custom === 'com.pyxis.greenhopper.jira:gh-sprint') ?? find('Sprint')
  const picked = {
    points: only(points),
    sprint: only(sprint),
    epicLink: only(find('Epic Link')),
    foundIn: only(configured('foundInField')),
  }
  return Object.fromEntries(Object.entries(picked).filter(([, f]) => f)) as JiraMapping['fields']
}

/** `yyyy-MM-dd HH:mm` in a time zone, as JQL compares dates (rounded down to the minute). */
export function jqlTime(at: number, timeZone: string): string {
  let w: WallClock
  try {
    w = wallClock(at, timeZone)
  } catch {
    // A zone Intl does not know (an old Jira account setting): UTC rather than no sync.
    w = wallClock(at, 'UTC')
  }
  const two = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`
}

const quoted = (keys: readonly string[]) => keys.map((k) => `"${k.replace(/"/g, '')}"`).join(', ')

export async function* syncJira(ctx: Ctx): AsyncGenerator<SyncBatch> {
  const client = clientOf(ctx)
  const statuses = await client.platform('status')
  const categories = new Map<string, string>()
  for (const s of Array.isArray(statuses) ? (statuses as Json[]) : [])
    categories.set(String(s.id), String(obj(s.statusCategory).key ?? ''))
  const mapping: JiraMapping = {
    fields: await fieldsOf(ctx, client),
    categories,
    options: ctx.source,
    org: ctx.org,
    notes: emptyNotes(),
  }
  const timeZone = String(obj(await client.platform('myself')).timeZone ?? 'UTC')
  const fields = [
    'created',
    'updated',
    'status',
    'issuetype',
    'project',
    'labels',
    'parent',
    ...Object.values(mapping.fields).map((f) => f.id),
  ]
  yield* issues(ctx, client, mapping, timeZone, fields)
  const unmappedBoards = new Set<string>()
  for (const board of ctx.source.boards)
    yield* sprints(ctx, client, mapping, { board, timeZone, fields, unmappedBoards })
  const notes = notesOf(mapping.notes, unmappedBoards)
  if (notes.length > 0) yield { stream: 'issues', events: [], cursor: null, notes }
}

async function* issues(
  ctx: Ctx,
  client: JiraClient,
  mapping: JiraMapping,
  timeZone: string,
  fields: string[],
): AsyncGenerator<SyncBatch> {
  const cursor = await ctx.cursorOf('issues')
  const from = cursor ? Date.parse(cursor) : ctx.since
  const jql = [
    `project in (${quoted(ctx.source.projects)})`,
    `updated >= "${jqlTime(from, timeZone)}"`,
    ...(ctx.source.jql ? [`(${ctx.source.jql})`] : []),
  ].join(' AND ')
  let read = 0
  for await (const page of client.search(`${jql} ORDER BY updated ASC, key ASC`, fields)) {
    read += page.length
    const events = page.flatMap((issue) => workItemOf(issue, mapping) ?? [])
    const updated = page.map((issue) => isoTime(obj(issue.fields).updated)).filter(Boolean) as string[]
    const last = updated.sort().at(-1)
    ctx.progress(`${read} issues${last ? `, updated to ${last.slice(0, 10)}` : ''}`)
    yield { stream: 'issues', events, cursor: last ?? null }
  }
}

interface SprintRead {
  board: number
  timeZone: string
  fields: string[]
  unmappedBoards: Set<string>
}

async function* sprints(
  ctx: Ctx,
  client: JiraClient,
  mapping: JiraMapping,
  read: SprintRead,
): AsyncGenerator<SyncBatch> {
  const { board } = read
  const stream = `sprints:${board}`
  const cursor = await ctx.cursorOf(stream)
  const after = cursor ? Date.parse(cursor) : ctx.since
  const closed = (await client.agileList(`board/${board}/sprint`, { state: 'closed' }))
    .filter((s) => s.originBoardId === undefined || Number(s.originBoardId) === board)
    .flatMap((s): (SprintWindow & { name: string })[] => {
      const start = Date.parse(isoTime(s.startDate) ?? '')
      const end = Date.parse(isoTime(s.completeDate ?? s.endDate) ?? '')
      return Number.isNaN(start) || Number.isNaN(end) || end <= after
        ? []
        : [{ id: String(s.id), name: String(s.name ?? s.id), start, end }]
    })
    .sort((a, b) => a.end - b.end)
  if (closed.length === 0) return
  const team = await boardTeam(ctx, client, board, read.unmappedBoards)
  const projects = (await client.agileList(`board/${board}/project`)).map((p) => String(p.key))
  const earliest = Math.min(...closed.map((s) => s.start))
  const inProjects = projects.length
    ? ` OR (project in (${quoted(projects)}) AND updated >= "${jqlTime(earliest, read.timeZone)}")`
    : ''
  const facts: IssueFacts[] = []
  for await (const page of client.search(
    `sprint in (${closed.map((s) => s.id).join(', ')})${inProjects}`,
    read.fields,
  ))
    facts.push(...page.flatMap((issue) => factsOf(issue, mapping) ?? []))
  ctx.progress(`board ${board}: ${closed.length} closed sprints, ${facts.length} issues examined`)
  const events = closed.map((sprint) => ({
    type: 'sprint',
    source: SOURCE,
    id: sprint.id,
    team,
    name: sprint.name,
    start: new Date(sprint.start).toISOString(),
    end: new Date(sprint.end).toISOString(),
    ...sprintTotals(sprint, facts),
  }))
  yield { stream, events, cursor: new Date(Math.max(...closed.map((s) => s.end))).toISOString() }
}

async function boardTeam(ctx: Ctx, client: JiraClient, board: number, unmapped: Set<string>) {
  const configured = ctx.source.teams[String(board)]
  if (configured) return configured
  const info = obj(await client.agile(`board/${board}`))
  const location = obj(info.location)
  const projectKey = String(location.projectKey ?? '')
  const name = String(info.name ?? board)
  const team =
    (projectKey && ctx.source.teams[projectKey]) ||
    [projectKey, String(location.projectName ?? ''), name]
      .filter(Boolean)
      .map((n) => ctx.org.teamOfName(n))
      .find(Boolean)
  if (team) return team
  unmapped.add(`${board} (${name})`)
  return slug(projectKey || name)
}

const OBVIOUS: Record<string, string> = { 'to do': 'todo', 'in progress': 'in-progress', done: 'done' }

function notesOf(notes: MappingNotes, unmappedBoards: Set<string>): string[] {
  const list = (set: Iterable<string>) => [...set].sort().join(', ')
  const defaulted = [...notes.defaultedStatuses]
    .filter(([name, status]) => (OBVIOUS[name.toLowerCase()] ?? name.toLowerCase()) !== status)
    .map(([name, status]) => `${name} → ${status}`)
  return [
    defaulted.length &&
      `Jira statuses mapped by their name or category (add them to statusMap to change): ${list(defaulted)}`,
    notes.unknownStatuses.size &&
      `Jira statuses with no category, left out of status histories (add them to statusMap): ${list(notes.unknownStatuses)}`,
    notes.unmappedProjects.size &&
      `Jira projects that map to no team of the org file (stored under their key; add them to teams): ${list(notes.unmappedProjects)}`,
    unmappedBoards.size &&
      `Jira boards that map to no team of the org file (add their ids to teams): ${list(unmappedBoards)}`,
    notes.defaultedTypes.size &&
      `Jira issue types counted as task (set itemTypes to change): ${list(notes.defaultedTypes)}`,
    notes.unmappedFoundIn.size &&
      `Jira found-in values with no meaning (add them to foundInMap): ${list(notes.unmappedFoundIn)}`,
  ].filter((note): note is string => typeof note === 'string')
}
