/** GitHub webhook payloads (pull_request, push, deployment_status, workflow_run, release) as engops events. */
import { ignore, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { pushCommits } from '../push.js'

export function mapGitHub(event: string, payload: Json, ctx: OrgView): Mapped {
  const repo: string | undefined = obj(payload.repository).name
  if (event === 'ping') return ignore('ping')
  switch (event) {
    case 'pull_request': {
      const pr = obj(payload.pull_request)
      return {
        events: [
          {
            type: 'pull_request',
            source: 'github',
            repo,
            number: pr.number,
            author: obj(pr.user).login,
            createdAt: pr.created_at,
            ...(pr.merged_at ? { mergedAt: pr.merged_at } : {}),
            ...(pr.closed_at ? { closedAt: pr.closed_at } : {}),
            ...(pr.merged && pr.merge_commit_sha ? { mergeSha: pr.merge_commit_sha } : {}),
            ...(obj(pr.head).sha ? { headSha: obj(pr.head).sha } : {}),
            ...(typeof pr.additions === 'number' ? { additions: pr.additions, deletions: pr.deletions } : {}),
            draft: Boolean(pr.draft),
            labels: Array.isArray(pr.labels) ? pr.labels.map((l: Json) => l.name) : [],
          },
        ],
      }
    }
    case 'push': {
      const commits = pushCommits('github', repo ?? '', payload.before, payload.commits)
      return commits.length > 0
        ? { events: commits }
        : ignore('a push without commits (a tag or a deleted branch)')
    }
    case 'deployment':
      return ignore('a deployment is recorded when its deployment_status says how it ended')
    case 'deployment_status': {
      const status = obj(payload.deployment_status)
      const deployment = obj(payload.deployment)
      const result =
        status.state === 'success'
          ? 'success'
          : status.state === 'failure' || status.state === 'error'
            ? 'failure'
            : null
      if (!result) return ignore(`deployment state "${status.state}" is not final`)
      return {
        events: [
          {
            type: 'deployment',
            source: 'github',
            id: String(deployment.id),
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: deployment.environment ?? status.environment,
            result,
            startedAt: deployment.created_at,
            finishedAt: status.created_at ?? status.updated_at,
            sha: deployment.sha,
          },
        ],
      }
    }
    case 'workflow_run': {
      const run = obj(payload.workflow_run)
      if (payload.action !== 'completed')
        return ignore(`workflow_run ${payload.action} (only completed runs count)`)
      const result =
        run.conclusion === 'success'
          ? 'success'
          : ['failure', 'timed_out', 'startup_failure'].includes(run.conclusion)
            ? 'failure'
            : run.conclusion === 'cancelled'
              ? 'cancelled'
              : null
      if (!result) return ignore(`workflow_run conclusion "${run.conclusion}" is neither success nor failure`)
      return {
        events: [
          {
            type: 'pipeline_run',
            source: 'github',
            id: String(run.id),
            attempt: run.run_attempt ?? 1,
            repo,
            workflow: run.name || run.display_title || String(run.workflow_id),
            result,
            ...(run.created_at ? { queuedAt: run.created_at } : {}),
            startedAt: run.run_started_at ?? run.created_at,
            finishedAt: run.updated_at,
          },
        ],
      }
    }
    case 'release': {
      const release = obj(payload.release)
      if (payload.action !== 'published' || release.draft || release.prerelease)
        return ignore(
          `release ${payload.action}${release.prerelease ? ' (pre-release)' : ''}: only published releases ship`,
        )
      return {
        events: [
          {
            type: 'deployment',
            source: 'github',
            id: `release-${release.id}`,
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: 'production',
            result: 'success',
            startedAt: release.published_at ?? release.created_at,
            finishedAt: release.published_at ?? release.created_at,
            sha: release.target_commitish,
            labels: ['release', release.tag_name].filter(Boolean),
          },
        ],
      }
    }
    default:
      return ignore(`GitHub event "${event}" is not used`)
  }
}
