/**
 * For teams without deployment events: release tags become successful deployments of a service,
 * finished at the tag's date (`engops ingest tags`, or `releaseTags:` of a git source).
 * Which tags are releases: by default every tag that is a version (`v1.2.3` and `4.17.1` alike,
 * as projects name them) and not a pre-release (`-alpha`, `-beta.2`, `-rc.1` are not shipped to
 * production); `patterns` and `exclude` narrow by glob (braces work: `v{4,5}.*`). Every tag left out
 * is counted with its reason, so a pattern that matches too little shows.
 */
import picomatch from 'picomatch'
import semver from 'semver'
import { git } from './read.js'

/** Deployments made from tags are stored under this source, whichever command read them. */
export const TAGS_SOURCE = 'tags'

export interface ReleaseTagOptions {
  service: string
  /** Globs a tag's name must match one of (default: every tag). */
  patterns: readonly string[]
  /** Globs of tags that are never releases. */
  exclude: readonly string[]
  /** Only tags that are versions (with or without a leading `v`); false: any tag the globs match. */
  semver: boolean
  /** Count pre-release versions as releases too. */
  prereleases: boolean
  environment: string
}

export interface ReleaseTags {
  deployments: Record<string, unknown>[]
  /** How many tags there were, were taken, and were left out by reason. */
  counts: {
    tags: number
    releases: number
    unmatched: number
    excluded: number
    notVersions: number
    prereleases: number
  }
}

/** Why a tag is not a release, or null when it is. */
export function releaseTagFilter(
  options: Pick<ReleaseTagOptions, 'patterns' | 'exclude' | 'semver' | 'prereleases'>,
): (name: string) => 'unmatched' | 'excluded' | 'notVersions' | 'prereleases' | null {
  const matches = options.patterns.length > 0 ? picomatch([...options.patterns]) : () => true
  const excluded = options.exclude.length > 0 ? picomatch([...options.exclude]) : () => false
  return (name) => {
    if (!matches(name)) return 'unmatched'
    if (excluded(name)) return 'excluded'
    if (!options.semver) return null
    const version = semver.valid(name.replace(/^v/i, ''))
    if (!version) return 'notVersions'
    if (!options.prereleases && semver.prerelease(version)) return 'prereleases'
    return null
  }
}

export async function releaseTagDeployments(
  cwd: string,
  repo: string,
  options: ReleaseTagOptions,
): Promise<ReleaseTags> {
  const listing = await git(cwd, [
    'for-each-ref',
    '--format=%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:unix)%00%(refname:strip=2)',
    'refs/tags/',
  ])
  const filter = releaseTagFilter(options)
  const counts = { tags: 0, releases: 0, unmatched: 0, excluded: 0, notVersions: 0, prereleases: 0 }
  const deployments: Record<string, unknown>[] = []
  for (const line of listing.split('\n')) {
    if (!line) continue
    const [type, object = '', peeled = '', created, name = ''] = line.split('\0')
    counts.tags++
    const reason = filter(name)
    if (reason) {
      counts[reason]++
      continue
    }
    counts.releases++
    const at = new Date(Number(created) * 1000).toISOString()
    deployments.push({
      type: 'deployment',
      source: TAGS_SOURCE,
      id: `${repo}:${name}`,
      service: options.service,
      environment: options.environment,
      result: 'success',
      startedAt: at,
      finishedAt: at,
      sha: type === 'tag' ? peeled : object,
      kind: 'regular',
      labels: ['tag'],
    })
  }
  return { deployments, counts }
}

/** "295 of 304 tags as deployments of storefront; left out: 9 pre-releases". */
export function describeReleaseTags(service: string, counts: ReleaseTags['counts']): string {
  const n = (count: number, one: string, many: string) => count && `${count} ${count === 1 ? one : many}`
  const left = [
    n(counts.unmatched, 'not matching the patterns', 'not matching the patterns'),
    n(counts.excluded, 'excluded', 'excluded'),
    n(counts.notVersions, 'not a version', 'not versions'),
    n(counts.prereleases, 'pre-release', 'pre-releases'),
  ].filter(Boolean)
  return `${counts.releases} of ${counts.tags} tags as deployments of ${service}${left.length ? `; left out: ${left.join(', ')}` : ''}`
}
