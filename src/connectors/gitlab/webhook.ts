/** GitLab webhook payloads (merge requests, pushes, pipelines, deployments) as engops events. */
import { ignore, isoTime, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { pushCommits } from '../push.js'

/** A finished GitLab pipeline's status as a run result; null while it runs (or was skipped). */
export function pipelineResult(status: unknown): 'success' | 'failure' | 'cancelled' | null {
  return status === 'success'
    ? 'success'
    : status === 'failed'
      ? 'failure'
      : status === 'canceled'
        ? 'cancelled'
        : null
}

export function mapGitLab(event: string, payload: Json, ctx: OrgView): Mapped {
  const project = obj(payload.project)
  const repo: string | undefined = project.path ?? project.name
  const attrs = obj(payload.object_attributes)
  switch (event) {
    case 'Merge Request Hook':
      return {
        events: [
          {
            type: 'pull_request',
            source: 'gitlab',
            repo,
            number: attrs.iid,
            author: obj(payload.user).username,
            createdAt: isoTime(attrs.created_at),
            ...(attrs.state === 'merged' ? { mergedAt: isoTime(attrs.merged_at ?? attrs.updated_at) } : {}),
            ...(attrs.state === 'closed' ? { closedAt: isoTime(attrs.closed_at ?? attrs.updated_at) } : {}),
            ...(attrs.merge_commit_sha ? { mergeSha: attrs.merge_commit_sha } : {}),
            ...(obj(attrs.last_commit).id ? { headSha: obj(attrs.last_commit).id } : {}),
            draft: Boolean(attrs.draft ?? attrs.work_in_progress),
            labels: Array.isArray(payload.labels) ? payload.labels.map((l: Json) => l.title) : [],
          },
        ],
      }
    case 'Push Hook': {
      const commits = pushCommits('gitlab', repo ?? '', payload.before, payload.commits)
      return commits.length > 0 ? { events: commits } : ignore('a push without commits')
    }
    case 'Pipeline Hook': {
      const result = pipelineResult(attrs.status)
      if (!result || !attrs.finished_at) return ignore(`pipeline status "${attrs.status}" is not final`)
      return {
        events: [
          {
            type: 'pipeline_run',
            source: 'gitlab',
            id: String(attrs.id),
            repo,
            workflow: attrs.name ?? attrs.ref ?? 'pipeline',
            result,
            startedAt: isoTime(attrs.created_at),
            finishedAt: isoTime(attrs.finished_at),
          },
        ],
      }
    }
    case 'Deployment Hook': {
      const result = payload.status === 'success' ? 'success' : payload.status === 'failed' ? 'failure' : null
      if (!result) return ignore(`deployment status "${payload.status}" is not final`)
      const sha =
        typeof payload.commit_url === 'string' ? payload.commit_url.split('/').pop() : payload.short_sha
      const at = isoTime(payload.status_changed_at)
      return {
        events: [
          {
            type: 'deployment',
            source: 'gitlab',
            id: String(payload.deployment_id),
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: payload.environment,
            result,
            startedAt: at,
            finishedAt: at,
            sha: sha ?? payload.short_sha,
          },
        ],
      }
    }
    default:
      return ignore(`GitLab event "${event}" is not used`)
  }
}
