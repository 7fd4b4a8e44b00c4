/**
 * A local stand-in for GitHub's APIs, answering in the shapes of GitHub's public REST documentation
 * (pull request, review, commit, deployment, deployment status, workflow run, issue objects with
 * their real field names) and executing GraphQL queries with GitHub's published schema
 * (`@octokit/graphql-schema`), so every query the connector sends is validated against the real
 * schema. Pages are small and linked with `Link` headers; faults are injected on request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { schema as github } from '@octokit/graphql-schema'
import { buildClientSchema, graphql, type IntrospectionQuery } from 'graphql'

export interface FixturePullRequest {
  number: number
  author: string
  createdAt: string
  updatedAt: string
  mergedAt: string | null
  closedAt: string | null
  mergeSha: string | null
  headSha: string
  draft: boolean
  additions: number
  deletions: number
  labels: string[]
  commits: string[]
  reviews: { author: string; submittedAt: string; state: string }[]
}

export interface FixtureDeployment {
  id: number
  sha: string
  environment: string
  createdAt: string
  /** Newest first, as GitHub lists them. */
  statuses: { id: number; state: string; createdAt: string }[]
}

export interface FixtureRun {
  id: number
  name: string
  attempts: { conclusion: string; createdAt: string; startedAt: string; finishedAt: string }[]
  status: 'completed' | 'in_progress'
}

export interface FixtureIssue {
  number: number
  labels: string[]
  createdAt: string
  updatedAt: string
  closedAt: string | null
}

export interface Fixture {
  owner: string
  repo: string
  pullRequests: FixturePullRequest[]
  deployments: FixtureDeployment[]
  runs: FixtureRun[]
  issues: FixtureIssue[]
}

export interface Faults {
  /** Answer this request number (1-based, over all requests) with 403 and a reset in two seconds. */
  rateLimitAt?: number
  /** Answer this request number with 502. */
  badGatewayAt?: number
  /** Hold every answer this long (for the kill test). */
  delayMs?: number
  /** Pull requests whose head commit is gone (a force-push, a deleted fork): comparing them is a 404. */
  headsGone?: number[]
  /** Items per REST page (default 5, to exercise pagination; GitHub's maximum is 100). */
  pageSize?: number
}

export interface StandIn {
  url: string
  requests: string[]
  graphqlCost: number
  faults: Faults
  close: () => Promise<void>
}

const PAGE = 5
/** The main branch's tip a pull request is based on: one per pull request, so a comparison names it. */
const baseSha = (number: number) => `ba5e${number.toString(16).padStart(36, '0')}`
const TOKEN = 'good-token'

const user = (login: string) => ({
  login,
  id: login.length * 1000,
  node_id: `U_${login}`,
  type: 'User',
  site_admin: false,
})

function restPullRequest(f: Fixture, pr: FixturePullRequest, base: string) {
  return {
    url: `${base}/repos/${f.owner}/${f.repo}/pulls/${pr.number}`,
    id: 1_000_000 + pr.number,
    node_id: `PR_${pr.number}`,
    number: pr.number,
    state: pr.closedAt || pr.mergedAt ? 'closed' : 'open',
    locked: false,
    title: `Change ${pr.number}`,
    user: user(pr.author),
    body: null,
    labels: pr.labels.map((name, i) => ({
      id: i + 1,
      node_id: `L_${name}`,
      name,
      color: 'ededed',
      default: false,
    })),
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeSha,
    draft: pr.draft,
    head: {
      label: `${f.owner}:branch-${pr.number}`,
      ref: `branch-${pr.number}`,
      sha: pr.headSha,
      user: user(f.owner),
    },
    base: { label: `${f.owner}:main`, ref: 'main', sha: baseSha(pr.number), user: user(f.owner) },
    author_association: 'MEMBER',
  }
}

