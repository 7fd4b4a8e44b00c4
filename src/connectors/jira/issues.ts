/**
 * A Jira issue (fields and complete changelog) as an engops work item, and as the facts a sprint
 * needs. The mapping rules, each overridable in the source entry:
 * - status: `statusMap` by status name; else a name with "review" → review, "block" → blocked
 *   (unless the status is done); else Jira's status category: To Do → todo, In Progress →
 *   in-progress, Done → done. Statuses mapped by default are reported, so the user can check them.
 * - issue type: `itemTypes` by name; else Bug/Defect → bug, Story → story, Incident → incident,
 *   names with "debt" → tech-debt, Epic → not a work item, anything else → task (reported).
 * - investment: the epic's key in `investment.epics`, else the first label in `investment.labels`,
 *   else the issue type in `investment.issueTypes`.
 * - team: the project key in `teams`, else a team whose id or name is the project's key or name.
 */
import type { Json, OrgView } from '../connector.js'
import { isoTime, obj } from '../connector.js'
import { slug } from '../incidents.js'
import type { FieldHistory, IssueFacts } from './history.js'

export const WORK_STATUSES = ['todo', 'in-progress', 'review', 'blocked', 'done'] as const
export type WorkStatus = (typeof WORK_STATUSES)[number]
export const ITEM_TYPES = ['story', 'bug', 'task', 'incident', 'tech-debt'] as const
export const INVESTMENTS = ['roadmap', 'tech-debt', 'reliability', 'security', 'support'] as const
export const FOUND_IN = ['pre-release', 'production', 'customer'] as const

/** A field by its id (`customfield_10016`) and its name as changelogs name it. */
export interface Field {
  id: string
  name: string
}

export interface MappingOptions {
  teams: Record<string, string>
  statusMap: Record<string, WorkStatus>
  itemTypes: Record<string, (typeof ITEM_TYPES)[number] | 'ignore'>
  investment: {
    epics: Record<string, (typeof INVESTMENTS)[number]>
    labels: Record<string, (typeof INVESTMENTS)[number]>
    issueTypes: Record<string, (typeof INVESTMENTS)[number]>
  }
  foundInMap: Record<string, (typeof FOUND_IN)[number]>
}

/** What a sync noticed while mapping, reported in its summary. */
export interface MappingNotes {
  /** Status name → the status it was given by default (no `statusMap` entry). */
  defaultedStatuses: Map<string, WorkStatus>
  unknownStatuses: Set<string>
  unmappedProjects: Set<string>
  defaultedTypes: Set<string>
  unmappedFoundIn: Set<string>
}

export const emptyNotes = (): MappingNotes => ({
  defaultedStatuses: new Map(),
  unknownStatuses: new Set(),
  unmappedProjects: new Set(),
  defaultedTypes: new Set(),
  unmappedFoundIn: new Set(),
})

export interface JiraMapping {
  fields: { points?: Field; sprint?: Field; epicLink?: Field; foundIn?: Field }
  /** Status id → its category key (`new`, `indeterminate`, `done`). */
  categories: Map<string, string>
  options: MappingOptions
  org: OrgView
  notes: MappingNotes
}

export const SOURCE = 'jira'
/** A name-keyed option (`statusMap`, `itemTypes`, …) looked up without case; made once per option. */
const lowered = new WeakMap<Record<string, string>, Map<string, string>>()
function lower(record: Record<string, string>): Map<string, string> {
  let map = lowered.get(record)
  if (!map) {
    map = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]))
    lowered.set(record, map)
  }
  return map
}
const time = (value: unknown) => {
  const iso = isoTime(value)
  return iso ? Date.parse(iso) : undefined
}

interface Change {
  at: number
  from: string | null
  fromString: string | null
  to: string | null
  toString: string | null
}

