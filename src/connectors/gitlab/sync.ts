/**
 * `engops sync` for GitLab (gitlab.com and self-managed): merge requests (updated since the
 * cursor) with their commits and their notes as reviews (an approval is GitLab's system note
 * "approved this merge request"), deployments per environment, pipelines, releases and incident
 * issues (`issue_type=incident`), through REST v4. Events land under the source `gitlab` with the
 * same identities as the webhooks' (merge requests `project#iid`, deployments and pipelines by id),
 * so a webhook and a sync of the same thing are one row. Cursors move with the last batch of a
 * complete pass, as for GitHub.
 */
import { z } from 'zod'
import {
  deploymentsOption,
  isoTime,
  type Json,
  type OrgView,
  type SyncBatch,
  type SyncContext,
  sinceOption,
  tokenOf,
} from '../connector.js'
import { pipelineAttempts } from './attempts.js'
import { type GitLabClient, gitlabClient } from './client.js'
import { pipelineResult } from './webhook.js'

export const gitlabOptions = z
  .strictObject({
    /** REST base: https://gitlab.com/api/v4, or https://gitlab.example.com/api/v4. */
    apiUrl: z.url().default('https://gitlab.com/api/v4'),
    tokenEnv: z.string().min(1).default('GITLAB_TOKEN'),
    projects: z
      .array(z.string().regex(/^[^\s]+\/[^\s]+$/, 'expected group/project, e.g. acme/payments'))
      .default([]),
    /** Every project of this group and its subgroups (besides `projects`). */
    group: z.string().min(1).optional(),
    since: sinceOption,
    deployments: deploymentsOption,
    /** Incident issues (issue_type=incident) as incidents; default true. */
    incidents: z.boolean().default(true),
    releases: z.boolean().default(false),
  })
  .refine((o) => o.projects.length > 0 || o.group !== undefined, {
    message: 'name the projects (projects: [group/project]) or a group (group: name)',
  })

export type GitLabOptions = z.output<typeof gitlabOptions>

const SOURCE = 'gitlab'
const APPROVED = /^approved this merge request/i

interface Project {
  id: string
  /** The repository name engops uses: the project's path without its group. */
  repo: string
  full: string
}

const encode = (path: string) => encodeURIComponent(path)

export async function* syncGitLab(ctx: SyncContext<GitLabOptions>): AsyncGenerator<SyncBatch> {
  const { source } = ctx
  const token = tokenOf(ctx, 'GitLab token')
  const client = gitlabClient({ apiUrl: source.apiUrl, token, source: source.id, progress: ctx.progress })
  for (const project of await projects(client, source)) {
    yield* mergeRequests(client, ctx, project)
    for (const environment of source.deployments?.environments ?? [])
      yield* deployments(client, ctx, project, environment)
    yield* pipelines(client, ctx, project)
    if (source.releases) yield* releases(client, ctx, project)
    if (source.incidents) yield* incidents(client, ctx, project)
    ctx.progress(`${project.full}: done`)
  }
}

async function projects(client: GitLabClient, options: GitLabOptions): Promise<Project[]> {
  const named: Project[] = options.projects.map((full) => ({
    id: encode(full),
    repo: full.split('/').at(-1) ?? full,
    full,
  }))
  if (!options.group) return named
  const seen = new Set(options.projects)
  for await (const page of client.pages(`/groups/${encode(options.group)}/projects`, {
    include_subgroups: 'true',
    archived: 'false',
  })) {
    for (const p of page)
      if (!seen.has(p.path_with_namespace))
        named.push({ id: String(p.id), repo: p.path, full: p.path_with_namespace })
  }
  return named
}

async function cursorOf(ctx: SyncContext<GitLabOptions>, stream: string): Promise<string> {
  return (await ctx.cursorOf(stream)) ?? new Date(ctx.since).toISOString()
}

/** The newest `updated_at` of a page (ISO, UTC), or the newest so far. */
const newestOf = (items: readonly Json[], current: string | null) =>
  items.reduce<string | null>((best, item) => {
    const at = isoTime(item.updated_at) ?? null
    return best && (at === null || best >= at) ? best : at
  }, current)

