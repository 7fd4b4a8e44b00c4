/**
 * `engops sync` for GitHub (github.com and Enterprise Server). Pull requests come through GraphQL,
 * 50 a query with their reviews, commits and line counts (a few points per 50 pull requests
 * instead of three REST requests each), newest update first, down to the stream's cursor; `api:
 * rest` collects the same through REST for servers or tokens without GraphQL. Deployments with
 * their statuses, Actions workflow runs (every attempt), releases and labelled issues come through
 * REST. Octokit's throttling and retry plugins implement GitHub's own guidance: wait out primary
 * and secondary rate limits (Retry-After, X-RateLimit-Reset), retry 5xx and network errors with
 * backoff, never retry a 401 or 404.
 *
 * Cursors: a stream's cursor moves only with the last batch of a complete pass, in the same
 * transaction; a sync that dies midway re-reads its pass next time (rows are upserted), so the
 * store ends as one uninterrupted sync would leave it.
 */
import { Octokit } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { z } from 'zod'
import { EngopsError } from '../../model/errors.js'
import {
  deploymentsOption,
  type Json,
  type OrgView,
  obj,
  type SyncBatch,
  type SyncContext,
  sinceOption,
  tokenOf,
} from '../connector.js'
import {
  deploymentEvent,
  pullRequestFromRest,
  releaseEvent,
  reviewsOf,
  SOURCE,
  workflowRunEvent,
} from './events.js'

const repoName = z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name, e.g. acme/shop')

export const githubOptions = z
  .strictObject({
    /** REST base: https://api.github.com, or https://ghe.example.com/api/v3 for Enterprise Server. */
    apiUrl: z.url().default('https://api.github.com'),
    /** graphql (default): pull requests through GraphQL; rest: everything through REST. */
    api: z.enum(['graphql', 'rest']).default('graphql'),
    /** Derived from apiUrl (…/graphql; Enterprise Server …/api/graphql) unless given. */
    graphqlUrl: z.url().optional(),
    /** The name of the environment variable holding the token, never the token. */
    tokenEnv: z.string().min(1).default('GITHUB_TOKEN'),
    repositories: z.array(repoName).default([]),
    /** Every repository of this organization (besides `repositories`). */
    org: z.string().min(1).optional(),
    /** How far back the first sync reads (a date); default a year. */
    since: sinceOption,
    deployments: deploymentsOption,
    /** Issues with this label become incidents (severity from a sev1…sev4 / SEV-1… label). */
    incidents: z.strictObject({ label: z.string().min(1) }).optional(),
    /** Published releases as production deployments (use either these or `deployments`, not both). */
    releases: z.boolean().default(false),
  })
  .refine((o) => o.repositories.length > 0 || o.org !== undefined, {
    message: 'name the repositories (repositories: [owner/name]) or an organization (org: name)',
  })

export type GitHubOptions = z.output<typeof githubOptions>

const GitHub = Octokit.plugin(paginateRest, retry, throttling)
type Client = InstanceType<typeof GitHub>

/**
 * Pull requests per GraphQL query. GitHub's cost: the connections a query may open (1 + 49 × 3
 * nested: labels, reviews, commits = 148) ÷ 100, rounded: 1 point. At 50 it would be 151, 2 points.
 */
export const PULLS_PER_QUERY = 49

