#!/usr/bin/env node
// Benchmark: computing org + per-team DORA on the large demo ÷ just reading the rows it needs
// from the store, measured in the same run. Target: ≤ 2×.
//
//   node bench/dora.js [demo-dir]     (default: generates the large demo in a temp directory)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateDemo } from '../dist/demo/generate.js'
import { Engine } from '../dist/engine/engine.js'
import { serviceRepositories } from '../dist/model/org.js'

const given = process.argv[2] && resolve(process.argv[2])
const dir = given ?? mkdtempSync(join(tmpdir(), 'engops-bench-dora-'))
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9

try {
  const configFile = join(dir, 'engops.yaml')
  const db = join(dir, '.engops', 'engops.db')
  if (!existsSync(db)) {
    console.log(`generating the large demo in ${dir} (once) …`)
    const demo = generateDemo({ dir, scale: 'large', seed: 42, end: '2026-06-30' })
    const engine = await Engine.open({ config: demo.configFile, db })
    await engine.ingestEvents(demo.eventFiles, 'demo')
    await engine.close()
  }

  // The floor: the same queries the engine runs, rows materialized, nothing computed. Measured
  // before and after the work; the faster of the two counts (the conservative choice).
  let rowCount = 0
  const readFloor = async () => {
    const reader = await Engine.open({ config: configFile, db })
    const services = reader.org.services.map((s) => ({ id: s.id, repositories: serviceRepositories(s) }))
    const repos = [...new Set(services.flatMap((s) => s.repositories.map((r) => r.name)))]
    const pathRepos = [
      ...new Set(
        services.flatMap((s) => s.repositories.filter((r) => r.paths.length > 0).map((r) => r.name)),
      ),
    ]
    const start = process.hrtime.bigint()
    let rows = await Promise.all([
      reader.store.listDeployments(),
      reader.store.listIncidents(),
      reader.store.listPullRequests(),
      reader.store.listCommitGraph(repos),
      reader.store.listCommitFiles(pathRepos),
    ])
    const elapsed = seconds(start)
    rowCount = rows.reduce((n, r) => n + r.length, 0)
    rows = undefined // let the collector reclaim the floor's rows before anything else is measured
    await reader.close()
    return elapsed
  }
  const firstRead = await readFloor()

  // The work: load the same rows, attribute changes, link failures, then DORA for the org and every team.
  const engine = await Engine.open({ config: configFile, db })
  const start = process.hrtime.bigint()
  const period = { from: '2026-04-01', to: '2026-07-01' }
  const org = await engine.dora(period)
  for (const team of engine.org.teams) await engine.dora({ ...period, team: team.id })
  const compute = seconds(start)
  await engine.close()
  const read = Math.min(firstRead, await readFloor())

  console.log(
    `rows read                         ${rowCount.toLocaleString('en-US')} (deployments, incidents, PRs, commits, files)`,
  )
  console.log(`read rows only                    ${read.toFixed(2)} s`)
  console.log(`org + ${engine.org.teams.length} teams DORA              ${compute.toFixed(2)} s`)
  console.log(
    `org: ${org.summary.deploymentFrequency.deployments} deployments, ${org.summary.leadTime.n} changes in the quarter`,
  )
  console.log(`ratio compute ÷ read              ${(compute / read).toFixed(2)}× (target ≤ 2×)`)
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true })
}