async function* mergeRequests(
  client: GitLabClient,
  ctx: SyncContext<GitLabOptions>,
  project: Project,
): AsyncGenerator<SyncBatch> {
  const stream = `${project.full}:merge_requests`
  const since = await cursorOf(ctx, stream)
  let newest: string | null = null
  let page = 0
  for await (const list of client.pages(`/projects/${project.id}/merge_requests`, {
    state: 'all',
    order_by: 'updated_at',
    sort: 'desc',
    updated_after: since,
  })) {
    newest = newestOf(list, newest)
    const events: Json[] = []
    for (const mr of list) {
      const merged = mr.state === 'merged'
      const base = `/projects/${project.id}/merge_requests/${mr.iid}`
      const notes: Json[] = []
      for await (const p of client.pages(`${base}/notes`, { sort: 'asc', order_by: 'created_at' }))
        notes.push(...p)
      // Commits only for merged ones: only they ship.
      const commits: Json[] = []
      if (merged) for await (const p of client.pages(`${base}/commits`)) commits.push(...p)
      events.push(mergeRequestEvent(mr, project.repo, notes, commits))
    }
    page++
    ctx.progress(`${project.full}: merge requests page ${page} (${list.length})`)
    yield { stream, events, cursor: null }
  }
  yield { stream, events: [], cursor: newest ?? since }
}

export function mergeRequestEvent(
  mr: Json,
  repo: string,
  notes: readonly Json[],
  commits: readonly Json[],
): Json {
  const author: string = mr.author?.username ?? 'ghost'
  const reviews = notes
    .filter(
      (n) => n.author?.username && n.author.username !== author && (!n.system || APPROVED.test(n.body ?? '')),
    )
    .map((n) => ({
      author: n.author.username,
      at: isoTime(n.created_at),
      state: n.system ? 'approved' : 'commented',
    }))
  const mergeSha = mr.squash_commit_sha ?? mr.merge_commit_sha
  return {
    type: 'pull_request',
    source: SOURCE,
    repo,
    number: mr.iid,
    author,
    createdAt: isoTime(mr.created_at),
    ...(mr.state === 'merged' && mr.merged_at ? { mergedAt: isoTime(mr.merged_at) } : {}),
    ...(mr.state === 'closed' && mr.closed_at ? { closedAt: isoTime(mr.closed_at) } : {}),
    ...(mr.state === 'merged' && mergeSha ? { mergeSha } : {}),
    ...(mr.sha ? { headSha: mr.sha } : {}),
    commits: commits.map((c) => c.id),
    reviews,
    draft: Boolean(mr.draft ?? mr.work_in_progress),
    labels: Array.isArray(mr.labels) ? mr.labels : [],
  }
}

async function* deployments(
  client: GitLabClient,
  ctx: SyncContext<GitLabOptions>,
  project: Project,
  environment: string,
): AsyncGenerator<SyncBatch> {
  const stream = `${project.full}:deployments:${environment}`
  const since = await cursorOf(ctx, stream)
  let newest: string | null = null
  for await (const list of client.pages(`/projects/${project.id}/deployments`, {
    environment,
    order_by: 'updated_at',
    sort: 'desc',
    updated_after: since,
  })) {
    newest = newestOf(list, newest)
    const events = list.flatMap((d) => {
      const result = d.status === 'success' ? 'success' : d.status === 'failed' ? 'failure' : null
      if (!result) return []
      return [
        {
          type: 'deployment',
          source: SOURCE,
          id: String(d.id),
          service: ctx.org.serviceOfRepo(project.repo) ?? project.repo,
          environment: d.environment?.name ?? environment,
          result,
          startedAt: isoTime(d.created_at),
          finishedAt: isoTime(d.finished_at ?? d.updated_at),
          sha: d.sha,
        },
      ]
    })
    ctx.progress(`${project.full}: ${environment} deployments (${events.length})`)
    yield { stream, events, cursor: null }
  }
  yield { stream, events: [], cursor: newest ?? since }
}

