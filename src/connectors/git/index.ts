/**
 * Local git repositories: commits (with per-file line counts) and tags, read with git itself;
 * optionally release tags as deployments of a service. `engops ingest git` and `ingest tags`
 * and `kind: git` sources of `engops sync` all run this connector.
 */
import { resolve } from 'node:path'
import { z } from 'zod'
import type { Connector, SyncBatch, SyncContext } from '../connector.js'
import { commitTotals, type ParsedCommit } from './log-parser.js'
import { checkRepository, listRefTips, repositoryName, revisionsOf, walkCommits } from './read.js'
import { describeReleaseTags, releaseTagDeployments } from './tags.js'

/** Commits and tags read from git are stored under this source. */
export const GIT_SOURCE = 'git'

export const gitOptions = z.strictObject({
  /** The repository's directory (a bare mirror works too), relative to the org file's folder. */
  path: z.string().min(1),
  /** The repository's name in engops (default: the directory name without `.git`). */
  repo: z.string().min(1).optional(),
  /** Release tags as successful deployments of a service, for teams without deployment events. */
  releaseTags: z
    .strictObject({
      service: z.string().min(1),
      /** Globs a release tag matches one of (default: every tag); `pattern` is one of them. */
      patterns: z.array(z.string().min(1)).default([]),
      pattern: z.string().min(1).optional(),
      /** Globs of tags that are not releases. */
      exclude: z.array(z.string().min(1)).default([]),
      /** Only tags that are versions (`v1.2.3`, `4.17.1`); false: every tag the patterns match. */
      semver: z.boolean().default(true),
      /** Pre-release versions (`-rc.1`, `-beta.2`) count as releases too. */
      prereleases: z.boolean().default(false),
      environment: z.string().min(1).default('production'),
    })
    .transform(({ pattern, patterns, ...rest }) => ({
      ...rest,
      patterns: pattern ? [pattern, ...patterns] : patterns,
    }))
    .optional(),
})

export type GitOptions = z.output<typeof gitOptions>

const iso = (ms: number) => new Date(ms).toISOString()

function commitEvent(repo: string, commit: ParsedCommit): Record<string, unknown> {
  const totals = commit.linesUnknown ? undefined : commitTotals(commit.files)
  return {
    type: 'commit',
    source: GIT_SOURCE,
    repo,
    sha: commit.sha,
    parents: commit.parents,
    author: commit.authorName || commit.authorEmail || 'unknown',
    ...(commit.authorEmail ? { authorEmail: commit.authorEmail } : {}),
    authoredAt: iso(commit.authoredAt),
    committedAt: iso(commit.committedAt),
    ...(totals ?? {}),
    files: commit.files,
  }
}

/**
 * The repository's stream: commits in batches as git produces them, then its tags (and tag
 * deployments) with the new cursor, the ref tips this walk started from. A walk cut short leaves
 * the old cursor, so the next one reads the missing commits again (stored once: by sha).
 */
async function* syncGit(ctx: SyncContext<GitOptions>): AsyncGenerator<SyncBatch> {
  const cwd = await checkRepository(resolve(ctx.baseDir, ctx.source.path), ctx.source.path)
  const repo = repositoryName(cwd, ctx.source.repo)
  const previous = await ctx.cursorOf(repo)
  const previousTips: string[] = previous ? JSON.parse(previous) : []
  const tips = await listRefTips(cwd)
  let unreadable = 0
  for await (const chunk of walkCommits(cwd, tips, previousTips, ctx.showsProgress)) {
    unreadable += chunk.commits.filter((c) => c.linesUnknown).length
    ctx.progress(
      `${repo}: ${chunk.done.toLocaleString('en-US')}${chunk.total ? ` of ${chunk.total.toLocaleString('en-US')}` : ''} commits`,
    )
    yield {
      stream: repo,
      events: chunk.commits.map((commit) => commitEvent(repo, commit)),
      cursor: null,
    }
  }
  const tags = tips
    .filter((tip) => tip.refname.startsWith('refs/tags/'))
    .map((tip) => ({
      type: 'tag',
      source: GIT_SOURCE,
      repo,
      name: tip.refname.slice('refs/tags/'.length),
      sha: tip.commit,
      at: iso(tip.createdAt),
    }))
  const options = ctx.source.releaseTags
  const released = options ? await releaseTagDeployments(cwd, repo, options) : undefined
  yield {
    stream: repo,
    events: [...tags, ...(released?.deployments ?? [])],
    cursor: JSON.stringify(revisionsOf(tips)),
    notes: [
      ...(ctx.org.serviceOfRepo(repo) ? [] : [noServiceNote(repo, ctx.org.repositories)]),
      ...(options && released ? [describeReleaseTags(options.service, released.counts)] : []),
      ...(unreadable > 0 ? [`${unreadable} stored without line counts (unreadable objects)`] : []),
    ],
  }
}

export const git: Connector<GitOptions> = {
  check: async (ctx) => {
    await checkRepository(resolve(ctx.baseDir, ctx.source.path), ctx.source.path)
  },
  kind: 'git',
  title: 'git',
  reads:
    'commits of every branch and tag (not `refs/pull/*`) with per-file line counts, and tags; optionally release tags as deployments of a service (`releaseTags: {service, patterns, exclude, semver, prereleases}`: by default every version tag but pre-releases)',
  access: 'a local clone or bare mirror (`path`); nothing leaves the machine',
  options: gitOptions,
  read: syncGit,
}

/** Said at ingest: a repository no service lists gives no service a lead time, however much it holds. */
function noServiceNote(repo: string, known: readonly string[]): string {
  const listed =
    known.length > 0 ? `the services list ${known.join(', ')}` : 'no service lists a repository yet'
  return `no service lists the repository "${repo}" (${listed}): give its name with --repo NAME (or repo: in the source), or add "${repo}" to a service's repositories, or its commits count for no service`
}
