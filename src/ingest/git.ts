/**
 * `engops ingest git`: streams `git log` over a repository's branches, remote branches and tags
 * (never `refs/pull/*`) into the store. Incremental: the ref tips read last time are excluded,
 * so a second run reads only new commits. Survives unreadable objects (partial clones, damaged
 * packs): the affected commit is stored without line counts and the walk carries on.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { promisify } from 'node:util'
import { EngopsError } from '../model/errors.js'
import type { Commit, CommitFile, Release } from '../model/types.js'
import type { StoreWriter } from '../store/store.js'
import { commitTotals, GIT_LOG_FORMAT, GitLogParser, type ParsedCommit } from './git-log-parser.js'

const run = promisify(execFile)

export const GIT_SOURCE = 'git'

/** Commits written per store call while streaming. */
const WRITE_BATCH = 2000
/** After this many unreadable commits the rest is read without diffs: it is a partial clone. */
const MAX_DIFF_FAILURES = 25

export interface GitIngestOptions {
  repo?: string
  /** Called with (commits read, total or undefined) as the walk advances. */
  onProgress?: (done: number, total: number | undefined) => void
  /** Count the commits first so progress can show a total (costs one extra walk). */
  countFirst?: boolean
}

export interface GitIngestSummary {
  repo: string
  path: string
  commits: number
  releases: number
  /** Commits stored without line counts because an object could not be read. */
  unreadable: number
  /** Distinct author emails of the commits read (matched to people through their emails). */
  authors: string[]
  incremental: boolean
}

interface RefTip {
  refname: string
  commit: string
  createdAt: number
}

/** Repository name: the directory's basename without `.git`, unless given. */
export function repositoryName(path: string, explicit?: string): string {
  if (explicit) return explicit
  const absolute = resolve(path)
  const name = basename(absolute) === '.git' ? basename(resolve(absolute, '..')) : basename(absolute)
  return name.replace(/\.git$/, '')
}

async function git(cwd: string, args: string[]): Promise<string> {
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

async function listRefTips(cwd: string): Promise<RefTip[]> {
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

export async function ingestGitRepository(
  writer: StoreWriter,
  path: string,
  options: GitIngestOptions = {},
): Promise<GitIngestSummary> {
  const cwd = resolve(path)
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new EngopsError('GIT_FAILED', `${path}: no such directory`)
  }
  await git(cwd, ['rev-parse', '--git-dir']).catch(() => {
    throw new EngopsError('GIT_FAILED', `${path}: not a git repository`)
  })
  const repo = repositoryName(cwd, options.repo)
  const stateKey = `git:${repo}:tips`
  const previousTips = (await writer.readState<string[]>(stateKey)) ?? []
  const tips = await listRefTips(cwd)
  const revisions = [...new Set(tips.map((tip) => tip.commit))]
  const exclusions = previousTips.map((sha) => `^${sha}`)
  const stdin = `${[...revisions, ...exclusions].join('\n')}\n`

  const total = options.countFirst && revisions.length > 0 ? await countCommits(cwd, stdin) : undefined
  let stored = 0
  let unreadable = 0
  const authors = new Set<string>()
  let pending: ParsedCommit[] = []
  const flush = async () => {
    if (pending.length === 0) return
    for (const commit of pending) if (commit.authorEmail) authors.add(commit.authorEmail)
    await writeCommits(writer, repo, pending)
    stored += pending.length
    pending = []
    options.onProgress?.(stored, total)
  }

  if (revisions.length > 0) {
    let skip = 0
    let withDiffs = true
    for (;;) {
      const parser = new GitLogParser()
      const outcome = await streamLog(cwd, stdin, skip, withDiffs, parser, async (commits) => {
        if (!withDiffs) {
          for (const commit of commits) commit.linesUnknown = true
          unreadable += commits.length
        }
        pending.push(...commits)
        if (pending.length >= WRITE_BATCH) await flush()
      })
      if (outcome.ok) {
        const rest = parser.end()
        if (!withDiffs) {
          for (const commit of rest) commit.linesUnknown = true
          unreadable += rest.length
        }
        pending.push(...rest)
        break
      }
      // git stopped inside the commit it was diffing: keep it without line counts and resume after it.
      const incomplete = parser.takeIncomplete()
      if (!incomplete) {
        // Nothing was read at all: the walk itself failed (a missing commit), not one diff.
        if (!withDiffs) throw new EngopsError('GIT_FAILED', `git log failed in ${path}: ${outcome.stderr}`)
        withDiffs = false
        continue
      }
      pending.push({ ...incomplete, files: [], linesUnknown: true })
      unreadable++
      skip += parser.headers
      if (unreadable >= MAX_DIFF_FAILURES) withDiffs = false
    }
    await flush()
  }

  const releases: Release[] = tips
    .filter((tip) => tip.refname.startsWith('refs/tags/'))
    .map((tip) => ({
      repo,
      name: tip.refname.slice('refs/tags/'.length),
      sha: tip.commit,
      taggedAt: tip.createdAt,
    }))
  await writer.upsertReleases(releases)
  await writer.setState(stateKey, revisions)
  return {
    repo,
    path,
    commits: stored,
    releases: releases.length,
    unreadable,
    incremental: previousTips.length > 0,
    authors: [...authors].sort(),
  }
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

async function streamLog(
  cwd: string,
  stdin: string,
  skip: number,
  withDiffs: boolean,
  parser: GitLogParser,
  onCommits: (commits: ParsedCommit[]) => Promise<void>,
): Promise<StreamOutcome> {
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
  for await (const chunk of child.stdout) {
    const commits = parser.push(chunk as string)
    if (commits.length > 0) await onCommits(commits)
  }
  const code = await exited
  return { ok: code === 0, stderr: stderr.trim() }
}

async function writeCommits(writer: StoreWriter, repo: string, parsed: ParsedCommit[]): Promise<void> {
  const commits: Commit[] = []
  const files: CommitFile[] = []
  for (const commit of parsed) {
    const totals = commit.linesUnknown ? undefined : commitTotals(commit.files)
    commits.push({
      repo,
      sha: commit.sha,
      parents: commit.parents,
      authorName: commit.authorName,
      authorEmail: commit.authorEmail || null,
      authoredAt: commit.authoredAt,
      committedAt: commit.committedAt,
      additions: totals?.additions ?? null,
      deletions: totals?.deletions ?? null,
    })
    for (const file of commit.files) files.push({ repo, sha: commit.sha, ...file })
  }
  await writer.upsertCommits(GIT_SOURCE, commits)
  await writer.upsertCommitFiles(files)
}