function deployment(f: Fixture, d: FixtureDeployment, base: string) {
  return {
    url: `${base}/repos/${f.owner}/${f.repo}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: 'main',
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    creator: user('deploy-bot'),
    created_at: d.createdAt,
    updated_at: d.statuses[0]?.createdAt ?? d.createdAt,
    statuses_url: `${base}/repos/${f.owner}/${f.repo}/deployments/${d.id}/statuses`,
    repository_url: `${base}/repos/${f.owner}/${f.repo}`,
    transient_environment: false,
    production_environment: true,
  }
}

function run(f: Fixture, r: FixtureRun, attempt: number, base: string) {
  const a = r.attempts[attempt - 1]
  if (!a) throw new Error(`run ${r.id} has no attempt ${attempt}`)
  const last = attempt === r.attempts.length
  return {
    id: r.id,
    name: r.name,
    node_id: `WFR_${r.id}`,
    head_branch: 'main',
    head_sha: 'f'.repeat(40),
    path: '.github/workflows/ci.yml',
    display_title: r.name,
    run_number: r.id,
    event: 'push',
    status: last ? r.status : 'completed',
    conclusion: last && r.status !== 'completed' ? null : a.conclusion,
    workflow_id: 42,
    url: `${base}/repos/${f.owner}/${f.repo}/actions/runs/${r.id}`,
    created_at: a.createdAt,
    updated_at: a.finishedAt,
    run_attempt: attempt,
    run_started_at: a.startedAt,
  }
}

function issue(f: Fixture, i: FixtureIssue, base: string) {
  return {
    url: `${base}/repos/${f.owner}/${f.repo}/issues/${i.number}`,
    id: 2_000_000 + i.number,
    node_id: `I_${i.number}`,
    number: i.number,
    title: `Incident ${i.number}`,
    user: user('oncall'),
    labels: i.labels.map((name, k) => ({
      id: k + 1,
      node_id: `L_${name}`,
      name,
      color: 'd73a4a',
      default: false,
    })),
    state: i.closedAt ? 'closed' : 'open',
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
  }
}

/** GitHub's resolvers for the parts of the schema the connector reads, over the fixture. */
function graphqlRoot(f: Fixture, counter: { cost: number }) {
  const actor = (login: string) => ({ __typename: 'User', login })
  return {
    rateLimit: () => {
      counter.cost += 1
      return { cost: 1, remaining: 5000 - counter.cost, resetAt: '2030-01-01T00:00:00Z' }
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      if (owner !== f.owner || name !== f.repo) return null
      return {
        pullRequests: ({ first, after }: { first: number; after?: string }) => {
          const sorted = [...f.pullRequests].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
          const start = after ? Number(after) : 0
          const slice = sorted.slice(start, start + first)
          return {
            pageInfo: { hasNextPage: start + first < sorted.length, endCursor: String(start + first) },
            nodes: slice.map((pr) => ({
              number: pr.number,
              updatedAt: pr.updatedAt,
              createdAt: pr.createdAt,
              mergedAt: pr.mergedAt,
              closedAt: pr.closedAt,
              isDraft: pr.draft,
              additions: pr.additions,
              deletions: pr.deletions,
              headRefOid: pr.headSha,
              author: actor(pr.author),
              mergeCommit: pr.mergeSha ? { oid: pr.mergeSha } : null,
              labels: () => ({ nodes: pr.labels.map((name) => ({ name })) }),
              reviews: ({ first }: { first: number }) => ({
                pageInfo: { hasNextPage: pr.reviews.length > first, endCursor: null },
                nodes: pr.reviews
                  .slice(0, first)
                  .map((r) => ({ author: actor(r.author), submittedAt: r.submittedAt, state: r.state })),
              }),
              commits: ({ first }: { first: number }) => ({
                pageInfo: { hasNextPage: pr.commits.length > first, endCursor: null },
                nodes: pr.commits.slice(0, first).map((oid) => ({ commit: { oid } })),
              }),
            })),
          }
        },
      }
    },
  }
}

export async function startGitHub(fixture: Fixture, faults: Faults = {}): Promise<StandIn> {
  // The published introspection result: the SDL of this version repeats a field, which graphql-js rejects.
  const schema = buildClientSchema(github.json as unknown as IntrospectionQuery)
  const counter = { cost: 0 }
  const requests: string[] = []
  let base = ''
  const paged = (res: ServerResponse, url: URL, items: unknown[], wrap?: (page: unknown[]) => unknown) => {
    const page = Number(url.searchParams.get('page') ?? '1')
    const size = faults.pageSize ?? PAGE
    const slice = items.slice((page - 1) * size, page * size)
    const last = Math.max(1, Math.ceil(items.length / size))
    const link = (n: number) => {
      const next = new URL(url.toString())
      next.searchParams.set('page', String(n))
      return `<${base}${next.pathname}${next.search}>`
    }
    const links = [
      ...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
      ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
    ]
    send(res, 200, wrap ? wrap(slice) : slice, links.length ? { link: links.join(', ') } : {})
  }
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    })
    res.end(JSON.stringify(body))
  }
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    requests.push(`${req.method} ${url.pathname}${url.search}`)
    const n = requests.length
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs))
    if (req.headers.authorization !== `token ${TOKEN}`)
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      })
    if (faults.rateLimitAt === n)
      return send(
        res,
        403,
        {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 2) },
      )
    if (faults.badGatewayAt === n) return send(res, 502, { message: 'Server Error' })
    const f = fixture
    const repoPath = `/repos/${f.owner}/${f.repo}`
    const body = await new Promise<string>((resolve) => {
      let text = ''
      req.on('data', (chunk) => {
        text += chunk
      })
      req.on('end', () => resolve(text))
    })
    if (req.method === 'POST' && url.pathname === '/graphql') {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> }
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables,
        rootValue: graphqlRoot(f, counter),
      })
      return send(res, 200, result)
    }
    const m = url.pathname
    if (m === `${repoPath}/pulls`) {
      const sorted = [...f.pullRequests].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
      return paged(
        res,
        url,
        sorted.map((pr) => restPullRequest(f, pr, base)),
      )
    }
    const compared = new RegExp(`^${repoPath}/compare/([0-9a-f]{40})\\.\\.\\.([0-9a-f]{40})$`).exec(m)
    if (compared) {
      const pr = f.pullRequests.find((p) => baseSha(p.number) === compared[1])
      if (!pr || compared[2] !== pr.headSha || faults.headsGone?.includes(pr.number))
        return send(res, 404, { message: 'Not Found' })
      // Two files whose counts add up to the pull request's, as GitHub's diff of the same range would.
      const half = (n: number) => Math.floor(n / 2)
      const file = (name: string, additions: number, deletions: number) => ({
        sha: 'f'.repeat(40),
        filename: name,
        status: 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${base}/${f.owner}/${f.repo}/blob/${pr.headSha}/${name}`,
        raw_url: `${base}/${f.owner}/${f.repo}/raw/${pr.headSha}/${name}`,
        contents_url: `${base}${repoPath}/contents/${name}?ref=${pr.headSha}`,
        patch: '@@ -1 +1 @@',
      })
      return send(res, 200, {
        url: `${base}${m}`,
        html_url: `https://github.com/${f.owner}/${f.repo}/compare/${compared[1]}...${compared[2]}`,
        status: 'ahead',
        ahead_by: pr.commits.length,
        behind_by: 0,
        total_commits: pr.commits.length,
        base_commit: { sha: compared[1] },
        merge_base_commit: { sha: compared[1] },
        commits: pr.commits.slice(0, 250).map((sha) => ({
          sha,
          node_id: `C_${sha}`,
          commit: { message: 'change', author: { name: pr.author, date: pr.createdAt } },
          parents: [],
        })),
        files: [
          file('src/a.ts', half(pr.additions), half(pr.deletions)),
          file('src/b.ts', pr.additions - half(pr.additions), pr.deletions - half(pr.deletions)),
        ],
      })
    }
    let match = new RegExp(`^${repoPath}/pulls/(\\d+)(/reviews|/commits)?$`).exec(m)
    if (match) {
      const pr = f.pullRequests.find((p) => p.number === Number(match?.[1]))
      if (!pr) return send(res, 404, { message: 'Not Found' })
      if (match[2] === '/reviews')
        return paged(
          res,
          url,
          pr.reviews.map((r, i) => ({
            id: pr.number * 100 + i,
            node_id: `R_${i}`,
            user: user(r.author),
            body: '',
            state: r.state,
            submitted_at: r.submittedAt,
            commit_id: pr.headSha,
          })),
        )
      if (match[2] === '/commits')
        return paged(
          res,
          url,
          pr.commits.map((sha) => ({ sha, node_id: `C_${sha}`, commit: { message: 'change' }, parents: [] })),
        )
      return send(res, 200, {
        ...restPullRequest(f, pr, base),
        additions: pr.additions,
        deletions: pr.deletions,
        merged: Boolean(pr.mergedAt),
      })
    }
    if (m === `${repoPath}/deployments`) {
      const env = url.searchParams.get('environment')
      const list = f.deployments
        .filter((d) => !env || d.environment === env)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      return paged(
        res,
        url,
        list.map((d) => deployment(f, d, base)),
      )
    }
    match = new RegExp(`^${repoPath}/deployments/(\\d+)/statuses$`).exec(m)
    if (match) {
      const d = f.deployments.find((x) => x.id === Number(match?.[1]))
      if (!d) return send(res, 404, { message: 'Not Found' })
      return send(
        res,
        200,
        d.statuses.map((s) => ({
          url: `${base}${m}/${s.id}`,
          id: s.id,
          node_id: `DES_${s.id}`,
          state: s.state,
          creator: user('deploy-bot'),
          description: '',
          environment: d.environment,
          target_url: '',
          created_at: s.createdAt,
          updated_at: s.createdAt,
          deployment_url: `${base}${repoPath}/deployments/${d.id}`,
          repository_url: `${base}${repoPath}`,
        })),
      )
    }
    if (m === `${repoPath}/actions/runs`) {
      const created = url.searchParams.get('created')?.replace('>=', '') ?? ''
      const list = f.runs
        .filter((r) => (r.attempts.at(-1)?.createdAt ?? '') >= created)
        .sort((a, b) =>
          (a.attempts.at(-1)?.createdAt ?? '') < (b.attempts.at(-1)?.createdAt ?? '') ? 1 : -1,
        )
        .map((r) => run(f, r, r.attempts.length, base))
      return paged(res, url, list, (page) => ({ total_count: list.length, workflow_runs: page }))
    }
    match = new RegExp(`^${repoPath}/actions/runs/(\\d+)/attempts/(\\d+)$`).exec(m)
    if (match) {
      const r = f.runs.find((x) => x.id === Number(match?.[1]))
      if (!r) return send(res, 404, { message: 'Not Found' })
      return send(res, 200, run(f, r, Number(match[2]), base))
    }
    if (m === `${repoPath}/issues`) {
      const since = url.searchParams.get('since') ?? ''
      const label = url.searchParams.get('labels') ?? ''
      const list = f.issues
        .filter((i) => i.labels.includes(label) && i.updatedAt >= since)
        .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
      return paged(
        res,
        url,
        list.map((i) => issue(f, i, base)),
      )
    }
    return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
  }
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    requests,
    get graphqlCost() {
      return counter.cost
    },
    faults,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export const STANDIN_TOKEN = TOKEN
