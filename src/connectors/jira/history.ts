/**
 * What a Jira issue's changelog says about the past: a field's value at any instant (status, story
 * points, sprints), and from those the totals of a sprint as they stood when it started. Jira's own
 * reports and most peers count an issue added after the sprint started as committed; here the
 * commitment is frozen at the start, and later additions are scope added.
 */

/** One field's changes, oldest first, and its value now. */
export interface FieldHistory<T> {
  now: T
  changes: readonly { at: number; from: T; to: T }[]
}

/** The value at an instant: the last change at or before it, else what the first later change replaced. */
export function valueAt<T>(history: FieldHistory<T>, at: number): T {
  let value: { v: T } | undefined
  for (const change of history.changes) {
    if (change.at > at) return value ? value.v : change.from
    value = { v: change.to }
  }
  return value ? value.v : history.now
}

/** What a sprint needs of one issue, read from its fields and changelog (epoch ms). */
export interface IssueFacts {
  key: string
  created: number
  /** Whether the issue's status at an instant counts as done. */
  doneAt: (at: number) => boolean
  points: FieldHistory<number | null>
  /** The ids of the sprints the issue is in. */
  sprints: FieldHistory<readonly string[]>
}

export interface SprintWindow {
  id: string
  start: number
  /** When it was completed (else its planned end). */
  end: number
}

export interface SprintTotals {
  /** Points of the issues in the sprint when it started, estimated as they were then. */
  committed: number
  /** Points of the issues in the sprint and done when it ended. */
  completed: number
  /** Of the committed issues, the points (as committed) of those done in the sprint. */
  completedCommitted: number
  /** Points of the issues that joined after the start, as estimated when they joined. */
  added: number
}

const inSprint = (issue: IssueFacts, sprint: string, at: number) =>
  issue.created <= at && valueAt(issue.sprints, at).includes(sprint)

/** The moment the issue joined the sprint after it started, if it did. */
function joinedAfterStart(issue: IssueFacts, sprint: SprintWindow): number | null {
  for (const change of issue.sprints.changes) {
    if (change.at <= sprint.start || change.at > sprint.end) continue
    if (change.to.includes(sprint.id) && !change.from.includes(sprint.id)) return change.at
  }
  // Created straight into a running sprint: no sprint change, but in it from creation.
  if (
    issue.created > sprint.start &&
    issue.created <= sprint.end &&
    inSprint(issue, sprint.id, issue.created)
  )
    return issue.created
  return null
}

export function sprintTotals(sprint: SprintWindow, issues: readonly IssueFacts[]): SprintTotals {
  const totals: SprintTotals = { committed: 0, completed: 0, completedCommitted: 0, added: 0 }
  const points = (issue: IssueFacts, at: number) => valueAt(issue.points, at) ?? 0
  for (const issue of issues) {
    const committed = inSprint(issue, sprint.id, sprint.start)
    // Jira moves the unfinished issues out when the sprint is completed; the finished ones stay.
    const completed = inSprint(issue, sprint.id, sprint.end) && issue.doneAt(sprint.end)
    if (committed) totals.committed += points(issue, sprint.start)
    if (completed) totals.completed += points(issue, sprint.end)
    if (committed && completed) totals.completedCommitted += points(issue, sprint.start)
    if (!committed) {
      const joined = joinedAfterStart(issue, sprint)
      if (joined !== null) totals.added += points(issue, joined)
    }
  }
  return totals
}
