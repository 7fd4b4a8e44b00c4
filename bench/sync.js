#!/usr/bin/env node
// Benchmark: `engops sync` backfilling pull requests from the local GitHub stand-in of the tests
// (REST shapes of GitHub's documentation, GraphQL executed with GitHub's published schema).
// Reports, for GraphQL (the default) and REST: requests and GraphQL points per merged pull request
// (targets ≤ 0.05 and ≤ 3) and pull requests per second, against the stand-in's own serving rate
// (the same GraphQL pages fetched by a bare client) as the floor, measured in this run; and the same
// pull requests as GitLab merge requests from the GitLab stand-in (no target: for comparison).
//
//   node bench/sync.js [pull-requests]     (default 2000)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const cli = join(root, 'bin', 'engops.js')
const PULLS = Number(process.argv[2] ?? 2000)

// The stand-ins are the tests' TypeScript modules: transpiled here, beside node_modules, so each has one source.
const cache = join(root, 'node_modules', '.cache', 'engops-bench')
mkdirSync(cache, { recursive: true })
async function standIn(name) {
  const source = readFileSync(join(root, 'test', `${name}.ts`), 'utf8')
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  }).outputText
  writeFileSync(join(cache, `${name}.mjs`), js)
  return import(pathToFileURL(join(cache, `${name}.mjs`)).href)
}
const { startGitHub, STANDIN_TOKEN } = await standIn('github-standin')
const { startGitLab, GITLAB_TOKEN } = await standIn('gitlab-standin')

const H = 3_600_000
const start = Date.parse('2025-03-01T00:00:00Z')
const fixture = {
  owner: 'acme',
  repo: 'shop',
  pullRequests: Array.from({ length: PULLS }, (_, i) => {
    const created = start + i * H
    const merged = i % 4 !== 0 ? created + 2 * H : null
    const sha = (i + 1).toString(16).padStart(40, '0')
    return {
      number: i + 1,
      author: `dev${i % 50}`,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(merged ?? created + H).toISOString(),
      mergedAt: merged ? new Date(merged).toISOString() : null,
      closedAt: merged ? new Date(merged).toISOString() : null,
      mergeSha: merged ? sha : null,
      headSha: sha,
      draft: false,
      additions: i % 500,
      deletions: i % 50,
      labels: [],
      commits: [sha],
      reviews: [
        {
          author: `dev${(i + 1) % 50}`,
          submittedAt: new Date(created + H / 2).toISOString(),
          state: 'APPROVED',
        },
      ],
    }
  }),
  deployments: [],
  runs: [],
  issues: [],
}
const merged = fixture.pullRequests.filter((pr) => pr.mergedAt).length

// The same pull requests as GitLab merge requests: notes instead of reviews.
const gitlabFixture = {
  group: 'acme',
  project: 'shop',
  projectId: 7,
  mergeRequests: fixture.pullRequests.map((pr) => ({
    iid: pr.number,
    author: pr.author,
    state: pr.mergedAt ? 'merged' : 'closed',
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    mergedAt: pr.mergedAt,
    closedAt: pr.mergedAt ? null : pr.updatedAt,
    mergeSha: pr.mergeSha,
    sha: pr.headSha,
    draft: false,
    labels: [],
    commits: pr.commits,
    notes: pr.reviews.map((r) => ({ author: r.author, createdAt: r.submittedAt, approval: true })),
  })),
  deployments: [],
  pipelines: [],
  incidents: [],
}

function project(dir, api, mode) {
  mkdirSync(dir, { recursive: true })
  const source =
    mode === 'gitlab'
      ? `{ id: gl, kind: gitlab, apiUrl: ${api}, tokenEnv: BENCH_TOKEN, projects: [acme/shop], since: 2020-01-01, incidents: false }`
      : `{ id: gh, kind: github, apiUrl: ${api}, api: ${mode}, tokenEnv: BENCH_TOKEN, repositories: [acme/shop], since: 2020-01-01 }`
  writeFileSync(join(dir, 'engops.yaml'), `org: { name: Bench }\nsources:\n  - ${source}\n`)
}

function syncIn(dir, token) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'sync', '--json'], {
      cwd: dir,
      env: { ...process.env, BENCH_TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sync exited ${code}: ${out}`)),
    )
  })
}

/** The floor: the same GraphQL pages fetched by a bare client as fast as the stand-in serves them. */
async function bareGraphql(url) {
  const query = `query ($after: String) { rateLimit { cost } repository(owner: "acme", name: "shop") {
    pullRequests(first: 49, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { number updatedAt createdAt mergedAt closedAt isDraft additions deletions headRefOid
        author { login } mergeCommit { oid } labels(first: 20) { nodes { name } }
        reviews(first: 50) { pageInfo { hasNextPage } nodes { author { login } submittedAt state } }
        commits(first: 100) { pageInfo { hasNextPage } nodes { commit { oid } } } } } } }`
  let after = null
  let pulls = 0
  const began = performance.now()
  for (;;) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { authorization: `token ${STANDIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { after } }),
    })
    const { data } = await response.json()
    pulls += data.repository.pullRequests.nodes.length
    if (!data.repository.pullRequests.pageInfo.hasNextPage) break
    after = data.repository.pullRequests.pageInfo.endCursor
  }
  return pulls / ((performance.now() - began) / 1000)
}

const work = mkdtempSync(join(tmpdir(), 'engops-bench-sync-'))
try {
  const floorServer = await startGitHub(fixture)
  const floor = await bareGraphql(floorServer.url)
  await floorServer.close()
  console.log(
    `${PULLS} pull requests (${merged} merged); stand-in serving rate (bare GraphQL client): ${floor.toFixed(0)} pull requests/s`,
  )
  for (const mode of ['graphql', 'rest', 'gitlab']) {
    // REST pages hold up to 100 items, as engops asks for.
    const server =
      mode === 'gitlab'
        ? await startGitLab(gitlabFixture, { pageSize: 100 })
        : await startGitHub(fixture, { pageSize: 100 })
    const dir = join(work, mode)
    project(dir, server.url, mode)
    const began = performance.now()
    const [summary] = await syncIn(dir, mode === 'gitlab' ? GITLAB_TOKEN : STANDIN_TOKEN)
    const seconds = (performance.now() - began) / 1000
    const requests = server.requests.length
    const rate = summary.events.pull_request / seconds
    // GitHub's cost of the query: (1 + 49 × 3 nested connections) ÷ 100, rounded = 1 point.
    const queries = server.requests.filter((r) => r.startsWith('POST /graphql')).length
    const points =
      mode === 'graphql' ? ` · ${(queries / merged).toFixed(3)} GraphQL points per merged pull request` : ''
    console.log(
      `${mode.padEnd(7)} ${summary.events.pull_request} pull requests in ${seconds.toFixed(1)} s (${rate.toFixed(0)}/s, ${(floor / rate).toFixed(1)}× the floor) · ${requests} requests: ${(requests / merged).toFixed(3)} per merged pull request, ${(requests / PULLS).toFixed(3)} per pull request${points}`,
    )
    await server.close()
  }
  console.log(
    "GraphQL is paced at one query a second (GitHub's guidance, by Octokit's throttling plugin): that, not engops, sets its wall time.",
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
