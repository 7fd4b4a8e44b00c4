/** GitHub webhook payloads (pull_request, push, deployment_status, workflow_run, release) as engops events. */
import { ignore, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { pushCommits } from '../push.js'
import { deploymentEvent, pullRequestFromRest, releaseEvent, workflowRunEvent } from './events.js'

export function mapGitHub(event: string, payload: Json, ctx: OrgView): Mapped {
  const repo: string | undefined = obj(payload.repository).name
  if (event === 'ping') return ignore('ping')
  switch (event) {
    case 'pull_request':
      return { events: [pullRequestFromRest(obj(payload.pull_request), repo)] }
    case 'push': {
      const commits = pushCommits('github', repo ?? '', payload.before, payload.commits)
      return commits.length > 0
        ? { events: commits }
        : ignore('a push without commits (a tag or a deleted branch)')
    }
    case 'deployment':
      return ignore('a deployment is recorded when its deployment_status says how it ended')
    case 'deployment_status': {
      const event = deploymentEvent(obj(payload.deployment), obj(payload.deployment_status), repo, ctx)
      return event
        ? { events: [event] }
        : ignore(`deployment state "${obj(payload.deployment_status).state}" is not final`)
    }
    case 'workflow_run': {
      const run = obj(payload.workflow_run)
      if (payload.action !== 'completed')
        return ignore(`workflow_run ${payload.action} (only completed runs count)`)
      const event = workflowRunEvent(run, repo)
      return event
        ? { events: [event] }
        : ignore(`workflow_run conclusion "${run.conclusion}" is neither success nor failure`)
    }
    case 'release': {
      const release = obj(payload.release)
      if (payload.action !== 'published' || release.draft || release.prerelease)
        return ignore(
          `release ${payload.action}${release.prerelease ? ' (pre-release)' : ''}: only published releases ship`,
        )
      return { events: [releaseEvent(release, repo, ctx)] }
    }
    default:
      return ignore(`GitHub event "${event}" is not used`)
  }
}
