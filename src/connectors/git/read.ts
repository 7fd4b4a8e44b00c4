/**
 * Reads a local repository with git itself: streams `git log` over its branches, remote branches
 * and tags (never `refs/pull/*`), excluding the ref tips read last time, so a second walk reads
 * only new commits. Survives unreadable objects (partial clones, damaged packs): the affected
 * commit comes out without line counts and the walk carries on.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { promisify } from 'node:util'
import { EngopsError } from '../../model/errors.js'
import { GIT_LOG_FORMAT, GitLogParser, type ParsedCommit } from './log-parser.js'

const run = promisify(execFile)

/** Commits per chunk (and so per stored batch) while streaming. */
const WRITE_BATCH = 2000
/** After this many unreadable commits the rest is read without diffs: it is a partial clone. */
const MAX_DIFF_FAILURES = 25

export interface RefTip {
  refname: string
  commit: string
  createdAt: number
}

/** Repository name: the directory's basename without `.git`, unless given. */
export function repositoryName(path: string, explicit?: string): string {
  if (explicit) return explicit
  const absolute = resolve(path)
  const own = basename(absolute).replace(/\.git$/, '')
  // A clone's .git, or a mirror kept as <name>/repo: the folder above names the repository.
  const name = GENERIC_NAMES.has(own.toLowerCase()) ? basename(resolve(absolute, '..')) : own
  return name.replace(/\.git$/, '')
}

/** Folder names that say "a repository" rather than which one. */
const GENERIC_NAMES = new Set(['', 'repo', 'repository', 'mirror', 'git', 'src', 'source', 'code', 'clone'])

export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 1 << 30, env: gitEnv() })
    return stdout
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim()
    throw new EngopsError(
      'GIT_FAILED',
      `git ${args[0]} failed in ${cwd}: ${stderr || (error as Error).message}`,
    )
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  // Never prompt, never fetch missing objects of a partial clone from the network.
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1', LC_ALL: 'C' }
}

export async function listRefTips(cwd: string): Promise<RefTip[]> {
  const out = await git(cwd, [
    'for-each-ref',
    '--format=%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)%00%(refname)',
    'refs/heads',
    'refs/tags',
    'refs/remotes',
  ])
  const tips: RefTip[] = []
  for (const line of out.split('\n')) {
    if (!line) continue
    const [type, object, peeledType, peeled, created, refname = ''] = line.split('\0')
    if (/^refs\/remotes\/[^/]+\/(pull|pr|merge-requests)\//.test(refname) || refname.endsWith('/HEAD'))
      continue
    const commit = type === 'commit' ? object : peeledType === 'commit' ? peeled : undefined
    if (commit) tips.push({ refname, commit, createdAt: Number(created) * 1000 })
  }
  return tips
}

/** What one walk of a repository read, in chunks as git produces it. */
export interface WalkChunk {
  commits: ParsedCommit[]
  /** Commits read so far, and the total when it was counted first. */
  done: number
  total: number | undefined
}

/** Checks that `path` is a git repository; the error names it. */
export async function checkRepository(path: string, shown = path): Promise<string> {
  const cwd = resolve(path)
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new EngopsError('GIT_FAILED', `${shown}: no such directory`)
  }
  await git(cwd, ['rev-parse', '--git-dir']).catch(() => {
    throw new EngopsError('GIT_FAILED', `${shown}: not a git repository`)
  })
  return cwd
}

/** The commits the ref tips reach that the previous tips did not, WRITE_BATCH at a time. */
export async function* walkCommits(
  cwd: string,
  tips: readonly RefTip[],
  previousTips: readonly string[],
  countFirst: boolean,
): AsyncGenerator<WalkChunk> {
  const revisions = revisionsOf(tips)
  if (revisions.length === 0) return
  const stdin = `${[...revisions, ...previousTips.map((sha) => `^${sha}`)].join('\n')}\n`
  const total = countFirst ? await countCommits(cwd, stdin) : undefined
  let done = 0
  let pending: ParsedCommit[] = []
  const take = (): WalkChunk => {
    const commits = pending
    pending = []
    done += commits.length
    return { commits, done, total }
  }
  let skip = 0
  let withDiffs = true
  let failures = 0
  for (;;) {
    const parser = new GitLogParser()
    const log = streamLog(cwd, stdin, skip, withDiffs, parser)
    let outcome: StreamOutcome | undefined
    try {
      for (;;) {
        const next = await log.next()
        if (next.done) {
          outcome = next.value
          break
        }
        const commits = withDiffs ? next.value : next.value.map(withoutLines)
        pending.push(...commits)
        if (pending.length >= WRITE_BATCH) yield take()
      }
    } finally {
      // A consumer that stops early (a failed write) ends the log too, so git is not left running
      // (blocked on a full pipe, keeping the process alive).
      if (outcome === undefined) await log.return({ ok: false, stderr: '' })
    }
    if (outcome.ok) {
      const rest = parser.end()
      pending.push(...(withDiffs ? rest : rest.map(withoutLines)))
      break
    }
    // git stopped inside the commit it was diffing: keep it without line counts and resume after it.
    const incomplete = parser.takeIncomplete()
    if (!incomplete) {
      // Nothing was read at all: the walk itself failed (a missing commit), not one diff.
      if (!withDiffs) throw new EngopsError('GIT_FAILED', `git log failed in ${cwd}: ${outcome.stderr}`)
      withDiffs = false
      continue
    }
    pending.push(withoutLines(incomplete))
    skip += parser.headers
    if (++failures >= MAX_DIFF_FAILURES) withDiffs = false
  }
  if (pending.length > 0) yield take()
}

const withoutLines = (commit: ParsedCommit): ParsedCommit => ({ ...commit, files: [], linesUnknown: true })

/** The distinct commits the tips point at: what a walk starts from, and the next walk's cursor. */
export function revisionsOf(tips: readonly RefTip[]): string[] {
  return [...new Set(tips.map((tip) => tip.commit))]
}

async function countCommits(cwd: string, stdin: string): Promise<number> {
  const child = spawn('git', ['rev-list', '--count', '--stdin', '--ignore-missing'], { cwd, env: gitEnv() })
  child.stdin.end(stdin)
  let out = ''
  for await (const chunk of child.stdout) out += chunk
  return Number(out.trim()) || 0
}

interface StreamOutcome {
  ok: boolean
  stderr: string
}

async function* streamLog(
  cwd: string,
  stdin: string,
  skip: number,
  withDiffs: boolean,
  parser: GitLogParser,
): AsyncGenerator<ParsedCommit[], StreamOutcome> {
  const args = [
    '-c',
    'core.quotepath=off',
    'log',
    '--stdin',
    '--ignore-missing',
    `--format=${GIT_LOG_FORMAT}`,
  ]
  if (withDiffs) args.push('--numstat', '--no-renames')
  if (skip > 0) args.push(`--skip=${skip}`)
  const child = spawn('git', args, { cwd, env: gitEnv() })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk
  })
  const exited = new Promise<number>((resolveExit) => child.on('close', (code) => resolveExit(code ?? 1)))
  child.stdin.on('error', () => {})
  child.stdin.end(stdin)
  child.stdout.setEncoding('utf8')
  try {
    for await (const chunk of child.stdout) {
      const commits = parser.push(chunk as string)
      if (commits.length > 0) yield commits
    }
  } finally {
    // A consumer that stops early (a failed write) must not leave git running.
    if (child.exitCode === null) child.kill()
  }
  const code = await exited
  return { ok: code === 0, stderr: stderr.trim() }
}
