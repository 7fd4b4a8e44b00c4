/**
 * Code review metrics: turnaround (opened → first review by someone other than the author, and
 * the share within the 24-hour SLA), pull request size (lines added + deleted) and pull requests
 * merged without any review. Turnaround counts PRs whose first review happened in the period;
 * size and unreviewed merges count PRs merged in the period.
 */
import type { PullRequest } from '../model/types.js'
import { inPeriod, type Period } from './calendar.js'
import { type Distribution, distribution, ratio, secondsDistribution } from './stats.js'

export const REVIEW_SLA_MS = 24 * 3_600_000

export interface ReviewSummary {
  turnaround: Distribution & { withinSla: number; shareWithinSla: number | null }
  size: Distribution
  mergedWithoutReview: { merged: number; withoutReview: number; rate: number | null }
}

export function firstReviewAt(pr: PullRequest, sameAuthor: (a: string, b: string) => boolean): number | null {
  let first: number | null = null
  for (const review of pr.reviews) {
    if (sameAuthor(review.author, pr.author)) continue
    if (first === null || review.at < first) first = review.at
  }
  return first
}

export function computeReviews(
  prs: readonly PullRequest[],
  period: Period,
  sameAuthor: (a: string, b: string) => boolean,
): ReviewSummary {
  const turnaround: number[] = []
  const sizes: number[] = []
  let merged = 0
  let unreviewed = 0
  for (const pr of prs) {
    if (pr.draft) continue
    const first = firstReviewAt(pr, sameAuthor)
    if (first !== null && inPeriod(first, period) && first >= pr.createdAt)
      turnaround.push(first - pr.createdAt)
    if (pr.mergedAt === null || !inPeriod(pr.mergedAt, period)) continue
    merged++
    if (first === null || first > pr.mergedAt) unreviewed++
    if (pr.additions !== null || pr.deletions !== null) sizes.push((pr.additions ?? 0) + (pr.deletions ?? 0))
  }
  const withinSla = turnaround.filter((span) => span <= REVIEW_SLA_MS).length
  return {
    turnaround: {
      ...secondsDistribution(turnaround),
      withinSla,
      shareWithinSla: ratio(withinSla, turnaround.length),
    },
    size: distribution(sizes),
    mergedWithoutReview: { merged, withoutReview: unreviewed, rate: ratio(unreviewed, merged) },
  }
}
