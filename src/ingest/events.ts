/**
 * `engops ingest events`: event files into the store. All files of one call are read and
 * validated before anything is written, and the write is one transaction.
 */

import type { ParsedEvent } from '../model/event-text.js'
import type { RecordEvent } from '../model/events.js'
import { utcEpoch } from '../model/time.js'
import type { Commit, CommitFile, Deployment, Incident, PullRequest, Release } from '../model/types.js'
import type { StoredRecord, StoreWriter } from '../store/store.js'

type WithExtra<T> = T & { extra: Record<string, unknown> }

export interface EventBatch {
  deployments: WithExtra<Deployment>[]
  incidents: WithExtra<Incident>[]
  pullRequests: WithExtra<PullRequest>[]
  commits: { source: string; commit: WithExtra<Commit> }[]
  commitFiles: CommitFile[]
  releases: Release[]
  records: StoredRecord[]
  /** Events that repeated an earlier one of the same batch (same identity): the last of each is kept. */
  repeated: number
}

/** Keeps the last row of each identity, in the place of the first; returns how many were dropped. */
function keepLast<T>(rows: T[], identity: (row: T) => string): number {
  const at = new Map<string, number>()
  const kept: T[] = []
  for (const row of rows) {
    const key = identity(row)
    const index = at.get(key)
    if (index === undefined) {
      at.set(key, kept.length)
      kept.push(row)
    } else kept[index] = row
  }
  const dropped = rows.length - kept.length
  // In place, element by element: spreading a batch of 200k events into splice overflows the stack.
  rows.length = kept.length
  kept.forEach((row, i) => {
    rows[i] = row
  })
  return dropped
}

/** One event of each identity: the same deployment twice in one file is stored (and counted) once. */
function withoutRepeats(batch: EventBatch): EventBatch {
  const key = (...parts: string[]) => parts.join('\0')
  batch.repeated =
    keepLast(batch.deployments, (d) => key(d.source, d.id)) +
    keepLast(batch.incidents, (i) => key(i.source, i.id)) +
    keepLast(batch.pullRequests, (p) => key(p.source, p.id)) +
    keepLast(batch.commits, (c) => key(c.commit.repo, c.commit.sha)) +
    keepLast(batch.releases, (r) => key(r.repo, r.name)) +
    keepLast(batch.records, (r) => key(r.type, r.source, r.id))
  // Each file of a commit once (a repeated commit's files are those of its copies together).
  keepLast(batch.commitFiles, (f) => key(f.repo, f.sha, f.path))
  return batch
}

const monthStart = (month: string) => utcEpoch(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)

/** The identity, time and scope by which a generic event is stored and filtered. */
function recordKey(event: RecordEvent): { id: string; at: number; scope: string | null } {
  switch (event.type) {
    case 'work_item': {
      const last = event.statusChanges.at(-1)
      return { id: event.id ?? event.key, at: last?.at ?? event.createdAt, scope: event.team }
    }
    case 'sprint':
      return { id: event.id, at: event.end, scope: event.team }
    case 'survey_response':
      return { id: event.id, at: event.at, scope: event.team }
    case 'person_event':
      return { id: event.id, at: event.at, scope: event.person }
    case 'requisition':
      return { id: event.id, at: event.opened, scope: event.team }
    case 'cost':
      return {
        id: event.id ?? [event.month, event.category, event.vendor, event.team ?? ''].join(':'),
        at: monthStart(event.month),
        scope: event.team ?? null,
      }
    case 'business':
      return { id: event.id ?? event.month, at: monthStart(event.month), scope: null }
    case 'sli':
      return { id: event.id ?? `${event.slo}:${event.start}`, at: event.end, scope: event.slo }
    case 'pipeline_run':
      return { id: `${event.id}#${event.attempt}`, at: event.finishedAt, scope: event.repo }
    case 'vulnerability':
      return { id: event.id, at: event.fixedAt ?? event.foundAt, scope: event.service }
    case 'feature_flag':
      return { id: event.id ?? `${event.service}:${event.flag}`, at: event.createdAt, scope: event.service }
    case 'measurement': {
      const scope = event.team ?? event.service ?? null
      return { id: event.id ?? `${event.kpi}:${scope ?? ''}:${event.at}`, at: event.at, scope }
    }
    case 'okr_checkin':
      return { id: event.id ?? `${event.kr}:${event.at}`, at: event.at, scope: event.kr }
    case 'oncall_shift':
      // Kept by its end: a period reads the shifts ending after its start.
      return {
        id: event.id ?? `${event.service}:${event.person}:${event.start}`,
        at: event.end,
        scope: event.service,
      }
  }
}

const emptyBatch = (): EventBatch => ({
  deployments: [],
  incidents: [],
  pullRequests: [],
  commits: [],
  commitFiles: [],
  releases: [],
  records: [],
  repeated: 0,
})