/** A field's changes in the changelog, oldest first (by `fieldId`, or by name where Data Center omits it). */
function changesOf(issue: Json, field: Field): Change[] {
  const histories: Json[] = obj(issue.changelog).histories ?? []
  const changes: Change[] = []
  for (const history of histories) {
    const at = time(history.created)
    if (at === undefined) continue
    for (const item of Array.isArray(history.items) ? (history.items as Json[]) : []) {
      const matches = item.fieldId ? item.fieldId === field.id : item.field === field.name
      if (!matches) continue
      const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)
      changes.push({
        at,
        from: text(item.from),
        fromString: text(item.fromString),
        to: text(item.to),
        toString: text(item.toString),
      })
    }
  }
  return changes.sort((a, b) => a.at - b.at)
}

const number = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) && n >= 0 ? n : null
}

/** Sprint ids of a Sprint field value: objects (Cloud) or Greenhopper strings `…[id=37,…]` (older Data Center). */
function sprintIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : []
  return list.flatMap((sprint) => {
    if (sprint && typeof sprint === 'object' && 'id' in sprint) return [String((sprint as Json).id)]
    const id = typeof sprint === 'string' ? /\bid=(\d+)/.exec(sprint)?.[1] : undefined
    return id ? [id] : []
  })
}
const idList = (text: string | null) =>
  (text ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)

function pointsHistory(issue: Json, mapping: JiraMapping): FieldHistory<number | null> {
  const field = mapping.fields.points
  if (!field) return { now: null, changes: [] }
  return {
    now: number(obj(issue.fields)[field.id]),
    changes: changesOf(issue, field).map((c) => ({
      at: c.at,
      from: number(c.fromString),
      to: number(c.toString),
    })),
  }
}

function sprintHistory(issue: Json, mapping: JiraMapping): FieldHistory<readonly string[]> {
  const field = mapping.fields.sprint
  if (!field) return { now: [], changes: [] }
  return {
    now: sprintIds(obj(issue.fields)[field.id]),
    changes: changesOf(issue, field).map((c) => ({ at: c.at, from: idList(c.from), to: idList(c.to) })),
  }
}

/** A Jira status (by id and name) as an engops status, or undefined when nothing says which. */
export function statusOf(
  id: string | null,
  name: string | null,
  mapping: JiraMapping,
): WorkStatus | undefined {
  const label = name ?? id ?? ''
  const mapped = lower(mapping.options.statusMap).get(label.toLowerCase())
  if (mapped) return mapped as WorkStatus
  const category = id ? mapping.categories.get(id) : undefined
  let status: WorkStatus | undefined
  if (category !== 'done' && /review/i.test(label)) status = 'review'
  else if (category !== 'done' && /block/i.test(label)) status = 'blocked'
  else if (category === 'new') status = 'todo'
  else if (category === 'indeterminate') status = 'in-progress'
  else if (category === 'done') status = 'done'
  if (status) mapping.notes.defaultedStatuses.set(label, status)
  else mapping.notes.unknownStatuses.add(label)
  return status
}

/** The issue's status history as engops statuses, oldest first, from its status at creation. */
function statusChanges(issue: Json, created: number, mapping: JiraMapping) {
  const current = obj(obj(issue.fields).status)
  const changes = changesOf(issue, { id: 'status', name: 'status' })
  const first = changes[0]
  const initial = first
    ? statusOf(first.from, first.fromString, mapping)
    : statusOf(current.id ? String(current.id) : null, current.name ?? null, mapping)
  const steps: { status: WorkStatus; at: number }[] = initial ? [{ status: initial, at: created }] : []
  for (const change of changes) {
    const status = statusOf(change.to, change.toString, mapping)
    // A status engops cannot place is left out: the item keeps its previous status meanwhile.
    if (!status || steps.at(-1)?.status === status) continue
    steps.push({ status, at: Math.max(change.at, created) })
  }
  return steps
}

export function teamOf(issue: Json, mapping: JiraMapping): string {
  const project = obj(obj(issue.fields).project)
  const key = String(project.key ?? String(issue.key ?? '').split('-')[0])
  const team =
    mapping.options.teams[key] ??
    mapping.org.teamOfName(key) ??
    (typeof project.name === 'string' ? mapping.org.teamOfName(project.name) : undefined)
  if (team) return team
  mapping.notes.unmappedProjects.add(key)
  return slug(key)
}

