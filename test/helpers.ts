/** Shared helpers for end-to-end tests: temporary directories, real git repositories, the real CLI. */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'

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

/**
 * The suite runs on SQLite, and on PostgreSQL when this names a database (`.ci/run` does both):
 * then every org folder of every test gets a schema of its own in it, as a fresh SQLite file
 * beside its engops.yaml would be.
 */
export const TEST_POSTGRES = process.env.ENGOPS_TEST_POSTGRES || undefined

/** The store of the org file in `dir` in this run: its PostgreSQL schema, or undefined (the default SQLite file). */
export function storeFor(dir: string): string | undefined {
  if (!TEST_POSTGRES) return undefined
  const url = new URL(TEST_POSTGRES)
  url.searchParams.set('schema', schemaFor(dir))
  return url.toString()
}

export const schemaFor = (dir: string) =>
  `t_${createHash('sha1').update(resolve(dir)).digest('hex').slice(0, 24)}`

const optionValue = (args: readonly string[], name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

/** ENGOPS_DB for a CLI run in `cwd`: the store of the org file the command reads (as engops finds it). */
function storeEnv(args: readonly string[], cwd: string): NodeJS.ProcessEnv {
  if (!TEST_POSTGRES || args.includes('--db')) return {}
  const config = optionValue(args, '--config')
  const dir =
    args[0] === 'demo'
      ? resolve(cwd, optionValue(args, '--dir') ?? 'engops-demo')
      : config
        ? dirname(resolve(cwd, config))
        : cwd
  return { ENGOPS_DB: storeFor(dir) }
}

/** The environment a CLI process gets in tests: this one's, without ENGOPS_DB unless the run is on PostgreSQL. */
export function cliEnv(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { ENGOPS_DB: _ignored, ...inherited } = process.env
  return { ...inherited, NO_COLOR: '1', ...storeEnv(args, cwd), ...env }
}

// Epoch milliseconds are int8 in PostgreSQL: numbers here, as the store reads them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/** Rows of a query on the store of the org file in `dir` (SQL both engines read alike). */
export async function storeRows(dir: string, query: string): Promise<Record<string, unknown>[]> {
  if (!TEST_POSTGRES) {
    const db = new Database(join(dir, '.engops', 'engops.db'), { readonly: true })
    try {
      return db.prepare(query).all() as Record<string, unknown>[]
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({
    connectionString: TEST_POSTGRES,
    options: `-c search_path=${schemaFor(dir)}`,
  })
  await client.connect()
  try {
    return (await client.query(query)).rows
  } finally {
    await client.end()
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI as a user would, in `cwd`. */
export function engops(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: cliEnv(args, cwd, env),
    maxBuffer: 1 << 28,
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

/** Like `engops`, without blocking this process (for tests that serve something to the CLI). */
export function engopsAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: cliEnv(args, cwd, env),
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
  const store = await Store.open(storeFor(dir) ?? join(dir, '.engops', 'engops.db'))
  try {
    return await store.counts()
  } finally {
    await store.close()
  }
}