/** `defaultSource`: the source of events that name none. */
export function toRecords(parsed: readonly ParsedEvent[], defaultSource: string): EventBatch {
  const batch = emptyBatch()
  for (const { event, extra } of parsed) {
    const source = event.source ?? defaultSource
    switch (event.type) {
      case 'deployment':
        batch.deployments.push({
          source,
          id: event.id,
          service: event.service,
          environment: event.environment,
          result: event.result,
          startedAt: event.startedAt,
          finishedAt: event.finishedAt,
          sha: event.sha,
          kind: event.kind,
          labels: event.labels,
          regression: event.regression ?? null,
          extra,
        })
        break
      case 'incident':
        batch.incidents.push({
          source,
          id: event.id,
          services: event.services,
          severity: event.severity,
          detectedAt: event.detectedAt,
          acknowledgedAt: event.acknowledgedAt ?? null,
          mitigatedAt: event.mitigatedAt ?? null,
          resolvedAt: event.resolvedAt ?? null,
          causeDeployment: event.causeDeployment ?? null,
          causeSha: event.causeSha ?? null,
          roles: event.roles.map(({ role, person }) => ({ role, person })),
          statusUpdates: event.statusUpdates.map(({ at, audience }) => ({ at, audience })),
          postmortem: event.postmortem
            ? {
                status: event.postmortem.status,
                completedAt: event.postmortem.completedAt,
                rootCause: event.postmortem.rootCause,
                contributingFactors: event.postmortem.contributingFactors,
                actionItems: event.postmortem.actionItems.map(({ title, owner, due, done, doneAt }) => ({
                  title,
                  owner,
                  due,
                  done,
                  ...(doneAt !== undefined ? { doneAt } : {}),
                })),
              }
            : null,
          extra,
        })
        break
      case 'pull_request':
        batch.pullRequests.push({
          source,
          id: event.id ?? `${event.repo}#${event.number}`,
          repo: event.repo,
          number: event.number,
          author: event.author,
          createdAt: event.createdAt,
          mergedAt: event.mergedAt ?? null,
          closedAt: event.closedAt ?? null,
          mergeSha: event.mergeSha ?? null,
          headSha: event.headSha ?? null,
          commits: event.commits,
          reviews: event.reviews.map((r) => ({ author: r.author, at: r.at, state: r.state })),
          additions: event.additions ?? null,
          deletions: event.deletions ?? null,
          draft: event.draft,
          labels: event.labels,
          extra,
        })
        break
      case 'commit':
        batch.commits.push({
          source,
          commit: {
            repo: event.repo,
            sha: event.sha,
            parents: event.parents,
            authorName: event.author,
            authorEmail: event.authorEmail ?? (event.author.includes('@') ? event.author : null),
            authoredAt: event.authoredAt,
            committedAt: event.committedAt,
            additions: event.additions ?? null,
            deletions: event.deletions ?? null,
            extra,
          },
        })
        for (const file of event.files) {
          batch.commitFiles.push(
            typeof file === 'string'
              ? { repo: event.repo, sha: event.sha, path: file, additions: null, deletions: null }
              : { repo: event.repo, sha: event.sha, ...file },
          )
        }
        break
      case 'tag':
        batch.releases.push({ repo: event.repo, name: event.name, sha: event.sha, taggedAt: event.at })
        break
      default: {
        const { source: _source, ...fields } = event
        batch.records.push({
          type: event.type,
          source,
          ...recordKey(event),
          payload: { ...fields, ...extra },
        })
      }
    }
  }
  return withoutRepeats(batch)
}

/** The parts of a batch in the order they are written: commits before the files they touched. */
export const BATCH_PARTS = [
  'deployments',
  'incidents',
  'pullRequests',
  'commits',
  'commitFiles',
  'releases',
  'records',
] as const satisfies readonly (keyof EventBatch)[]

/** How many events a batch holds. */
export const batchSize = (batch: EventBatch): number =>
  BATCH_PARTS.reduce((n, part) => n + batch[part].length, 0)

/**
 * A validated batch cut into consecutive slices of at most `size` events, each written in a
 * transaction of its own so that no writer holds the store for long. The parts keep their order
 * (a commit lands no later than its files); the count of repeats goes with the first slice.
 */
export function sliceEventBatch(batch: EventBatch, size: number): EventBatch[] {
  const slices = [{ ...emptyBatch(), repeated: batch.repeated }]
  let room = size
  for (const part of BATCH_PARTS) {
    const rows: readonly unknown[] = batch[part]
    for (let at = 0; at < rows.length; ) {
      if (room === 0) {
        slices.push(emptyBatch())
        room = size
      }
      const taken = rows.slice(at, at + room)
      const slice = slices[slices.length - 1] as EventBatch
      ;(slice[part] as unknown[]).push(...taken)
      at += taken.length
      room -= taken.length
    }
  }
  return slices
}

