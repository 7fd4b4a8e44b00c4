/** Shared helpers for end-to-end tests: temporary directories, real git repositories, the real CLI. */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(ROOT, 'bin', 'engops.js')

/** The minimal org file of the foundation issue: it must be accepted as it is. */
export const MINIMAL_CONFIG = `org: { name: Acme, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web }
teams:
  - { id: web, name: Web, type: stream-aligned }
services:
  - { id: storefront, owner: web, tier: 1, repositories: [shop] }
`

export function tempDir(prefix = 'engops-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI as a user would, in `cwd`. */
export function engops(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const { ENGOPS_DB: _ignored, ...inherited } = process.env
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...inherited, NO_COLOR: '1', ...env },
    maxBuffer: 1 << 28,
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

/** Like `engops`, without blocking this process (for tests that serve something to the CLI). */
export function engopsAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { ENGOPS_DB: _ignored, ...inherited } = process.env
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...inherited, NO_COLOR: '1', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

export function engopsJson<T = Record<string, unknown>>(args: string[], cwd: string): T {
  const result = engops([...args, '--json'], cwd)
  if (result.code !== 0) throw new Error(`engops ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

export interface CommitSpec {
  /** ISO time used as both author and committer date. */
  at: string
  author?: string
  file?: string
  message?: string
}

/** A real git repository with commits at fixed times; returns the shas in order. */
export function makeRepo(dir: string, commits: CommitSpec[]): string[] {
  const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } }).trim()
  execFileSync('git', ['init', '-q', '-b', 'main', dir])
  const shas: string[] = []
  commits.forEach((commit, i) => {
    const file = commit.file ?? 'app.txt'
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), `line ${i}\n`.repeat(i + 1))
    git(['add', '-A'])
    const email = commit.author ?? 'ana@example.com'
    git(
      [
        '-c',
        `user.name=${email.split('@')[0]}`,
        '-c',
        `user.email=${email}`,
        'commit',
        '-q',
        '-m',
        commit.message ?? `change ${i}`,
      ],
      {
        GIT_AUTHOR_DATE: commit.at,
        GIT_COMMITTER_DATE: commit.at,
      },
    )
    shas.push(git(['rev-parse', 'HEAD']))
  })
  return shas
}

export function ndjson(path: string, records: object[]): string {
  writeFileSync(path, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`)
  return path
}

/** Every table's row count of a project's store (the CLI's default store beside engops.yaml). */
export async function storeCounts(dir: string) {
  const { Store } = await import('../src/store/store.js')
  const store = await Store.open(join(dir, '.engops', 'engops.db'))
  try {
    return await store.counts()
  } finally {
    await store.close()
  }
}
