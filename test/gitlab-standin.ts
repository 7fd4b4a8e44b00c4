/**
 * A local stand-in for GitLab's REST API v4, answering in the shapes of GitLab's documentation
 * (merge request, note, commit, deployment, pipeline and issue objects with their real field
 * names), paginated with `X-Next-Page`, with faults injected on request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GitLabFixture {
  group: string
  project: string
  projectId: number
  mergeRequests: {
    iid: number
    author: string
    state: 'opened' | 'merged' | 'closed'
    createdAt: string
    updatedAt: string
    mergedAt: string | null
    closedAt: string | null
    mergeSha: string | null
    sha: string
    draft: boolean
    labels: string[]
    commits: string[]
    /** System notes "approved this merge request" and comments. */
    notes: { author: string; createdAt: string; approval: boolean }[]
  }[]
  deployments: {
    id: number
    sha: string
    environment: string
    status: string
    createdAt: string
    finishedAt: string | null
    updatedAt: string
  }[]
  pipelines: {
    id: number
    status: string
    ref: string
    createdAt: string
    updatedAt: string
    /** Every job run, retried ones included (a retry is a new job of the same name). */
    jobs: {
      id: number
      name: string
      stage: string
      status: string
      createdAt: string
      startedAt: string | null
      finishedAt: string | null
    }[]
  }[]
  incidents: {
    iid: number
    severity: string
    createdAt: string
    updatedAt: string
    closedAt: string | null
  }[]
}

export interface GitLabFaults {
  /** Items per page (default 4; GitLab's maximum, which engops asks for, is 100). */
  pageSize?: number
  /** Answer this request number with 429 and Retry-After: 2. */
  rateLimitAt?: number
  /** Answer this request number with 502. */
  badGatewayAt?: number
}

export const GITLAB_TOKEN = 'glpat-good'
/** Items per page unless the faults say otherwise: small, to exercise pagination. */
const PAGE = 4

const user = (username: string) => ({
  id: username.length,
  username,
  name: username,
  state: 'active',
  avatar_url: null,
  web_url: `https://gitlab.example.com/${username}`,
})