export interface EventIngestSummary {
  deployments: number
  incidents: number
  pullRequests: number
  commits: number
  /** Events of the other families, by type. */
  other: Record<string, number>
  /** Events that repeated an earlier one of the same call (the last of each was kept). */
  repeated: number
  /** Deployments another source had reported already (not stored again). */
  reportedElsewhere: number
  /** What was not stored as given, and why (repeats, the same deployment from another source). */
  notes: string[]
}

function notesOf(repeated: number, reportedElsewhere: number): string[] {
  const notes: string[] = []
  if (repeated > 0)
    notes.push(
      `${repeated} event${repeated === 1 ? '' : 's'} repeated an earlier one of the same identity: the last of each was kept`,
    )
  if (reportedElsewhere > 0)
    notes.push(
      `${reportedElsewhere} deployment${reportedElsewhere === 1 ? '' : 's'} already reported by another source (same service, environment, sha and finish time): not stored again`,
    )
  return notes
}

/** One summary of the slices of a batch, as if it had been written at once. */
export function combineSummaries(summaries: readonly EventIngestSummary[]): EventIngestSummary {
  const total = {
    deployments: 0,
    incidents: 0,
    pullRequests: 0,
    commits: 0,
    other: {} as Record<string, number>,
    repeated: 0,
    reportedElsewhere: 0,
  }
  for (const s of summaries) {
    total.deployments += s.deployments
    total.incidents += s.incidents
    total.pullRequests += s.pullRequests
    total.commits += s.commits
    total.repeated += s.repeated
    total.reportedElsewhere += s.reportedElsewhere
    for (const [type, n] of Object.entries(s.other)) total.other[type] = (total.other[type] ?? 0) + n
  }
  return { ...total, notes: notesOf(total.repeated, total.reportedElsewhere) }
}

/**
 * A deployment's natural identity across sources: the same service, environment, sha and finish
 * time is one deployment, whichever tool reported it (a CI export and a webhook, say).
 */
const sameDeployment = (d: Pick<Deployment, 'service' | 'environment' | 'sha' | 'finishedAt'>) =>
  [d.service, d.environment, d.sha, d.finishedAt].join('\0')

/**
 * The deployments of a batch that another source already reported (stored, or earlier in the
 * batch): they are not stored again, so every figure counts them once.
 */
async function reportedElsewhere(
  writer: StoreWriter,
  deployments: readonly Deployment[],
): Promise<Set<Deployment>> {
  const stored = new Map<string, Set<string>>()
  for (const report of await writer.deploymentReports(deployments)) {
    const key = sameDeployment(report)
    stored.set(key, (stored.get(key) ?? new Set()).add(report.source))
  }
  const seen = new Map<string, string>()
  const elsewhere = new Set<Deployment>()
  for (const d of deployments) {
    const key = sameDeployment(d)
    const sources = stored.get(key)
    const first = seen.get(key)
    if ((sources && !sources.has(d.source)) || (first !== undefined && first !== d.source)) elsewhere.add(d)
    else if (first === undefined) seen.set(key, d.source)
  }
  return elsewhere
}

export async function writeEventBatch(writer: StoreWriter, batch: EventBatch): Promise<EventIngestSummary> {
  const elsewhere = await reportedElsewhere(writer, batch.deployments)
  if (elsewhere.size > 0)
    batch = { ...batch, deployments: batch.deployments.filter((d) => !elsewhere.has(d)) }
  await writer.upsertDeployments(batch.deployments)
  await writer.upsertIncidents(batch.incidents)
  await writer.upsertPullRequests(batch.pullRequests)
  const bySource = new Map<string, Commit[]>()
  for (const { source, commit } of batch.commits) {
    const list = bySource.get(source) ?? []
    list.push(commit)
    bySource.set(source, list)
  }
  for (const [source, commits] of bySource) await writer.upsertCommits(source, commits)
  await writer.upsertCommitFiles(batch.commitFiles)
  await writer.upsertReleases(batch.releases)
  await writer.upsertRecords(batch.records)
  const other: Record<string, number> = {}
  if (batch.releases.length > 0) other.tag = batch.releases.length
  for (const record of batch.records) other[record.type] = (other[record.type] ?? 0) + 1
  return {
    other,
    repeated: batch.repeated,
    reportedElsewhere: elsewhere.size,
    notes: notesOf(batch.repeated, elsewhere.size),
    deployments: batch.deployments.length,
    incidents: batch.incidents.length,
    pullRequests: batch.pullRequests.length,
    commits: batch.commits.length,
  }
}
