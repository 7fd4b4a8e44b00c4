#!/usr/bin/env node
// Benchmark: the whole KPI catalog for the org and every team on the large demo ÷ the time to
// just read the rows it needs from the store, measured in the same run. Targets: ≤ 2× and under
// 1 GiB peak memory (resident set size, reported by the OS for this process).
//
//   node bench/scoreboard.js [demo-dir]     (default: generates the large demo in a temp directory)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateDemo } from '../dist/demo/generate.js'
import { Engine } from '../dist/engine/engine.js'
import { loadScoreboardData } from '../dist/engine/scoreboard-data.js'
import { serviceRepositories } from '../dist/model/org.js'

// The catalog's live set fits in well under 1 GiB, but V8 grows its heap lazily up to its own
// default limit (a quarter of this machine's memory). Run with the limit engops is measured
// against, as a deployment with a memory budget would.
const HEAP_LIMIT = '--max-old-space-size=900'
if (!process.execArgv.some((arg) => arg.startsWith('--max-old-space-size'))) {
  const child = spawnSync(process.execPath, [HEAP_LIMIT, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  })
  process.exit(child.status ?? 1)
}

const given = process.argv[2] && resolve(process.argv[2])
const dir = given ?? mkdtempSync(join(tmpdir(), 'engops-bench-scoreboard-'))
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9
let peak = 0
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss)
}
const sampler = setInterval(sample, 50)

try {
  const configFile = join(dir, 'engops.yaml')
  const db = join(dir, '.engops', 'engops.db')
  if (!existsSync(db)) {
    console.log(`generating the large demo in ${dir} (once) …`)
    const demo = generateDemo({ dir, scale: 'large', seed: 42, end: '2026-06-30' })
    const engine = await Engine.open({ config: demo.configFile, db })
    await engine.ingestEvents(demo.eventFiles, 'demo')
    await engine.close()
    console.log('run again with this directory to measure in a fresh process:', dir)
    process.exit(0)
  }
  const period = { from: '2026-05-01', to: '2026-06-01' }

  // The floor: the rows the scoreboard and DORA read, materialized, nothing computed. Measured
  // before and after the work; the faster of the two counts (the conservative choice).
  let rowCount = 0
  const readFloor = async () => {
    const reader = await Engine.open({ config: configFile, db })
    const start = process.hrtime.bigint()
    const repos = [...new Set(reader.org.services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))]
    let [deployments, incidents, pullRequests, graph] = await Promise.all([
      reader.store.listDeployments(),
      reader.store.listIncidents(),
      reader.store.listPullRequests(),
      reader.store.listCommitGraph(repos),
    ])
    let rows = await loadScoreboardData(reader.store, reader.org, reader.identities, {
      deployments,
      incidents,
      pullRequests,
    })
    const elapsed = seconds(start)
    rowCount = Object.values(rows).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0) + graph.length
    // Let the collector reclaim the floor's rows before anything else is measured.
    rows = undefined
    deployments = incidents = pullRequests = graph = undefined
    await reader.close()
    return elapsed
  }
  const firstRead = await readFloor()

  // The work: the same rows loaded again, then every KPI (this period and the one before) for the org and each team.
  const engine = await Engine.open({ config: configFile, db })
  const start = process.hrtime.bigint()
  const org = await engine.kpis(period)
  for (const team of engine.org.teams) await engine.kpis({ ...period, team: team.id })
  const compute = seconds(start)
  sample()
  await engine.close()
  const read = Math.min(firstRead, await readFloor())

  console.log(`rows read                          ${rowCount.toLocaleString('en-US')}`)
  console.log(`read rows only                     ${read.toFixed(2)} s`)
  console.log(
    `catalog for org + ${engine.org.teams.length} teams          ${compute.toFixed(2)} s (${org.kpis.length} KPIs each)`,
  )
  console.log(`ratio compute ÷ read               ${(compute / read).toFixed(2)}× (target ≤ 2×)`)
  console.log(`peak resident memory               ${(peak / 2 ** 20).toFixed(0)} MiB (target < 1024 MiB)`)
} finally {
  clearInterval(sampler)
  if (!given) rmSync(dir, { recursive: true, force: true })
}
