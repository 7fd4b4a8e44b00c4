#!/usr/bin/env node
// Benchmark: what one question costs a fresh CLI process on the large demo (1,000 engineers, 100
// teams, 12 months), beside the floor: a fresh process that loads the org file and opens the store
// and answers nothing (`engops token list`). Wall time and peak resident memory of each, on SQLite,
// and on PostgreSQL when a database is given. Then `engops serve` until ready, its first uncached
// GET /api/kpis, and one more day and one more week of events ingested into a copy of the store.
// Targets (issue 12): every question ≤ floor + 0.5 s on SQLite (+ 1 s on PostgreSQL) and ≤ 300 MiB;
// serve ready ≤ 3 s; first /api/kpis ≤ 500 ms; one more day ≤ 2 s, a week ≈ 7 days' cost.
//
//   node bench/questions.js [demo-dir] [--postgres postgres://user@host/db [--postgres-only] [--reuse]]
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'bin', 'engops.js')
const args = process.argv.slice(2)
const pgIndex = args.indexOf('--postgres')
const postgres = pgIndex >= 0 ? args[pgIndex + 1] : undefined
const given = args.find((arg, i) => !arg.startsWith('--') && (pgIndex < 0 || i !== pgIndex + 1))
const dir = given ? resolve(given) : mkdtempSync(join(tmpdir(), 'engops-bench-questions-'))
const work = mkdtempSync(join(tmpdir(), 'engops-bench-work-'))
const config = join(dir, 'engops.yaml')
const MONTH = ['--from', '2026-05-01', '--to', '2026-06-01']

const QUESTIONS = [
  ['metrics dora, org, one month', ['metrics', 'dora', ...MONTH]],
  ['metrics dora, one team', ['metrics', 'dora', '--team', 'team-001', ...MONTH]],
  [
    'metrics dora --explain (drill-down)',
    ['metrics', 'dora', '--team', 'team-001', '--explain', '--json', ...MONTH],
  ],
  ['kpis, org, one month', ['kpis', ...MONTH]],
  ['metrics reviews', ['metrics', 'reviews', ...MONTH]],
  ['metrics flow', ['metrics', 'flow', ...MONTH]],
  ['metrics reliability', ['metrics', 'reliability', ...MONTH]],
  ['scorecard cto', ['scorecard', 'cto', ...MONTH]],
  ['report monthly', ['report', 'monthly', '--period', '2026-05', '--at', '2026-06-15']],
  ['okr status', ['okr', 'status', '--at', '2026-05-31']],
]

/** One fresh CLI process: wall seconds and peak resident MiB. */
function measure(cliArgs, db) {
  const rssFile = join(work, 'rss')
  rmSync(rssFile, { force: true })
  const started = process.hrtime.bigint()
  const result = spawnSync(
    process.execPath,
    ['--require', join(here, 'rss-at-exit.cjs'), cli, '--config', config, '--db', db, ...cliArgs],
    {
      env: { ...process.env, ENGOPS_BENCH_RSS: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`engops ${cliArgs.join(' ')}: ${result.stderr}`)
  return { seconds, mib: Number(readFileSync(rssFile, 'utf8')) / 1024 }
}

/** The faster of three runs (the machine's noise is not the question's cost); one when it is slow. */
function best(cliArgs, db) {
  const first = measure(cliArgs, db)
  if (first.seconds > 5) return first
  const runs = [first, measure(cliArgs, db), measure(cliArgs, db)]
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a))
}

function generate(db) {
  console.log(`generating the large demo into ${db.startsWith('postgres') ? 'PostgreSQL' : db} …`)
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'demo',
      '--scale',
      'large',
      '--seed',
      '42',
      '--end',
      '2026-06-30',
      '--dir',
      dir,
      '--quiet',
      '--db',
      db,
    ],
    { stdio: 'inherit' },
  )
  if (result.status !== 0) process.exit(result.status ?? 1)
}

async function serveTimes(db) {
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, '--config', config, '--db', db, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const output = await new Promise((resolveOutput, reject) => {
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
        // "ready" follows the URLs once the overview's figures are computed (README).
        if (/^ready$/m.test(text)) resolveOutput(text)
      })
      child.on('exit', () => reject(new Error(`serve exited: ${text}`)))
    })
    const ready = Number(process.hrtime.bigint() - started) / 1e9
    const url = /at (http:\/\/[^\s]+)/.exec(output)[1]
    const token = /#token=(\S+)/.exec(output)[1]
    const asked = process.hrtime.bigint()
    const response = await fetch(`${url}/api/kpis?from=2026-05-01&to=2026-06-01`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await response.text()
    return { ready, firstKpis: Number(process.hrtime.bigint() - asked) / 1e9 }
  } finally {
    child.kill('SIGTERM')
  }
}

/**
 * Each repository's newest commit: the demo's (its commits are listed oldest first, repo by repo),
 * then those of the events generated after it.
 */
let heads
function repositoryHeads() {
  if (heads) return heads
  heads = new Map()
  const text = readFileSync(join(dir, 'commits.ndjson'), 'utf8')
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start)
    const line = text.slice(start, end < 0 ? text.length : end)
    start = end < 0 ? text.length : end + 1
    const repo = /"repo":"([^"]+)"/.exec(line)?.[1]
    const sha = /"sha":"([^"]+)"/.exec(line)?.[1]
    if (repo && sha) heads.set(repo, sha)
  }
  return heads
}

