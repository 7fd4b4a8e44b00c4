#!/usr/bin/env node
// Benchmark: `engops ingest git` wall time ÷ raw `git log` with the same numstat output, on the
// same repository, measured in the same run. Target: ≤ 1.5× on a repository of 50,000+ commits.
//
//   node bench/git-ingest.js <path-to-repository>     (a bare mirror works too)
//
// Not a test: it prints figures. Build first (npm install or npm run build).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repo = process.argv[2] && resolve(process.argv[2])
if (!repo) {
  console.error('usage: node bench/git-ingest.js <path-to-repository>')
  process.exit(2)
}

const git = (args, input) =>
  execFileSync('git', args, { cwd: repo, input, maxBuffer: 1 << 30, encoding: 'utf8' })
const tips = git([
  'for-each-ref',
  '--format=%(objectname) %(*objectname) %(objecttype) %(refname)',
  'refs/heads',
  'refs/tags',
  'refs/remotes',
])
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split(' '))
  .filter(([, , , ref]) => !/\/(pull|pr|merge-requests)\//.test(ref) && !ref.endsWith('/HEAD'))
  .map(([object, peeled, type]) => (type === 'tag' ? peeled : object))
  .filter(Boolean)
const revisions = `${[...new Set(tips)].join('\n')}\n`
const commits = Number(git(['rev-list', '--count', '--stdin', '--ignore-missing'], revisions).trim())

function time(label, run) {
  const start = process.hrtime.bigint()
  run()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(`${label.padEnd(34)} ${seconds.toFixed(2)} s`)
  return seconds
}

// The floor: git itself producing exactly the output engops parses, to /dev/null.
const floor = time('raw git log --numstat', () => {
  const result = spawnSync(
    'git',
    [
      '-c',
      'core.quotepath=off',
      'log',
      '--stdin',
      '--ignore-missing',
      '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct',
      '--numstat',
      '--no-renames',
    ],
    {
      cwd: repo,
      input: revisions,
      stdio: ['pipe', 'ignore', 'inherit'],
      env: { ...process.env, LC_ALL: 'C' },
    },
  )
  if (result.status !== 0) throw new Error('git log failed')
})

const work = mkdtempSync(join(tmpdir(), 'engops-bench-'))
try {
  writeFileSync(join(work, 'engops.yaml'), 'org: { name: Bench }\n')
  const ingest = time('engops ingest git (fresh store)', () => {
    const result = spawnSync(
      process.execPath,
      [join(root, 'bin', 'engops.js'), 'ingest', 'git', repo, '--repo', 'bench'],
      {
        cwd: work,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    )
    if (result.status !== 0) throw new Error('engops ingest git failed')
  })
  const again = time('engops ingest git (incremental)', () => {
    spawnSync(process.execPath, [join(root, 'bin', 'engops.js'), 'ingest', 'git', repo, '--repo', 'bench'], {
      cwd: work,
      stdio: 'ignore',
    })
  })
  console.log(`commits on branches and tags        ${commits.toLocaleString('en-US')}`)
  console.log(`ratio ingest ÷ git log              ${(ingest / floor).toFixed(2)}× (target ≤ 1.5×)`)
  console.log(`incremental re-run                  ${again.toFixed(2)} s`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