async function* pipelines(
  client: GitLabClient,
  ctx: SyncContext<GitLabOptions>,
  project: Project,
): AsyncGenerator<SyncBatch> {
  const stream = `${project.full}:pipelines`
  const since = await cursorOf(ctx, stream)
  let newest: string | null = null
  for await (const list of client.pages(`/projects/${project.id}/pipelines`, {
    order_by: 'updated_at',
    sort: 'desc',
    updated_after: since,
  })) {
    newest = newestOf(list, newest)
    const events: Json[] = []
    for (const p of list) {
      const result = pipelineResult(p.status)
      if (!result) continue
      // One request a pipeline: its jobs, retried ones included, give its attempts and times.
      const jobs: Json[] = []
      for await (const page of client.pages(`/projects/${project.id}/pipelines/${p.id}/jobs`, {
        include_retried: 'true',
      }))
        jobs.push(...page)
      for (const attempt of pipelineAttempts(p, jobs, result))
        events.push({
          type: 'pipeline_run',
          source: SOURCE,
          id: String(p.id),
          repo: project.repo,
          workflow: p.name ?? p.ref ?? 'pipeline',
          ...attempt,
        })
    }
    ctx.progress(`${project.full}: pipelines (${events.length} runs)`)
    yield { stream, events, cursor: null }
  }
  yield { stream, events: [], cursor: newest ?? since }
}

async function* releases(
  client: GitLabClient,
  ctx: SyncContext<GitLabOptions>,
  project: Project,
): AsyncGenerator<SyncBatch> {
  const stream = `${project.full}:releases`
  const since = await cursorOf(ctx, stream)
  let newest: string | null = null
  for await (const list of client.pages(`/projects/${project.id}/releases`, {
    order_by: 'released_at',
    sort: 'desc',
  })) {
    const fresh = list.filter((r) => (isoTime(r.released_at) ?? '') >= since)
    newest = fresh.reduce<string | null>((best, r) => {
      const at = isoTime(r.released_at) ?? ''
      return best !== null && best >= at ? best : at
    }, newest)
    yield {
      stream,
      events: fresh.map((r) => ({
        type: 'deployment',
        source: SOURCE,
        id: `release-${r.tag_name}`,
        service: ctx.org.serviceOfRepo(project.repo) ?? project.repo,
        environment: 'production',
        result: 'success',
        startedAt: isoTime(r.released_at),
        finishedAt: isoTime(r.released_at),
        sha: r.commit?.id,
        labels: ['release', r.tag_name].filter(Boolean),
      })),
      cursor: null,
    }
    if (fresh.length < list.length) break
  }
  yield { stream, events: [], cursor: newest ?? since }
}

const SEVERITY: Record<string, string> = { CRITICAL: 'SEV-1', HIGH: 'SEV-2', MEDIUM: 'SEV-3', LOW: 'SEV-4' }

async function* incidents(
  client: GitLabClient,
  ctx: SyncContext<GitLabOptions>,
  project: Project,
): AsyncGenerator<SyncBatch> {
  const stream = `${project.full}:incidents`
  const since = await cursorOf(ctx, stream)
  let newest: string | null = null
  for await (const list of client.pages(`/projects/${project.id}/issues`, {
    issue_type: 'incident',
    scope: 'all',
    state: 'all',
    order_by: 'updated_at',
    sort: 'desc',
    updated_after: since,
  })) {
    newest = newestOf(list, newest)
    yield {
      stream,
      events: list.map((issue) => incidentEvent(issue, project, ctx.org)),
      cursor: null,
    }
  }
  yield { stream, events: [], cursor: newest ?? since }
}

function incidentEvent(issue: Json, project: Project, org: OrgView): Json {
  const label = (issue.labels ?? []).map((l: string) => /^severity::(\d)$/i.exec(l)?.[1]).find(Boolean)
  return {
    type: 'incident',
    source: SOURCE,
    id: `${project.repo}#${issue.iid}`,
    services: [org.serviceOfRepo(project.repo) ?? project.repo],
    severity: SEVERITY[String(issue.severity).toUpperCase()] ?? (label ? `SEV-${label}` : 'SEV-3'),
    detectedAt: isoTime(issue.created_at),
    ...(issue.closed_at ? { resolvedAt: isoTime(issue.closed_at) } : {}),
  }
}