/**
 * `days` days after the demo's end at the large demo's daily rate (a year holds ~666k commits, 191k
 * pull requests, 53k deployments and 235k CI runs): 1,800 commits, 520 pull requests, 150
 * deployments and 650 runs a day. Each commit's parent is its repository's newest commit, as on a
 * real main branch, so a deployment's walk meets the history already shipped.
 */
function laterEvents(days, file, startAt) {
  const heads = repositoryHeads()
  const lines = []
  const start = Date.parse(startAt)
  const event = (fields) => JSON.stringify(fields)
  for (let day = 0; day < days; day++) {
    for (let k = 0; k < 1800; k++) {
      const at = new Date(start + day * 86_400_000 + k * 40_000).toISOString()
      const sha =
        `${String(day).padStart(4, '0')}${String(k).padStart(4, '0')}${startAt.slice(8, 10)}`.padStart(
          40,
          'f',
        )
      // The large demo's services are team-NNN-svc-S, each deploying the repository of its name.
      const service = `team-${String((k % 100) + 1).padStart(3, '0')}-svc-${(k % 3) + 1}`
      const parent = heads.get(service)
      heads.set(service, sha)
      lines.push(
        event({
          type: 'commit',
          repo: service,
          sha,
          parents: parent ? [parent] : [],
          author: 'bench@example.com',
          authoredAt: at,
          committedAt: at,
          additions: 10,
          deletions: 2,
        }),
      )
      if (k < 520)
        lines.push(
          event({
            type: 'pull_request',
            repo: service,
            number: 900_000 + Number(startAt.slice(8, 10)) * 10_000 + day * 1000 + k,
            author: 'bench',
            createdAt: at,
            mergedAt: at,
            commits: [sha],
            reviews: [],
          }),
        )
      if (k < 150)
        lines.push(
          event({
            type: 'deployment',
            id: `bench-${startAt.slice(8, 10)}-${day}-${k}`,
            service,
            environment: 'production',
            result: 'success',
            startedAt: at,
            finishedAt: at,
            sha,
          }),
        )
      if (k < 650)
        lines.push(
          event({
            type: 'pipeline_run',
            id: `bench-${startAt.slice(8, 10)}-${day}-${k}`,
            repo: service,
            workflow: 'ci',
            result: 'success',
            startedAt: at,
            finishedAt: at,
          }),
        )
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`)
}

function ingestCost(db, days, startAt) {
  const file = join(work, `later-${days}.ndjson`)
  laterEvents(days, file, startAt)
  return measure(['ingest', 'events', file, '--source', `bench-${days}`], db)
}

async function run(label, db) {
  if (!db.startsWith('postgres') && !existsSync(db)) generate(db)
  if (db.startsWith('postgres') && !args.includes('--reuse')) generate(db)
  console.log(`\n${label}`)
  const floor = best(['token', 'list'], db)
  console.log(
    `${'floor (open the org file and the store)'.padEnd(42)} ${floor.seconds.toFixed(2)} s  ${floor.mib.toFixed(0)} MiB`,
  )
  for (const [name, cliArgs] of QUESTIONS) {
    const m = best(cliArgs, db)
    console.log(
      `${name.padEnd(42)} ${m.seconds.toFixed(2)} s  ${m.mib.toFixed(0)} MiB   floor + ${(m.seconds - floor.seconds).toFixed(2)} s`,
    )
  }
  const serve = await serveTimes(db)
  console.log(`${'engops serve until ready'.padEnd(42)} ${serve.ready.toFixed(2)} s`)
  console.log(`${'first, uncached GET /api/kpis'.padEnd(42)} ${serve.firstKpis.toFixed(2)} s`)
  // Into a copy: the demo stays as generated for the next run.
  const target = db.startsWith('postgres') ? db : join(work, 'copy.db')
  if (!db.startsWith('postgres')) copyFileSync(db, target)
  // The day after the demo's end, then the week after that day.
  const day = ingestCost(target, 1, '2026-07-01T00:00:00Z')
  const week = ingestCost(target, 7, '2026-07-02T00:00:00Z')
  // Above the floor: what the events cost, without starting the process.
  const dayWork = day.seconds - floor.seconds
  const weekWork = week.seconds - floor.seconds
  console.log(
    `${'ingest one more day / week'.padEnd(42)} ${day.seconds.toFixed(2)} s / ${week.seconds.toFixed(2)} s  ${day.mib.toFixed(0)} / ${week.mib.toFixed(0)} MiB   floor + ${dayWork.toFixed(2)} / + ${weekWork.toFixed(2)} s (ratio ${(weekWork / dayWork).toFixed(1)}; 7 if only the events counted, 1 if only the history)`,
  )
}

try {
  if (!args.includes('--postgres-only')) await run('SQLite', join(dir, '.engops', 'engops.db'))
  if (postgres) await run('PostgreSQL', postgres)
} finally {
  rmSync(work, { recursive: true, force: true })
  if (!given) rmSync(dir, { recursive: true, force: true })
}
