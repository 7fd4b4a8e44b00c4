/**
 * The lists behind the numbers, asked of the engine with a scope and a period: surfaces (the API's
 * list endpoints, the reports) call these and never filter rows themselves, so what "in the
 * period" and "of the team" mean is written once, here.
 */
import { OrgCalendar, type Period } from '../metrics/calendar.js'
import type { CostEvent, PipelineRunEvent, RequisitionEvent, WorkItemEvent } from '../model/events.js'
import type { Incident } from '../model/types.js'
import type { Engine, Scope } from './engine.js'

/** Incidents detected in the period that touch a service of the scope. */
export async function incidentsIn(engine: Engine, scope: Scope, period: Period): Promise<Incident[]> {
  const services = engine.scopeServices(scope)
  return (await engine.allIncidents()).filter(
    (i) =>
      i.detectedAt >= period.from &&
      i.detectedAt < period.to &&
      (services === null || i.services.some((s) => services.has(s))),
  )
}

/** Work items of a team (or every team) open during the period or finished in it. */
export async function workItemsIn(
  engine: Engine,
  team: string | undefined,
  period: Period,
): Promise<WorkItemEvent[]> {
  return (await engine.loadScoreboard()).workItems.filter((w) => {
    const last = w.statusChanges.at(-1)?.at ?? w.createdAt
    return (!team || w.team === team) && last >= period.from && w.createdAt < period.to
  })
}

/**
 * Cost lines of a team (or all) in the business months of the period — the months whose first day
 * falls in it, as the cost KPIs count them — so the list is exactly what the number summed.
 */
export async function costLinesIn(
  engine: Engine,
  team: string | undefined,
  period: Period,
): Promise<CostEvent[]> {
  const calendar = new OrgCalendar(engine.org.org.timezone, engine.org.org.fiscalYearStartMonth)
  const months = new Set(calendar.monthsIn(period))
  return (await engine.loadScoreboard()).costs.filter(
    (cost) => (!team || cost.team === team) && months.has(cost.month),
  )
}

/** CI runs finished in the period in the scope's repositories. */
export async function pipelineRunsIn(
  engine: Engine,
  scope: Scope,
  period: Period,
): Promise<PipelineRunEvent[]> {
  const repos = engine.scopeRepositories(scope)
  return (await engine.runsAround(period)).all.filter(
    (run) =>
      (repos === null || repos.has(run.repo)) && run.finishedAt >= period.from && run.finishedAt < period.to,
  )
}

/** Requisitions still open at the period's end, and those filled during it. */
export async function requisitionsIn(
  engine: Engine,
  period: Period,
): Promise<{ open: RequisitionEvent[]; filled: RequisitionEvent[] }> {
  const all = (await engine.loadScoreboard()).requisitions
  return {
    open: all.filter((r) => r.opened < period.to && (r.filled === undefined || r.filled >= period.to)),
    filled: all.filter((r) => r.filled !== undefined && r.filled >= period.from && r.filled < period.to),
  }
}

/** A work item's state as of a time: its last status change by then. */
const stateAt = (w: WorkItemEvent, at: number) =>
  w.statusChanges.filter((c) => c.at <= at).at(-1)?.status ?? 'todo'

/** Work items blocked as of a time. */
export async function blockedWorkItems(engine: Engine, at: number): Promise<WorkItemEvent[]> {
  return (await engine.loadScoreboard()).workItems.filter((w) => stateAt(w, at) === 'blocked')
}

/** The latest quarter (up to `quarter`) items were committed to, and each team's progress on them as of `at`. */
export async function quarterCommitments(
  engine: Engine,
  quarter: string,
  at: number,
): Promise<{ quarter: string; byTeam: [string, { done: number; doing: number; todo: number }][] } | null> {
  const committed = (await engine.loadScoreboard()).workItems.filter((w) => w.committedQuarter)
  const latest = [...new Set(committed.map((w) => w.committedQuarter as string))]
    .sort()
    .filter((q) => q <= quarter)
    .at(-1)
  if (!latest) return null
  const byTeam = new Map<string, { done: number; doing: number; todo: number }>()
  for (const w of committed.filter((item) => item.committedQuarter === latest)) {
    const state = stateAt(w, at)
    const entry = byTeam.get(w.team) ?? { done: 0, doing: 0, todo: 0 }
    if (state === 'done') entry.done++
    else if (state === 'todo') entry.todo++
    else entry.doing++
    byTeam.set(w.team, entry)
  }
  return { quarter: latest, byTeam: [...byTeam].sort(([a], [b]) => a.localeCompare(b)) }
}
