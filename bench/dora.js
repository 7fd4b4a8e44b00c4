#!/usr/bin/env node
// Benchmark: computing org + per-team DORA for a quarter on the large demo ÷ just reading the rows
// it needs from the store (the quarter's derived facts: shipped deployments, the pull requests they
// shipped, incidents and their causes), measured in the same run. Target: ≤ 2×.
//
//   node bench/dora.js [demo-dir]     (default: generates the large demo in a temp directory)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateDemo } from '../dist/demo/generate.js'
import { loadPeriodRows } from '../dist/engine/dora-data.js'
import { Engine } from '../dist/engine/engine.js'

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
  const quarter = { from: Date.parse('2026-04-01T00:00:00Z'), to: Date.parse('2026-07-01T00:00:00Z') }
  const readFloor = async () => {
    const reader = await Engine.open({ config: configFile, db })
    await reader.dora({ from: '2026-01-01', to: '2026-01-02' }) // derives what is stale, if anything
    const start = process.hrtime.bigint()
    let rows = await loadPeriodRows(reader.store, quarter)
    const elapsed = seconds(start)
    rowCount = rows.shipped.length + rows.incidents.length + rows.causes.length + rows.pullRequests.size
    rows = undefined // let the collector reclaim the floor's rows before anything else is measured
    await reader.close()
    return elapsed
  }
  const firstRead = await readFloor()

  // The work: the same rows loaded by the engine, then DORA for the org and every team.
  const engine = await Engine.open({ config: configFile, db })
  const start = process.hrtime.bigint()
  const period = { from: '2026-04-01', to: '2026-07-01' }
  const org = await engine.dora(period)
  for (const team of engine.org.teams) await engine.dora({ ...period, team: team.id })
  const compute = seconds(start)
  await engine.close()
  const read = Math.min(firstRead, await readFloor())

  console.log(
    `rows read                         ${rowCount.toLocaleString('en-US')} (shipped deployments, incidents, causes, PRs)`,
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
