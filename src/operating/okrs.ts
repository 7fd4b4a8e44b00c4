/**
 * OKRs: the company → department → team cascade of `engops.yaml`, judged against time.
 *
 * - KR progress is the clamped linear interpolation from baseline to target, so a decreasing KR
 *   (lead time 2.5 d → 1 d) works the same as an increasing one.
 * - Objective progress is the weighted mean of its KRs' progress.
 * - Expected progress is the elapsed share of the period; the gap between expected and actual
 *   gives on track / at risk / off track (thresholds in `org.okr`). A check-in's confidence can
 *   make a KR worse, never better: an owner may warn early, but not hide a red metric.
 * - From week 8 of a 13-week quarter an at-risk or off-track KR is flagged for escalation (the
 *   seed's "escalate early: week 8, not week 12").
 * - At the end of the period each KR and objective gets a Google-style 0.0–1.0 score.
 */
import { type Period, quarterPeriod } from '../metrics/calendar.js'
import type { KeyResult, Okr, OrgFile } from '../model/org.js'

export type OkrStatus = 'achieved' | 'on-track' | 'at-risk' | 'off-track' | 'no-data'
export type Confidence = 'on-track' | 'at-risk' | 'off-track'

export interface CheckIn {
  kr: string
  value: number | null
  confidence: Confidence | null
  comment: string | null
  at: number
  by: string | null
}

export interface OkrSettings {
  atRiskGap: number
  offTrackGap: number
  escalateFromWeek: number
  checkinEveryDays: number
  maxObjectives: number
  maxKeyResults: number
}

export interface KeyResultStatus {
  id: string
  title: string
  unit: string | null
  baseline: number | null
  target: number | null
  current: number | null
  /** Where the current value comes from. */
  source: 'metric' | 'check-in' | 'org-file' | 'none'
  metric: string | null
  progress: number | null
  expected: number
  status: OkrStatus
  escalate: boolean
  lastCheckIn: CheckIn | null
  /** 0.0–1.0 in tenths; final once the period has ended. */
  score: number | null
  weight: number
}

export interface ObjectiveStatus {
  id: string
  level: Okr['level']
  owner: string
  parent: string | null
  period: string
  objective: string
  weight: number
  from: number
  to: number
  week: number
  weeks: number
  expected: number
  progress: number | null
  status: OkrStatus
  /** Worst status of this objective and everything that ladders up to it. */
  rollup: OkrStatus
  escalate: boolean
  score: number | null
  grade: 'green' | 'yellow' | 'red' | null
  final: boolean
  keyResults: KeyResultStatus[]
  children: ObjectiveStatus[]
}

const WEEK = 7 * 86_400_000
const SEVERITY: Record<OkrStatus, number> = {
  'no-data': 0,
  achieved: 1,
  'on-track': 2,
  'at-risk': 3,
  'off-track': 4,
}