export async function startGitLab(f: GitLabFixture, faults: GitLabFaults = {}) {
  const requests: string[] = []
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const paged = (res: ServerResponse, url: URL, items: unknown[]) => {
    const page = Number(url.searchParams.get('page') ?? '1')
    const size = faults.pageSize ?? PAGE
    const total = Math.max(1, Math.ceil(items.length / size))
    send(res, 200, items.slice((page - 1) * size, page * size), {
      'x-page': String(page),
      'x-per-page': String(size),
      'x-total': String(items.length),
      'x-total-pages': String(total),
      'x-next-page': page < total ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
    })
  }
  const after = (url: URL) => url.searchParams.get('updated_after') ?? ''
  const newestFirst = <T extends { updatedAt: string }>(list: T[]) =>
    [...list].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    requests.push(`${req.method} ${url.pathname}${url.search}`)
    const n = requests.length
    if (req.headers['private-token'] !== GITLAB_TOKEN) return send(res, 401, { message: '401 Unauthorized' })
    if (faults.rateLimitAt === n)
      return send(
        res,
        429,
        { message: 'Retry later' },
        { 'retry-after': '2', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 2) },
      )
    if (faults.badGatewayAt === n) return send(res, 502, { message: '502 Bad Gateway' })
    const project = `/api/v4/projects/${encodeURIComponent(`${f.group}/${f.project}`)}`
    // A project is addressed by its id or its encoded path: both mean the same routes.
    const path = url.pathname.replace(
      `/projects/${f.projectId}/`,
      `/projects/${encodeURIComponent(`${f.group}/${f.project}`)}/`,
    )
    if (path === `${project}/merge_requests`)
      return paged(
        res,
        url,
        newestFirst(f.mergeRequests)
          .filter((mr) => mr.updatedAt >= after(url))
          .map((mr) => ({
            id: 10_000 + mr.iid,
            iid: mr.iid,
            project_id: f.projectId,
            title: `Change ${mr.iid}`,
            description: '',
            state: mr.state,
            created_at: mr.createdAt,
            updated_at: mr.updatedAt,
            merged_at: mr.mergedAt,
            closed_at: mr.closedAt,
            merged_by: mr.mergedAt ? user('maintainer') : null,
            author: user(mr.author),
            target_branch: 'main',
            source_branch: `branch-${mr.iid}`,
            labels: mr.labels,
            draft: mr.draft,
            work_in_progress: mr.draft,
            sha: mr.sha,
            merge_commit_sha: mr.mergeSha,
            squash_commit_sha: null,
            web_url: `https://gitlab.example.com/${f.group}/${f.project}/-/merge_requests/${mr.iid}`,
          })),
      )
    const mrMatch = new RegExp(`^${project}/merge_requests/(\\d+)/(notes|commits)$`).exec(path)
    if (mrMatch) {
      const mr = f.mergeRequests.find((m) => m.iid === Number(mrMatch[1]))
      if (!mr) return send(res, 404, { message: '404 Not found' })
      if (mrMatch[2] === 'notes')
        return paged(
          res,
          url,
          mr.notes.map((note, i) => ({
            id: mr.iid * 100 + i,
            type: null,
            body: note.approval ? 'approved this merge request' : 'Looks good, one question below.',
            author: user(note.author),
            created_at: note.createdAt,
            updated_at: note.createdAt,
            system: note.approval,
            noteable_id: 10_000 + mr.iid,
            noteable_type: 'MergeRequest',
            noteable_iid: mr.iid,
          })),
        )
      return paged(
        res,
        url,
        mr.commits.map((sha) => ({
          id: sha,
          short_id: sha.slice(0, 8),
          title: 'change',
          author_name: mr.author,
          created_at: mr.createdAt,
        })),
      )
    }
    if (path === `${project}/deployments`)
      return paged(
        res,
        url,
        newestFirst(f.deployments)
          .filter((d) => d.environment === url.searchParams.get('environment') && d.updatedAt >= after(url))
          .map((d) => ({
            id: d.id,
            iid: d.id - 100,
            ref: 'main',
            sha: d.sha,
            created_at: d.createdAt,
            updated_at: d.updatedAt,
            finished_at: d.finishedAt,
            status: d.status,
            user: user('deployer'),
            environment: { id: 1, name: d.environment, external_url: 'https://shop.example.com' },
          })),
      )
    if (path === `${project}/pipelines`)
      return paged(
        res,
        url,
        newestFirst(f.pipelines)
          .filter((p) => p.updatedAt >= after(url))
          .map((p) => ({
            id: p.id,
            iid: p.id - 1000,
            project_id: f.projectId,
            sha: 'a'.repeat(40),
            ref: p.ref,
            status: p.status,
            source: 'push',
            created_at: p.createdAt,
            updated_at: p.updatedAt,
            web_url: `https://gitlab.example.com/${f.group}/${f.project}/-/pipelines/${p.id}`,
          })),
      )
    const jobsMatch = new RegExp(`^${project}/pipelines/(\\d+)/jobs$`).exec(path)
    if (jobsMatch) {
      const pipeline = f.pipelines.find((p) => p.id === Number(jobsMatch[1]))
      if (!pipeline) return send(res, 404, { message: '404 Not found' })
      // Newest first, as GitLab lists them; retried runs only when asked for.
      const newest = [...pipeline.jobs].sort((a, b) => b.id - a.id)
      const latest = newest.filter((job, i) => newest.findIndex((other) => other.name === job.name) === i)
      const shown = url.searchParams.get('include_retried') === 'true' ? newest : latest
      return paged(
        res,
        url,
        shown.map((job) => ({
          id: job.id,
          status: job.status,
          stage: job.stage,
          name: job.name,
          ref: pipeline.ref,
          tag: false,
          coverage: null,
          allow_failure: false,
          created_at: job.createdAt,
          started_at: job.startedAt,
          finished_at: job.finishedAt,
          erased_at: null,
          duration:
            job.startedAt && job.finishedAt
              ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000
              : null,
          queued_duration: job.startedAt
            ? (Date.parse(job.startedAt) - Date.parse(job.createdAt)) / 1000
            : null,
          user: user('ci-bot'),
          commit: { id: 'a'.repeat(40), short_id: 'aaaaaaaa', title: 'change' },
          pipeline: {
            id: pipeline.id,
            project_id: f.projectId,
            ref: pipeline.ref,
            sha: 'a'.repeat(40),
            status: pipeline.status,
          },
          web_url: `https://gitlab.example.com/${f.group}/${f.project}/-/jobs/${job.id}`,
          project: { ci_job_token_scope_enabled: false },
          artifacts: [],
          runner: null,
          artifacts_expire_at: null,
          tag_list: [],
        })),
      )
    }
    if (path === `${project}/issues`)
      return paged(
        res,
        url,
        newestFirst(f.incidents)
          .filter((i) => url.searchParams.get('issue_type') === 'incident' && i.updatedAt >= after(url))
          .map((i) => ({
            id: 20_000 + i.iid,
            iid: i.iid,
            project_id: f.projectId,
            title: `Incident ${i.iid}`,
            state: i.closedAt ? 'closed' : 'opened',
            created_at: i.createdAt,
            updated_at: i.updatedAt,
            closed_at: i.closedAt,
            labels: [],
            issue_type: 'incident',
            type: 'INCIDENT',
            severity: i.severity,
            author: user('oncall'),
          })),
      )
    return send(res, 404, { message: '404 Not found' })
  }
  const server: Server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
