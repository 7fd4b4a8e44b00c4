/**
 * `engops ingest events`: event files into the store. All files of one call are read and
 * validated before anything is written, and the write is one transaction.
 */
import type { Commit, CommitFile, Deployment, Incident, PullRequest } from '../model/types.js'
import type { StoreWriter } from '../store/store.js'
import type { ParsedEvent } from './event-file.js'

export const DEFAULT_EVENT_SOURCE = 'events'

type WithExtra<T> = T & { extra: Record<string, unknown> }

export interface EventBatch {
  deployments: WithExtra<Deployment>[]
  incidents: WithExtra<Incident>[]
  pullRequests: WithExtra<PullRequest>[]
  commits: { source: string; commit: WithExtra<Commit> }[]
  commitFiles: CommitFile[]
}

export function toRecords(parsed: readonly ParsedEvent[], defaultSource = DEFAULT_EVENT_SOURCE): EventBatch {
  const batch: EventBatch = { deployments: [], incidents: [], pullRequests: [], commits: [], commitFiles: [] }
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
        for (const path of event.files) {
          batch.commitFiles.push({ repo: event.repo, sha: event.sha, path, additions: null, deletions: null })
        }
        break
    }
  }
  return batch
}

export interface EventIngestSummary {
  deployments: number
  incidents: number
  pullRequests: number
  commits: number
}

export async function writeEventBatch(writer: StoreWriter, batch: EventBatch): Promise<EventIngestSummary> {
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
  return {
    deployments: batch.deployments.length,
    incidents: batch.incidents.length,
    pullRequests: batch.pullRequests.length,
    commits: batch.commits.length,
  }
}
