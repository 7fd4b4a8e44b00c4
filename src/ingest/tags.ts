/**
 * `engops ingest tags`: for teams without deployment events, release tags matching a pattern
 * become successful production deployments of a service, finished at the tag's date.
 */

import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { EngopsError } from '../model/errors.js'
import type { Deployment } from '../model/types.js'
import type { StoreWriter } from '../store/store.js'
import { repositoryName } from './git.js'

const run = promisify(execFile)

export const TAGS_SOURCE = 'tags'

export interface TagIngestOptions {
  service: string
  pattern: string
  repo?: string
  environment?: string
}

export async function ingestReleaseTags(
  writer: StoreWriter,
  path: string,
  options: TagIngestOptions,
): Promise<{ repo: string; deployments: number }> {
  const cwd = resolve(path)
  const repo = repositoryName(cwd, options.repo)
  let stdout: string
  try {
    ;({ stdout } = await run(
      'git',
      [
        'for-each-ref',
        '--format=%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:unix)%00%(refname:strip=2)',
        `refs/tags/${options.pattern}`,
      ],
      { cwd, maxBuffer: 1 << 28 },
    ))
  } catch (error) {
    throw new EngopsError(
      'GIT_FAILED',
      `${path}: cannot list tags (${String((error as { stderr?: string }).stderr ?? '').trim()})`,
    )
  }
  const deployments: Deployment[] = []
  for (const line of stdout.split('\n')) {
    if (!line) continue
    const [type, object = '', peeled = '', created, name = ''] = line.split('\0')
    const sha = type === 'tag' ? peeled : object
    const at = Number(created) * 1000
    deployments.push({
      source: TAGS_SOURCE,
      id: `${repo}:${name}`,
      service: options.service,
      environment: options.environment ?? 'production',
      result: 'success',
      startedAt: at,
      finishedAt: at,
      sha,
      kind: 'regular',
      labels: ['tag'],
      regression: null,
    })
  }
  await writer.upsertDeployments(deployments)
  return { repo, deployments: deployments.length }
}