export function worstStatus(statuses: readonly OkrStatus[]): OkrStatus {
  const judged = statuses.filter((s) => s !== 'no-data')
  if (judged.length === 0) return 'no-data'
  return judged.reduce((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst))
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

/** Clamped linear interpolation from baseline to target; works for decreasing KRs too. */
export function krProgress(baseline: number, target: number, current: number): number {
  if (target === baseline) {
    // No distance to cover: met when the value is at or beyond the target.
    return current === target ? 1 : 0
  }
  return clamp01((current - baseline) / (target - baseline))
}

/** Elapsed share of the period at `now`, clamped to 0–1. */
export function expectedProgress(period: Period, now: number): number {
  return clamp01((now - period.from) / (period.to - period.from))
}

/** Weeks in a period: a quarter of 90–92 days has 13 (its last week is a little longer). */
export function weeksIn(period: Period): number {
  return Math.max(1, Math.round((period.to - period.from) / WEEK))
}

/** Week of the period (1-based, capped at the period's last week). */
export function weekOf(period: Period, now: number): number {
  const weeks = weeksIn(period)
  return Math.min(weeks, Math.max(1, Math.floor((now - period.from) / WEEK) + 1))
}

export function statusFromGap(progress: number | null, expected: number, settings: OkrSettings): OkrStatus {
  if (progress === null) return 'no-data'
  if (progress >= 1) return 'achieved'
  // Compared in whole basis points: 0.5 − 0.35 is 0.15000000000000002 in floating point, and a KR
  // exactly 15 points behind is not "more than" 15 points behind.
  const gap = Math.round((expected - progress) * 10_000)
  if (gap <= Math.round(settings.atRiskGap * 10_000)) return 'on-track'
  if (gap <= Math.round(settings.offTrackGap * 10_000)) return 'at-risk'
  return 'off-track'
}

/** Google-style score: progress in tenths. */
export function scoreOf(progress: number | null): number | null {
  return progress === null ? null : Math.round(progress * 10) / 10
}

/** Measure What Matters bands: 0.7–1.0 green, 0.4–0.6 yellow, 0–0.3 red. */
export function gradeOf(score: number | null): 'green' | 'yellow' | 'red' | null {
  if (score === null) return null
  return score >= 0.7 ? 'green' : score >= 0.4 ? 'yellow' : 'red'
}

export interface OkrContext {
  now: number
  timeZone: string
  fiscalYearStartMonth: number
  settings: OkrSettings
  checkIns: readonly CheckIn[]
  /** The live value of a KR bound to a metric, in the KR's unit; null when not measurable. */
  liveValue?: (kr: KeyResult, okr: Okr) => number | null
}

export function okrPeriod(
  okr: Pick<Okr, 'period'>,
  ctx: Pick<OkrContext, 'fiscalYearStartMonth' | 'timeZone'>,
) {
  return quarterPeriod(okr.period, ctx.fiscalYearStartMonth, ctx.timeZone)
}

function latestCheckIns(checkIns: readonly CheckIn[], now: number): Map<string, CheckIn> {
  const latest = new Map<string, CheckIn>()
  for (const checkIn of checkIns) {
    if (checkIn.at > now) continue
    const seen = latest.get(checkIn.kr)
    if (!seen || checkIn.at >= seen.at) latest.set(checkIn.kr, checkIn)
  }
  return latest
}

function keyResultStatus(
  kr: KeyResult,
  okr: Okr,
  period: Period,
  ctx: OkrContext,
  latest: Map<string, CheckIn>,
): KeyResultStatus {
  const expected = expectedProgress(period, ctx.now)
  const checkIn = latest.get(kr.id) ?? null
  const live = kr.metric && ctx.liveValue ? ctx.liveValue(kr, okr) : null
  let current: number | null = null
  let source: KeyResultStatus['source'] = 'none'
  if (live !== null && live !== undefined) {
    current = live
    source = 'metric'
  } else if (checkIn && checkIn.value !== null) {
    current = checkIn.value
    source = 'check-in'
  } else if (kr.current !== undefined) {
    current = kr.current
    source = 'org-file'
  }
  const progress =
    current !== null && kr.baseline !== undefined && kr.target !== undefined
      ? krProgress(kr.baseline, kr.target, current)
      : null
  let status = statusFromGap(progress, expected, ctx.settings)
  if (checkIn?.confidence && status !== 'achieved') {
    status = worstStatus([status, checkIn.confidence])
  }
  const week = weekOf(period, ctx.now)
  return {
    id: kr.id,
    title: kr.title,
    unit: kr.unit ?? null,
    baseline: kr.baseline ?? null,
    target: kr.target ?? null,
    current,
    source,
    metric: kr.metric ?? null,
    progress,
    expected,
    status,
    escalate: (status === 'at-risk' || status === 'off-track') && week >= ctx.settings.escalateFromWeek,
    lastCheckIn: checkIn,
    score: scoreOf(progress),
    weight: kr.weight,
  }
}

function weightedProgress(items: readonly { progress: number | null; weight: number }[]): number | null {
  const judged = items.filter((item) => item.progress !== null)
  const total = judged.reduce((sum, item) => sum + item.weight, 0)
  if (total === 0) return null
  return judged.reduce((sum, item) => sum + item.progress! * item.weight, 0) / total
}

/** Every objective judged at `ctx.now`, as a forest: company objectives at the roots. */
export function evaluateOkrs(okrs: readonly Okr[], ctx: OkrContext): ObjectiveStatus[] {
  const latest = latestCheckIns(ctx.checkIns, ctx.now)
  const byId = new Map<string, ObjectiveStatus>()
  for (const okr of okrs) {
    const period = okrPeriod(okr, ctx)
    const keyResults = okr.keyResults.map((kr) => keyResultStatus(kr, okr, period, ctx, latest))
    const progress = weightedProgress(keyResults)
    const status = worstStatus(keyResults.map((kr) => kr.status))
    const final = ctx.now >= period.to
    const score = scoreOf(progress)
    byId.set(okr.id, {
      id: okr.id,
      level: okr.level,
      owner: okr.owner,
      parent: okr.parent ?? null,
      period: okr.period,
      objective: okr.objective,
      weight: okr.weight,
      from: period.from,
      to: period.to,
      week: weekOf(period, ctx.now),
      weeks: weeksIn(period),
      expected: expectedProgress(period, ctx.now),
      progress,
      status,
      rollup: status,
      escalate: keyResults.some((kr) => kr.escalate),
      score,
      grade: gradeOf(score),
      final,
      keyResults,
      children: [],
    })
  }
  const roots: ObjectiveStatus[] = []
  for (const objective of byId.values()) {
    const parent = objective.parent ? byId.get(objective.parent) : undefined
    if (parent && parent !== objective) parent.children.push(objective)
    else roots.push(objective)
  }
  const rollUp = (node: ObjectiveStatus, path: Set<string>): OkrStatus => {
    if (path.has(node.id)) return node.status
    path.add(node.id)
    node.rollup = worstStatus([node.status, ...node.children.map((child) => rollUp(child, path))])
    path.delete(node.id)
    return node.rollup
  }
  for (const root of roots) rollUp(root, new Set())
  return roots
}

/** The forest flattened, parents before children. */
export function flattenOkrs(roots: readonly ObjectiveStatus[]): ObjectiveStatus[] {
  const out: ObjectiveStatus[] = []
  const visit = (node: ObjectiveStatus) => {
    out.push(node)
    for (const child of node.children) visit(child)
  }
  for (const root of roots) visit(root)
  return out
}

export type LintRule =
  | 'feature-kr'
  | 'binary-kr'
  | 'too-many-objectives'
  | 'too-many-krs'
  | 'no-key-results'
  | 'no-alignment'
  | 'cascade-order'
  | 'direction-mismatch'
  | 'set-and-forget'

export interface LintFinding {
  rule: LintRule
  okr: string
  kr: string | null
  /** Where in engops.yaml, for a line number. */
  path: (string | number)[]
  message: string
  /** The seed's "right way". */
  fix: string
}

const FEATURE_VERB =
  /^(ship|launch|build|deliver|deploy|release|implement|migrate|create|add|complete|finish)\b/i
const LEVEL_RANK: Record<Okr['level'], number> = { company: 0, department: 1, team: 2 }

/**
 * The anti-patterns of the seeds' OKR tables: feature-based OKRs, too many OKRs, binary KRs, no
 * alignment, set and forget (no check-in for `checkinEveryDays` on a KR no metric updates).
 * Pass `now` and check-ins for set-and-forget; without them only the static rules run.
 */
export function lintOkrs(
  org: Pick<OrgFile, 'okrs' | 'org'>,
  checks: { now: number; checkIns: readonly CheckIn[] } | null = null,
): LintFinding[] {
  const settings = org.org.okr
  const findings: LintFinding[] = []
  const okrIndex = new Map(org.okrs.map((okr, i) => [okr.id, { okr, i }]))
  const perOwner = new Map<string, number[]>()
  org.okrs.forEach((okr, i) => {
    const key = `${okr.owner}\0${okr.period}`
    perOwner.set(key, [...(perOwner.get(key) ?? []), i])
  })
  for (const indices of perOwner.values()) {
    if (indices.length <= settings.maxObjectives) continue
    const first = org.okrs[indices[0]!]!
    findings.push({
      rule: 'too-many-objectives',
      okr: first.id,
      kr: null,
      path: ['okrs', indices[settings.maxObjectives]!],
      message: `${first.owner} has ${indices.length} objectives in ${first.period} (at most ${settings.maxObjectives})`,
      fix: `${settings.maxObjectives} objectives, ${settings.maxKeyResults} KRs each at most: focus`,
    })
  }
  const latest = checks ? latestCheckIns(checks.checkIns, checks.now) : new Map<string, CheckIn>()
  org.okrs.forEach((okr, i) => {
    const at = (...rest: (string | number)[]) => ['okrs', i, ...rest]
    if (okr.keyResults.length === 0) {
      findings.push({
        rule: 'no-key-results',
        okr: okr.id,
        kr: null,
        path: at('keyResults'),
        message: `"${okr.objective}" has no key results`,
        fix: 'Add 2–4 measurable key results with a baseline and a target',
      })
    }
    if (okr.keyResults.length > settings.maxKeyResults) {
      findings.push({
        rule: 'too-many-krs',
        okr: okr.id,
        kr: null,
        path: at('keyResults', settings.maxKeyResults),
        message: `"${okr.objective}" has ${okr.keyResults.length} key results (at most ${settings.maxKeyResults})`,
        fix: `${settings.maxObjectives} objectives, ${settings.maxKeyResults} KRs each at most: focus`,
      })
    }
    if (okr.level !== 'company') {
      const parent = okr.parent ? okrIndex.get(okr.parent)?.okr : undefined
      if (!parent) {
        findings.push({
          rule: 'no-alignment',
          okr: okr.id,
          kr: null,
          path: at('parent'),
          message: `${okr.level} objective "${okr.objective}" ladders up to nothing`,
          fix: 'Cascade from company → engineering → team: name the parent objective',
        })
      } else if (LEVEL_RANK[parent.level] >= LEVEL_RANK[okr.level]) {
        findings.push({
          rule: 'cascade-order',
          okr: okr.id,
          kr: null,
          path: at('parent'),
          message: `${okr.level} objective "${okr.id}" has a ${parent.level} parent "${parent.id}"`,
          fix: 'A team objective ladders up to a department or company one; a department one to the company',
        })
      }
    }
    okr.keyResults.forEach((kr, j) => {
      const path = at('keyResults', j)
      if (kr.target === undefined) {
        findings.push({
          rule: 'feature-kr',
          okr: okr.id,
          kr: kr.id,
          path,
          message: `"${kr.title}" has no target number${FEATURE_VERB.test(kr.title) ? ' (a task, not an outcome)' : ''}`,
          fix: 'Focus on outcomes ("Reduce churn by 10%"), with a number to reach',
        })
      } else if (kr.baseline === undefined) {
        findings.push({
          rule: 'binary-kr',
          okr: okr.id,
          kr: kr.id,
          path,
          message: `"${kr.title}" has a target but no baseline: no progress signal`,
          fix: 'Quantitative, measurable, with a baseline',
        })
      } else if (
        kr.direction &&
        kr.target !== kr.baseline &&
        (kr.direction === 'increase') !== kr.target > kr.baseline
      ) {
        findings.push({
          rule: 'direction-mismatch',
          okr: okr.id,
          kr: kr.id,
          path: [...path, 'direction'],
          message: `"${kr.title}" says ${kr.direction} but goes from ${kr.baseline} to ${kr.target}`,
          fix: 'Make the direction agree with baseline → target (or drop it: it follows from them)',
        })
      }
      if (checks && !kr.metric) {
        const period = quarterPeriod(okr.period, org.org.fiscalYearStartMonth, org.org.timezone)
        const due = checks.now - settings.checkinEveryDays * 86_400_000
        const last = latest.get(kr.id)
        const running = checks.now >= period.from && checks.now < period.to
        if (running && due >= period.from && (!last || last.at < due)) {
          findings.push({
            rule: 'set-and-forget',
            okr: okr.id,
            kr: kr.id,
            path,
            message: `"${kr.title}" has had no check-in for ${settings.checkinEveryDays} days${last ? '' : ' (none this period)'}`,
            fix: 'Weekly tracking, monthly review: check in (engops okr checkin) or bind it to a metric',
          })
        }
      }
    })
  })
  return findings
}
