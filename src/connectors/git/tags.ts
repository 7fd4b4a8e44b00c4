/**
 * For teams without deployment events: release tags matching a pattern become successful
 * deployments of a service, finished at the tag's date (`engops ingest tags`, or `releaseTags:`
 * of a git source).
 */
import { git } from './read.js'

/** Deployments made from tags are stored under this source, whichever command read them. */
export const TAGS_SOURCE = 'tags'

export interface ReleaseTagOptions {
  service: string
  /** A `git for-each-ref` pattern under refs/tags/, e.g. `v*`. */
  pattern: string
  environment: string
}

export async function releaseTagDeployments(
  cwd: string,
  repo: string,
  options: ReleaseTagOptions,
): Promise<Record<string, unknown>[]> {
  const listing = await git(cwd, [
    'for-each-ref',
    '--format=%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:unix)%00%(refname:strip=2)',
    `refs/tags/${options.pattern}`,
  ])
  const deployments: Record<string, unknown>[] = []
  for (const line of listing.split('\n')) {
    if (!line) continue
    const [type, object = '', peeled = '', created, name = ''] = line.split('\0')
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
  return deployments
}
