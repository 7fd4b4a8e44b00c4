/**
 * The eng-ops seed's initiative tracker (initiative, owner, status, timeline, impact) with a
 * health computed from evidence: overdue milestones, a timeline run out, and the status of the
 * OKRs it is linked to. The declared status is kept beside it; when the declared status is better
 * than the evidence (a "watermelon": green outside, red inside) it is flagged.
 */
import { orgDay } from '../metrics/calendar.js'
import type { Initiative, OrgFile } from '../model/org.js'
import type { ObjectiveStatus, OkrStatus } from './okrs.js'

export type Health = 'on-track' | 'at-risk' | 'off-track' | 'blocked' | 'done'

const RANK: Record<Health, number> = { done: 0, 'on-track': 1, 'at-risk': 2, 'off-track': 3, blocked: 4 }

export interface InitiativeStatus {
  id: string
  name: string
  owner: string
  declared: Initiative['status']
  health: Health
  /** Declared better than the evidence. */
  watermelon: boolean
  start: number | null
  end: number | null
  /** Elapsed share of the timeline. */
  elapsed: number | null
  impact: string | null
  okrs: { id: string; status: OkrStatus }[]
  milestones: { name: string; due: number | null; done: number | null; overdue: boolean; late: boolean }[]
  reasons: string[]
}

const fromOkr = (status: OkrStatus): Health | null =>
  status === 'off-track' ? 'off-track' : status === 'at-risk' ? 'at-risk' : null

export function evaluateInitiatives(
  org: Pick<OrgFile, 'initiatives' | 'org'>,
  objectives: readonly ObjectiveStatus[],
  now: number,
): InitiativeStatus[] {
  const zone = org.org.timezone
  const byId = new Map(objectives.map((o) => [o.id, o]))
  return org.initiatives.map((initiative) => {
    const start = orgDay(initiative.start, zone)
    const end = orgDay(initiative.end, zone)
    const milestones = initiative.milestones.map((m) => {
      const due = orgDay(m.due, zone)
      const done = orgDay(m.done, zone)
      return {
        name: m.name,
        due,
        done,
        overdue: done === null && due !== null && now >= due,
        late: done !== null && due !== null && done > due,
      }
    })
    const okrs = initiative.okrs.map((id) => ({
      id,
      status: byId.get(id)?.rollup ?? ('no-data' as OkrStatus),
    }))
    const reasons: string[] = []
    let health: Health = 'on-track'
    const worsen = (to: Health, why: string) => {
      reasons.push(why)
      if (RANK[to] > RANK[health]) health = to
    }
    if (initiative.status === 'done') health = 'done'
    else {
      if (initiative.status === 'blocked') worsen('blocked', 'declared blocked')
      const overdue = milestones.filter((m) => m.overdue)
      if (overdue.length > 0)
        worsen(
          overdue.length > 1 ? 'off-track' : 'at-risk',
          `${overdue.length} milestone(s) overdue: ${overdue.map((m) => m.name).join(', ')}`,
        )
      if (end !== null && now >= end) worsen('off-track', 'timeline ended and not done')
      for (const okr of okrs) {
        const h = fromOkr(okr.status)
        if (h) worsen(h, `linked OKR ${okr.id} is ${okr.status}`)
      }
      if (initiative.status === 'at-risk' || initiative.status === 'off-track')
        worsen(initiative.status, `declared ${initiative.status}`)
    }
    const declaredHealth: Health = initiative.status
    return {
      id: initiative.id,
      name: initiative.name,
      owner: initiative.owner,
      declared: initiative.status,
      health,
      watermelon: RANK[declaredHealth] < RANK[health] && declaredHealth !== 'done',
      start,
      end,
      elapsed:
        start !== null && end !== null && end > start
          ? Math.min(1, Math.max(0, (now - start) / (end - start)))
          : null,
      impact: initiative.impact ?? null,
      okrs,
      milestones,
      reasons,
    }
  })
}

/** Active initiatives ("bets") per owning team: the WIP ≤ 2 bets per squad rule. */
export function betsPerTeam(org: Pick<OrgFile, 'initiatives' | 'teams'>): Map<string, string[]> {
  const teams = new Set(org.teams.map((t) => t.id))
  const bets = new Map<string, string[]>()
  for (const initiative of org.initiatives) {
    if (initiative.status === 'done' || !teams.has(initiative.owner)) continue
    bets.set(initiative.owner, [...(bets.get(initiative.owner) ?? []), initiative.id])
  }
  return bets
}