function itemTypeOf(issue: Json, mapping: JiraMapping) {
  const name = String(obj(obj(issue.fields).issuetype).name ?? 'Task')
  const configured = lower(mapping.options.itemTypes).get(name.toLowerCase())
  if (configured) return configured === 'ignore' ? undefined : configured
  const n = name.toLowerCase()
  if (n === 'epic') return undefined
  if (n === 'bug' || n === 'defect') return 'bug'
  if (n === 'story' || n === 'user story') return 'story'
  if (n === 'incident') return 'incident'
  if (n.includes('debt')) return 'tech-debt'
  if (!['task', 'sub-task', 'subtask'].includes(n)) mapping.notes.defaultedTypes.add(name)
  return 'task'
}

function epicOf(issue: Json, mapping: JiraMapping): string | undefined {
  const fields = obj(issue.fields)
  const parent = obj(fields.parent)
  const parentType = obj(obj(parent.fields).issuetype)
  if (parent.key && (parentType.name === 'Epic' || parentType.hierarchyLevel === 1)) return String(parent.key)
  const link = mapping.fields.epicLink ? fields[mapping.fields.epicLink.id] : undefined
  return typeof link === 'string' ? link : undefined
}

function investmentOf(issue: Json, mapping: JiraMapping) {
  const { epics, labels, issueTypes } = mapping.options.investment
  const epic = epicOf(issue, mapping)
  if (epic && epics[epic]) return epics[epic]
  const fields = obj(issue.fields)
  for (const label of Array.isArray(fields.labels) ? (fields.labels as unknown[]) : [])
    if (typeof label === 'string' && labels[label]) return labels[label]
  return lower(issueTypes).get(String(obj(fields.issuetype).name ?? '').toLowerCase())
}

function foundInOf(issue: Json, mapping: JiraMapping) {
  const field = mapping.fields.foundIn
  if (!field) return undefined
  let value: unknown = obj(issue.fields)[field.id]
  if (Array.isArray(value)) value = value[0]
  if (value && typeof value === 'object') value = (value as Json).value ?? (value as Json).name
  if (typeof value !== 'string' || value === '') return undefined
  const mapped = lower(mapping.options.foundInMap).get(value.toLowerCase())
  if (mapped) return mapped
  const direct = FOUND_IN.find((f) => f === value.toLowerCase())
  if (!direct) mapping.notes.unmappedFoundIn.add(value)
  return direct
}

/** The issue as a `work_item` event, or undefined for what is not a work item (epics). */
export function workItemOf(issue: Json, mapping: JiraMapping): Json | undefined {
  const itemType = itemTypeOf(issue, mapping)
  const created = time(obj(issue.fields).created)
  if (!itemType || created === undefined) return undefined
  const points = pointsHistory(issue, mapping).now
  const sprint = sprintHistory(issue, mapping).now.at(-1)
  const investment = investmentOf(issue, mapping)
  const foundIn = itemType === 'bug' ? foundInOf(issue, mapping) : undefined
  return {
    type: 'work_item',
    source: SOURCE,
    id: issue.key,
    key: issue.key,
    team: teamOf(issue, mapping),
    itemType,
    ...(points !== null ? { points } : {}),
    createdAt: new Date(created).toISOString(),
    statusChanges: statusChanges(issue, created, mapping).map((s) => ({
      status: s.status,
      at: new Date(s.at).toISOString(),
    })),
    ...(sprint ? { sprint } : {}),
    ...(investment ? { investment } : {}),
    ...(foundIn ? { foundIn } : {}),
  }
}

/** What a sprint's totals need of the issue. */
export function factsOf(issue: Json, mapping: JiraMapping): IssueFacts | undefined {
  const created = time(obj(issue.fields).created)
  if (created === undefined || !itemTypeOf(issue, mapping)) return undefined
  const steps = statusChanges(issue, created, mapping)
  return {
    key: String(issue.key),
    created,
    doneAt: (at) => steps.filter((s) => s.at <= at).at(-1)?.status === 'done',
    points: pointsHistory(issue, mapping),
    sprints: sprintHistory(issue, mapping),
  }
}
