/**
 * The shas each pull request names (merge, head and its own commits), one row each: deriving a
 * deployment looks up the pull requests of the commits it ships by sha instead of reading every
 * pull request of the repository.
 */

/** Characters of a sha kept as its prefix: the shortest sha a pull request may name a commit by. */
export const SHA_PREFIX = 7

/** A pull request as stored, the columns its shas come from. */
export interface PullRequestShaSource {
  source: string
  id: string
  repo: string
  merge_sha: string | null
  head_sha: string | null
  /** JSON list of commit shas. */
  commits: string
}

export interface PullRequestShaRow {
  repo: string
  sha: string
  /** The sha's first characters: a commit finds the pull requests naming it by full or short sha. */
  prefix: string
  source: string
  id: string
}

export function pullRequestShaRows(pr: PullRequestShaSource): PullRequestShaRow[] {
  const shas = new Set<string>()
  for (const sha of [pr.merge_sha, pr.head_sha, ...(JSON.parse(pr.commits) as string[])])
    if (sha) shas.add(sha)
  return [...shas].map((sha) => ({
    repo: pr.repo,
    sha,
    prefix: sha.slice(0, SHA_PREFIX),
    source: pr.source,
    id: pr.id,
  }))
}
