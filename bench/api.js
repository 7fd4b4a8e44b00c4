#!/usr/bin/env node
// Benchmark: the overview endpoint (GET /api/kpis, the whole catalog for the organization) of
// `engops serve` on the large demo under 50 concurrent keep-alive connections, against a bare
// Hono handler answering the same bytes, both measured in this run. Target: p99 < 100 ms.
//
//   node bench/api.js [demo-dir]     (default: generates the large demo in a temp directory)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from './load.js'
import { startChild } from './serve-child.js'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'bin', 'engops.js')
const given = process.argv[2] && resolve(process.argv[2])
const dir = given ?? mkdtempSync(join(tmpdir(), 'engops-bench-api-'))
const CONNECTIONS = 50
const SECONDS = 10
const children = []
try {
  if (!existsSync(join(dir, '.engops', 'engops.db'))) {
    console.log(`generating the large demo in ${dir} …`)
    const made = spawnSync(
      process.execPath,
      [cli, 'demo', '--scale', 'large', '--seed', '42', '--end', '2026-06-30', '--dir', dir, '--quiet'],
      { stdio: 'inherit' },
    )
    if (made.status !== 0) process.exit(made.status ?? 1)
  }
  const started = Date.now()
  const engops = await startChild([
    cli,
    '--config',
    join(dir, 'engops.yaml'),
    'serve',
    '--port',
    '0',
    '--no-auth',
  ])
  children.push(engops.child)
  console.log(`engops serve ready (data loaded) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const path = '/api/kpis?from=2026-05-01&to=2026-06-01'
  const coldStart = process.hrtime.bigint()
  const first = await fetch(engops.url + path)
  const body = await first.text()
  const cold = Number(process.hrtime.bigint() - coldStart) / 1e6
  const bodyFile = join(dir, 'bench-api-body.json')
  writeFileSync(bodyFile, body)
  const bare = await startChild([join(here, 'bare-server.js'), bodyFile])
  children.push(bare.child)

  const floor = await load({ url: bare.url + path, connections: CONNECTIONS, seconds: SECONDS })
  const work = await load({ url: engops.url + path, connections: CONNECTIONS, seconds: SECONDS })
  const f = (x) => `${x.toFixed(1)} ms`
  console.log(
    `response                      ${(body.length / 1024).toFixed(0)} KiB, first (uncached) answer ${f(cold)}`,
  )
  console.log(
    `bare Hono handler             p50 ${f(floor.p50)}  p99 ${f(floor.p99)}  ${floor.perSecond.toFixed(0)} req/s`,
  )
  console.log(
    `engops GET /api/kpis          p50 ${f(work.p50)}  p99 ${f(work.p99)}  ${work.perSecond.toFixed(0)} req/s  (${work.errors} errors)`,
  )
  console.log(
    `ratio p99 engops ÷ bare       ${(work.p99 / floor.p99).toFixed(2)}×   throughput ${(work.perSecond / floor.perSecond).toFixed(2)}×`,
  )
  console.log(`target                        p99 < 100 ms: ${work.p99 < 100 ? 'met' : 'NOT met'}`)
} finally {
  for (const child of children) child.kill('SIGTERM')
  if (!given) rmSync(dir, { recursive: true, force: true })
}