export function githubClient(
  options: GitHubOptions,
  token: string,
  progress: (text: string) => void,
): Client {
  const wait =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const until = new Date(Date.now() + retryAfter * 1000).toISOString().slice(11, 19)
      progress(`GitHub ${kind} rate limit on ${request.method} ${request.url}: waiting until ${until} UTC`)
      return count < 10
    }
  return new GitHub({
    auth: token,
    baseUrl: options.apiUrl.replace(/\/$/, ''),
    userAgent: 'engops',
    throttle: { onRateLimit: wait('primary'), onSecondaryRateLimit: wait('secondary') },
    // The throttling plugin owns 403/429 waits; retry takes 5xx and network errors.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  })
}

const PULL_REQUESTS = /* GraphQL */ `
  query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
    rateLimit { cost remaining resetAt }
    repository(owner: $owner, name: $name) {
      pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
        pageInfo { hasNextPage endCursor }
        nodes {
          number
          updatedAt
          createdAt
          mergedAt
          closedAt
          isDraft
          additions
          deletions
          headRefOid
          author { login }
          mergeCommit { oid }
          labels(first: 20) { nodes { name } }
          reviews(first: 50) { pageInfo { hasNextPage } nodes { author { login } submittedAt state } }
          commits(first: 100) { pageInfo { hasNextPage } nodes { commit { oid } } }
        }
      }
    }
  }
`

export function pullRequestFromGraphql(pr: Json, repo: string): Json {
  return {
    type: 'pull_request',
    source: SOURCE,
    repo,
    number: pr.number,
    author: pr.author?.login ?? 'ghost',
    createdAt: pr.createdAt,
    ...(pr.mergedAt ? { mergedAt: pr.mergedAt } : {}),
    ...(pr.closedAt ? { closedAt: pr.closedAt } : {}),
    ...(pr.mergedAt && pr.mergeCommit?.oid ? { mergeSha: pr.mergeCommit.oid } : {}),
    ...(pr.headRefOid ? { headSha: pr.headRefOid } : {}),
    commits: (pr.commits?.nodes ?? []).map((n: Json) => n.commit.oid),
    reviews: reviewsOf(
      pr.reviews?.nodes ?? [],
      (r) => r.author?.login,
      (r) => r.submittedAt,
    ),
    additions: pr.additions,
    deletions: pr.deletions,
    draft: Boolean(pr.isDraft),
    labels: (pr.labels?.nodes ?? []).map((l: Json) => l.name),
  }
}

/** A failed request as the user's problem: which source, which URL, what to do. */
function failure(source: string, error: unknown): EngopsError {
  const e = error as { status?: number; request?: { url?: string }; message?: string }
  const url = e.request?.url ?? ''
  if (e.status === 401)
    return new EngopsError(
      'SOURCE_FAILED',
      `source ${source}: GitHub refused the token (401) at ${url}: check the token in its tokenEnv`,
    )
  if (e.status === 404)
    return new EngopsError(
      'SOURCE_FAILED',
      `source ${source}: not found (404) at ${url}: check the repository name and the token's access`,
    )
  return new EngopsError(
    'SOURCE_FAILED',
    `source ${source}: ${e.message ?? String(error)}${url ? ` (${url})` : ''}`,
  )
}

interface RepoStream {
  owner: string
  name: string
}

export async function* syncGitHub(ctx: SyncContext<GitHubOptions>): AsyncGenerator<SyncBatch> {
  const { source, org } = ctx
  const token = tokenOf(ctx, 'GitHub token')
  const client = githubClient(source, token, ctx.progress)
  try {
    for (const repo of await repositories(client, source)) {
      const full = `${repo.owner}/${repo.name}`
      yield* source.api === 'graphql' ? pullsByGraphql(client, ctx, repo) : pullsByRest(client, ctx, repo)
      if (source.deployments) yield* deployments(client, ctx, repo, org)
      yield* workflowRuns(client, ctx, repo)
      if (source.releases) yield* releases(client, ctx, repo, org)
      if (source.incidents) yield* incidents(client, ctx, repo, org, source.incidents.label)
      ctx.progress(`${full}: done`)
    }
  } catch (error) {
    if (error instanceof EngopsError) throw error
    throw failure(source.id, error)
  }
}

async function repositories(client: Client, options: GitHubOptions): Promise<RepoStream[]> {
  const named = options.repositories.map((full) => {
    const [owner = '', name = ''] = full.split('/')
    return { owner, name }
  })
  if (!options.org) return named
  const listed = await client.paginate('GET /orgs/{org}/repos', { org: options.org, per_page: 100 })
  const seen = new Set(named.map((r) => `${r.owner}/${r.name}`))
  for (const repo of listed as Json[])
    if (!repo.archived && !seen.has(repo.full_name)) named.push({ owner: repo.owner.login, name: repo.name })
  return named
}

/** The stream's lower bound: its cursor, else the source's `since`. */
async function floor(ctx: SyncContext<GitHubOptions>, stream: string): Promise<number> {
  const cursor = await ctx.cursorOf(stream)
  return cursor ? Date.parse(cursor) : ctx.since
}

async function* pullsByGraphql(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
): AsyncGenerator<SyncBatch> {
  const stream = `${repo.owner}/${repo.name}:pulls`
  const stop = await floor(ctx, stream)
  const url = ctx.source.graphqlUrl
  let after: string | null = null
  let newest: string | null = null
  let page = 0
  for (;;) {
    const data: Json = await client.graphql(PULL_REQUESTS, {
      owner: repo.owner,
      name: repo.name,
      first: PULLS_PER_QUERY,
      after,
      ...(url ? { url } : {}),
    })
    if (!data.repository)
      throw new EngopsError(
        'SOURCE_FAILED',
        `source ${ctx.source.id}: no repository ${repo.owner}/${repo.name} visible to the token (GraphQL)`,
      )
    const connection = data.repository.pullRequests
    const nodes: Json[] = connection.nodes
    newest ??= nodes[0]?.updatedAt ?? null
    const fresh = nodes.filter((pr) => Date.parse(pr.updatedAt) >= stop)
    const done = fresh.length < nodes.length || !connection.pageInfo.hasNextPage
    page++
    ctx.progress(
      `${repo.owner}/${repo.name}: pull requests page ${page} (${fresh.length}), rate limit ${data.rateLimit?.remaining ?? '?'} left`,
    )
    const events: Json[] = []
    for (const pr of fresh)
      events.push(await completed(client, repo, pr, pullRequestFromGraphql(pr, repo.name)))
    yield { stream, events, cursor: done ? newest : null }
    if (done) return
    after = connection.pageInfo.endCursor
  }
}

/**
 * A pull request with more commits or reviews than one query reads (100 and 50): the rest through
 * REST, so a long-lived branch's commits still attribute to its merge. Rare, and only for it.
 */
async function completed(client: Client, repo: RepoStream, pr: Json, event: Json): Promise<Json> {
  const params = { owner: repo.owner, repo: repo.name, pull_number: pr.number, per_page: 100 }
  if (pr.commits?.pageInfo?.hasNextPage) {
    const commits = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', params)
    event.commits = (commits as Json[]).map((c) => c.sha)
  }
  if (pr.reviews?.pageInfo?.hasNextPage) {
    const reviews = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', params)
    event.reviews = reviewsOf(
      reviews as Json[],
      (r) => r.user?.login,
      (r) => r.submitted_at,
    )
  }
  return event
}

async function* pullsByRest(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
): AsyncGenerator<SyncBatch> {
  const stream = `${repo.owner}/${repo.name}:pulls`
  const stop = await floor(ctx, stream)
  let newest: string | null = null
  let page = 0
  const pages = client.paginate.iterator('GET /repos/{owner}/{repo}/pulls', {
    owner: repo.owner,
    repo: repo.name,
    state: 'all',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  })
  for await (const response of pages) {
    const list = response.data as Json[]
    newest ??= list[0]?.updated_at ?? null
    const fresh = list.filter((pr) => Date.parse(pr.updated_at) >= stop)
    const events: Json[] = []
    for (const pr of fresh) {
      const params = { owner: repo.owner, repo: repo.name, pull_number: pr.number, per_page: 100 }
      // Reviews for every pull request (turnaround counts open ones too); commits and line counts
      // only for merged ones (only they ship and only they are sized), from one comparison.
      const [reviews, shipped] = await Promise.all([
        client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', params),
        pr.merged_at ? commitsAndSize(client, repo, pr) : undefined,
      ])
      events.push({
        ...pullRequestFromRest({ ...pr, ...shipped?.size }, repo.name),
        commits: shipped?.commits ?? [],
        reviews: reviewsOf(
          reviews as Json[],
          (r) => r.user?.login,
          (r) => r.submitted_at,
        ),
      })
    }
    page++
    ctx.progress(`${repo.owner}/${repo.name}: pull requests page ${page} (${fresh.length})`)
    const done = fresh.length < list.length
    yield { stream, events, cursor: done ? newest : null }
    if (done) return
  }
  yield { stream, events: [], cursor: newest }
}

/** What a compare answers at most: beyond, the pull request's own lists are read instead. */
const COMPARE_COMMITS = 250
const COMPARE_FILES = 300

/**
 * A merged pull request's commit shas and line counts in one request: the comparison of its base
 * and head (three dots: from their merge base, as GitHub computes the pull request's diff) lists
 * both. Past what a comparison lists (250 commits, 300 files), or when the head is gone, the pull
 * request's commits and its own page are read instead.
 */
async function commitsAndSize(
  client: Client,
  repo: RepoStream,
  pr: Json,
): Promise<{ commits: string[]; size: { additions: number; deletions: number } | undefined }> {
  const params = { owner: repo.owner, repo: repo.name, pull_number: pr.number, per_page: 100 }
  const base = obj(pr.base).sha
  const head = obj(pr.head).sha
  const compared =
    base && head
      ? await client
          .request('GET /repos/{owner}/{repo}/compare/{basehead}', {
            owner: repo.owner,
            repo: repo.name,
            basehead: `${base}...${head}`,
          })
          .then((r) => r.data as Json)
          .catch((error: { status?: number }) => {
            if (error.status === 404 || error.status === 422) return undefined
            throw error
          })
      : undefined
  const listed: Json[] = compared?.commits ?? []
  const files: Json[] = compared?.files ?? []
  const commits =
    compared && listed.length === compared.total_commits && listed.length < COMPARE_COMMITS
      ? listed.map((c) => String(c.sha))
      : (
          (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', params)) as Json[]
        ).map((c) => String(c.sha))
  if (compared && files.length < COMPARE_FILES) {
    const sum = (key: string) => files.reduce((total, file) => total + (Number(file[key]) || 0), 0)
    return { commits, size: { additions: sum('additions'), deletions: sum('deletions') } }
  }
  const full = (await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', params)).data as Json
  return { commits, size: { additions: full.additions, deletions: full.deletions } }
}

async function* deployments(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
  org: OrgView,
): AsyncGenerator<SyncBatch> {
  for (const environment of ctx.source.deployments?.environments ?? []) {
    const stream = `${repo.owner}/${repo.name}:deployments:${environment}`
    const stop = await floor(ctx, stream)
    // The next pass starts at the oldest deployment still without a final status, else the newest.
    let pending: string | null = null
    let newest: string | null = null
    const pages = client.paginate.iterator('GET /repos/{owner}/{repo}/deployments', {
      owner: repo.owner,
      repo: repo.name,
      environment,
      per_page: 100,
    })
    let done = false
    for await (const response of pages) {
      const list = response.data as Json[]
      newest ??= list[0]?.created_at ?? null
      const fresh = list.filter((d) => Date.parse(d.created_at) >= stop)
      const events: Json[] = []
      for (const deployment of fresh) {
        const statuses = (
          await client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
            owner: repo.owner,
            repo: repo.name,
            deployment_id: deployment.id,
            per_page: 100,
          })
        ).data as Json[]
        // Newest first: the first final state is how it ended.
        const final = statuses.find((s) => ['success', 'failure', 'error'].includes(s.state))
        const event = final ? deploymentEvent(deployment, final, repo.name, org) : null
        if (event) events.push(event)
        else pending = deployment.created_at
      }
      ctx.progress(`${repo.owner}/${repo.name}: ${environment} deployments (${events.length})`)
      done = fresh.length < list.length
      yield { stream, events, cursor: null }
      if (done) break
    }
    const cursor = pending ?? newest
    if (cursor) yield { stream, events: [], cursor }
  }
}

async function* workflowRuns(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
): AsyncGenerator<SyncBatch> {
  const stream = `${repo.owner}/${repo.name}:runs`
  const stop = await floor(ctx, stream)
  let pending: string | null = null
  let newest: string | null = null
  const pages = client.paginate.iterator('GET /repos/{owner}/{repo}/actions/runs', {
    owner: repo.owner,
    repo: repo.name,
    created: `>=${new Date(stop).toISOString().slice(0, 10)}`,
    per_page: 100,
  })
  for await (const response of pages) {
    const list = response.data as unknown as Json[]
    const events: Json[] = []
    for (const run of list) {
      newest ??= run.created_at
      if (Date.parse(run.created_at) < stop) continue
      if (run.status !== 'completed') {
        pending = run.created_at
        continue
      }
      const last = workflowRunEvent(run, repo.name)
      if (last) events.push(last)
      // Earlier attempts of a retried run: a failure retried green is what makes a run flaky.
      for (let attempt = 1; attempt < (run.run_attempt ?? 1); attempt++) {
        const earlier = (
          await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}', {
            owner: repo.owner,
            repo: repo.name,
            run_id: run.id,
            attempt_number: attempt,
          })
        ).data as Json
        const event = workflowRunEvent(earlier, repo.name)
        if (event) events.push(event)
      }
    }
    ctx.progress(`${repo.owner}/${repo.name}: workflow runs (${events.length})`)
    yield { stream, events, cursor: null }
  }
  const cursor = pending ?? newest
  if (cursor) yield { stream, events: [], cursor }
}

