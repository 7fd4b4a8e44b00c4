#!/usr/bin/env node
// Benchmark: sustained events per second through POST /api/events of `engops serve` (each
// request validated whole and committed in one durable SQLite transaction, synchronous=FULL),
// against a bare Hono handler that only reads the same bodies, both measured in this run.
// Target: at least 2,000 events/s.
//
//   node bench/ingest-http.js
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from './load.js'
import { startChild } from './serve-child.js'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'bin', 'engops.js')
const dir = mkdtempSync(join(tmpdir(), 'engops-bench-ingest-'))
const CONNECTIONS = 8
const BATCH = 200
const SECONDS = 10
const children = []

let counter = 0
/** A batch of new deployment events (unique ids: every request writes new rows). */
function batch() {
  const lines = []
  for (let i = 0; i < BATCH; i++) {
    const n = counter++
    const at = Date.UTC(2026, 0, 1) + n * 60_000
    lines.push(
      JSON.stringify({
        type: 'deployment',
        id: `bench-${n}`,
        service: 'web',
        environment: 'production',
        result: n % 10 === 0 ? 'failure' : 'success',
        startedAt: new Date(at).toISOString(),
        finishedAt: new Date(at + 300_000).toISOString(),
        sha: n.toString(16).padStart(40, '0'),
      }),
    )
  }
  return `${lines.join('\n')}\n`
}

try {
  writeFileSync(
    join(dir, 'engops.yaml'),
    'org: { name: Bench }\nteams: [{ id: core, name: Core, type: stream-aligned }]\nservices: [{ id: web, owner: core, tier: 1 }]\n',
  )
  const engops = await startChild([cli, 'serve', '--port', '0', '--no-auth'], { cwd: dir })
  children.push(engops.child)
  const bare = await startChild([join(here, 'bare-server.js')])
  children.push(bare.child)
  const headers = { 'content-type': 'application/x-ndjson' }
  const floor = await load({
    url: `${bare.url}/api/events`,
    method: 'POST',
    headers,
    body: batch,
    connections: CONNECTIONS,
    seconds: SECONDS,
  })
  counter = 0
  const work = await load({
    url: `${engops.url}/api/events`,
    method: 'POST',
    headers,
    body: batch,
    connections: CONNECTIONS,
    seconds: SECONDS,
  })
  const events = (r) => (r.requests * BATCH) / r.elapsed
  console.log(`batches of ${BATCH} events, ${CONNECTIONS} connections, ${SECONDS} s each`)
  console.log(
    `bare Hono handler (read body)  ${events(floor).toFixed(0)} events/s  p99 ${floor.p99.toFixed(1)} ms`,
  )
  console.log(
    `engops POST /api/events        ${events(work).toFixed(0)} events/s  p99 ${work.p99.toFixed(1)} ms  (${work.errors} errors)`,
  )
  console.log(`ratio time per event engops ÷ bare  ${(events(floor) / events(work)).toFixed(2)}×`)
  console.log(`target                         ≥ 2,000 events/s: ${events(work) >= 2000 ? 'met' : 'NOT met'}`)
} finally {
  for (const child of children) child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
