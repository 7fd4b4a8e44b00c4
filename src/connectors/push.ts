/**
 * What GitHub and GitLab payloads share: a push lists its commits in order, so each one's parent
 * is the one before it.
 */
import { isoTime, type Json, obj } from './connector.js'

const ZERO_SHA = /^0+$/

export function pushCommits(source: string, repo: string, before: unknown, commits: unknown): Json[] {
  const list = Array.isArray(commits) ? commits.map(obj) : []
  let parent = typeof before === 'string' && !ZERO_SHA.test(before) ? before : undefined
  return list.map((c) => {
    const author = obj(c.author)
    const event = {
      type: 'commit',
      source,
      repo,
      sha: c.id,
      // A push lists its commits in order: each one's parent is the one before (merges keep only that one).
      parents: parent ? [parent] : [],
      author: author.email || author.name || author.username,
      ...(author.email ? { authorEmail: author.email } : {}),
      authoredAt: isoTime(c.timestamp),
      committedAt: isoTime(c.timestamp),
      files: [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])],
    }
    parent = typeof c.id === 'string' ? c.id : parent
    return event
  })
}