async function* releases(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
  org: OrgView,
): AsyncGenerator<SyncBatch> {
  const stream = `${repo.owner}/${repo.name}:releases`
  const stop = await floor(ctx, stream)
  let newest: string | null = null
  const pages = client.paginate.iterator('GET /repos/{owner}/{repo}/releases', {
    owner: repo.owner,
    repo: repo.name,
    per_page: 100,
  })
  for await (const response of pages) {
    const list = (response.data as Json[]).filter((r) => !r.draft && !r.prerelease && r.published_at)
    newest ??= list[0]?.published_at ?? null
    const fresh = list.filter((r) => Date.parse(r.published_at) >= stop)
    yield { stream, events: fresh.map((r) => releaseEvent(r, repo.name, org)), cursor: null }
    if (fresh.length < list.length) break
  }
  if (newest) yield { stream, events: [], cursor: newest }
}

const SEVERITY_LABEL = /^sev[\s-]?([1-4])$/i

async function* incidents(
  client: Client,
  ctx: SyncContext<GitHubOptions>,
  repo: RepoStream,
  org: OrgView,
  label: string,
): AsyncGenerator<SyncBatch> {
  const stream = `${repo.owner}/${repo.name}:incidents`
  const stop = await floor(ctx, stream)
  let newest: string | null = null
  const pages = client.paginate.iterator('GET /repos/{owner}/{repo}/issues', {
    owner: repo.owner,
    repo: repo.name,
    labels: label,
    state: 'all',
    since: new Date(stop).toISOString(),
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  })
  for await (const response of pages) {
    const issues = (response.data as Json[]).filter((i) => !i.pull_request)
    const events = issues.map((issue) => {
      newest = newest && newest > issue.updated_at ? newest : issue.updated_at
      const labels: string[] = (issue.labels ?? []).map((l: Json | string) =>
        typeof l === 'string' ? l : l.name,
      )
      const severity = labels.map((l) => SEVERITY_LABEL.exec(l)?.[1]).find(Boolean)
      return {
        type: 'incident',
        source: SOURCE,
        id: `${repo.name}#${issue.number}`,
        services: [org.serviceOfRepo(repo.name) ?? repo.name],
        severity: `SEV-${severity ?? 3}`,
        detectedAt: issue.created_at,
        ...(issue.closed_at ? { resolvedAt: issue.closed_at } : {}),
      }
    })
    yield { stream, events, cursor: null }
  }
  if (newest) yield { stream, events: [], cursor: newest }
}
