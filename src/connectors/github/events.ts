/**
 * GitHub objects as engops events, the same whether they came by webhook or by `engops sync`, so
 * both ways land on one row: source `github`, pull requests `repo#number` (the repository's name
 * without its owner), deployments by GitHub's deployment id, runs by run id and attempt.
 */
import { type Json, type OrgView, obj } from '../connector.js'

export const SOURCE = 'github'

/** A pull request as the REST API and webhooks give it (`user`, `merged_at`, `head.sha`, …). */
export function pullRequestFromRest(pr: Json, repo: string | undefined): Json {
  return {
    type: 'pull_request',
    source: SOURCE,
    repo,
    number: pr.number,
    author: obj(pr.user).login,
    createdAt: pr.created_at,
    ...(pr.merged_at ? { mergedAt: pr.merged_at } : {}),
    ...(pr.closed_at ? { closedAt: pr.closed_at } : {}),
    ...(pr.merged_at && pr.merge_commit_sha ? { mergeSha: pr.merge_commit_sha } : {}),
    ...(obj(pr.head).sha ? { headSha: obj(pr.head).sha } : {}),
    ...(typeof pr.additions === 'number' ? { additions: pr.additions, deletions: pr.deletions } : {}),
    draft: Boolean(pr.draft),
    labels: Array.isArray(pr.labels) ? pr.labels.map((l: Json) => l.name) : [],
  }
}

/** Submitted reviews (pending ones have no time yet). */
export function reviewsOf(
  reviews: readonly Json[],
  author: (review: Json) => unknown,
  at: (review: Json) => unknown,
) {
  return reviews
    .filter((r) => typeof at(r) === 'string')
    .map((r) => ({ author: author(r) ?? 'ghost', at: at(r), state: String(r.state ?? '').toLowerCase() }))
}

/** A deployment with its final status; null while it has none (queued, in progress). */
export function deploymentEvent(
  deployment: Json,
  status: Json,
  repo: string | undefined,
  org: OrgView,
): Json | null {
  const result =
    status.state === 'success'
      ? 'success'
      : status.state === 'failure' || status.state === 'error'
        ? 'failure'
        : null
  if (!result) return null
  return {
    type: 'deployment',
    source: SOURCE,
    id: String(deployment.id),
    service: (repo && org.serviceOfRepo(repo)) ?? repo,
    environment: deployment.environment ?? status.environment,
    result,
    startedAt: deployment.created_at,
    finishedAt: status.created_at ?? status.updated_at,
    sha: deployment.sha,
  }
}

/** A completed workflow run attempt; null for conclusions that are neither (skipped, neutral). */
export function workflowRunEvent(run: Json, repo: string | undefined): Json | null {
  const result =
    run.conclusion === 'success'
      ? 'success'
      : ['failure', 'timed_out', 'startup_failure'].includes(run.conclusion)
        ? 'failure'
        : run.conclusion === 'cancelled'
          ? 'cancelled'
          : null
  if (!result) return null
  return {
    type: 'pipeline_run',
    source: SOURCE,
    id: String(run.id),
    attempt: run.run_attempt ?? 1,
    repo,
    workflow: run.name || run.display_title || String(run.workflow_id),
    result,
    ...(run.created_at ? { queuedAt: run.created_at } : {}),
    startedAt: run.run_started_at ?? run.created_at,
    finishedAt: run.updated_at,
  }
}

/** A published release as a successful production deployment of the repository's service. */
export function releaseEvent(release: Json, repo: string | undefined, org: OrgView): Json {
  return {
    type: 'deployment',
    source: SOURCE,
    id: `release-${release.id}`,
    service: (repo && org.serviceOfRepo(repo)) ?? repo,
    environment: 'production',
    result: 'success',
    startedAt: release.published_at ?? release.created_at,
    finishedAt: release.published_at ?? release.created_at,
    sha: release.target_commitish,
    labels: ['release', release.tag_name].filter(Boolean),
  }
}
