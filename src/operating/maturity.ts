/**
 * Maturity assessed from evidence, not from a questionnaire: the VP seed's incident management
 * maturity (1 Reactive … 5 Predictive) for the organization and agile maturity (1 Initial … 5
 * Optimizing) per team. A level is reached when every check of it and of the levels below passes
 * (the rubric rule of OpsLevel, Cortex and GitLab); each check lists what was found, and the
 * seed's actions for the next level come with the result.
 */
import { postmortemDone } from '../metrics/reliability.js'
import { median } from '../metrics/stats.js'
import type { SprintEvent, WorkItemEvent } from '../model/events.js'
import type { Incident } from '../model/types.js'

export interface MaturityCheck {
  level: number
  name: string
  passed: boolean
  evidence: string
}

export interface MaturityAssessment {
  subject: string
  model: 'incident-management' | 'agile'
  level: number
  levelName: string
  checks: MaturityCheck[]
  /** What to do to reach the next level (the seed's Actions column or process fixes). */
  nextActions: string[]
}

/** The seed's Incident Management Maturity table. */
export const INCIDENT_LEVELS = [
  { level: 1, name: 'Reactive', actions: ['Document basic runbooks', 'Assign on-call'] },
  { level: 2, name: 'Organized', actions: ['Add severity classification', 'Add escalation paths'] },
  { level: 3, name: 'Systematic', actions: ['Add blameless post-mortems', 'Add action item tracking'] },
  { level: 4, name: 'Proactive', actions: ['Run game days', 'Automate remediation'] },
  { level: 5, name: 'Predictive', actions: ['Continuous improvement', 'Near-zero MTTR'] },
] as const

/** The seed's Agile Maturity Model. */
export const AGILE_LEVELS = [
  { level: 1, name: 'Initial' },
  { level: 2, name: 'Managed' },
  { level: 3, name: 'Defined' },
  { level: 4, name: 'Measured' },
  { level: 5, name: 'Optimizing' },
] as const

const pct = (part: number, whole: number) => (whole === 0 ? 0 : part / whole)
const show = (x: number) => `${Math.round(x * 100)}%`

function levelOf(checks: MaturityCheck[]): number {
  let level = 1
  for (let l = 2; l <= 5; l++) {
    const at = checks.filter((c) => c.level === l)
    if (at.length === 0 || !at.every((c) => c.passed)) break
    level = l
  }
  return level
}

export interface IncidentEvidence {
  /** Incidents of the look-back window. */
  incidents: readonly Incident[]
  /** Tier-1/2 services, and those with an SLO. */
  criticalServices: readonly string[]
  servicesWithSlo: ReadonlySet<string>
  slos: number
  slosWithData: number
  /** KPI ids fed as measurements in the window (game days, automated remediation). */
  measured: ReadonlySet<string>
  now: number
}

export function assessIncidentMaturity(subject: string, e: IncidentEvidence): MaturityAssessment {
  const all = e.incidents
  const major = all.filter((i) => i.severity === 'SEV-1' || i.severity === 'SEV-2')
  const acknowledged = all.filter((i) => i.acknowledgedAt !== null).length
  const severities = new Set(all.map((i) => i.severity))
  const withCommander = major.filter((i) => i.roles.some((r) => r.role === 'incident-commander')).length
  const withUpdates = major.filter((i) => i.statusUpdates.length > 0).length
  const sloCovered = e.criticalServices.filter((s) => e.servicesWithSlo.has(s)).length
  const due = all.filter((i) => i.severity !== 'SEV-4' && i.resolvedAt !== null)
  const dueMajor = due.filter((i) => i.severity !== 'SEV-3')
  const dueMinor = due.filter((i) => i.severity === 'SEV-3')
  const items = all.flatMap((i) => i.postmortem?.actionItems ?? []).filter((a) => a.due <= e.now)
  const itemsOnTime = items.filter((a) => a.done && (a.doneAt === undefined || a.doneAt <= a.due)).length
  const resolved = all.filter((i) => i.resolvedAt !== null).map((i) => i.resolvedAt! - i.detectedAt)
  const mttr = median(resolved)
  const checks: MaturityCheck[] = [
    {
      level: 2,
      name: 'On-call and alerting: incidents are acknowledged',
      passed: all.length > 0 && pct(acknowledged, all.length) >= 0.8,
      evidence: `${acknowledged} of ${all.length} incidents acknowledged (${show(pct(acknowledged, all.length))}, need 80%)`,
    },
    {
      level: 2,
      name: 'Severity classification in use',
      passed: severities.size >= 2,
      evidence: `severities used: ${[...severities].sort().join(', ') || 'none'}`,
    },
    {
      level: 3,
      name: 'Incident commander role on SEV-1/2',
      passed: major.length > 0 && pct(withCommander, major.length) >= 0.8,
      evidence: `${withCommander} of ${major.length} SEV-1/2 incidents had an incident commander (need 80%)`,
    },
    {
      level: 3,
      name: 'Structured communication: status updates on SEV-1/2',
      passed: major.length > 0 && pct(withUpdates, major.length) >= 0.8,
      evidence: `${withUpdates} of ${major.length} SEV-1/2 incidents sent status updates (need 80%)`,
    },
    {
      level: 3,
      name: 'SLOs on every tier-1/2 service',
      passed: e.criticalServices.length > 0 && sloCovered === e.criticalServices.length,
      evidence: `${sloCovered} of ${e.criticalServices.length} tier-1/2 services have an SLO`,
    },
    {
      level: 4,
      name: 'Error budgets tracked (SLI data for the SLOs)',
      passed: e.slos > 0 && pct(e.slosWithData, e.slos) >= 0.8,
      evidence: `${e.slosWithData} of ${e.slos} SLOs have SLI data (need 80%)`,
    },
    {
      level: 4,
      name: 'Blameless postmortems at target (100% SEV-1/2, 80% SEV-3)',
      passed:
        dueMajor.every(postmortemDone) &&
        pct(dueMinor.filter(postmortemDone).length, dueMinor.length || 1) >= 0.8 &&
        due.length > 0,
      evidence: `SEV-1/2 ${dueMajor.filter(postmortemDone).length}/${dueMajor.length}, SEV-3 ${dueMinor.filter(postmortemDone).length}/${dueMinor.length} postmortems completed`,
    },
    {
      level: 4,
      name: 'Action items tracked and done on time',
      passed: items.length > 0 && pct(itemsOnTime, items.length) >= 0.8,
      evidence: `${itemsOnTime} of ${items.length} due action items done on time (need 80%)`,
    },
    {
      level: 4,
      name: 'Game days / chaos engineering',
      passed: e.measured.has('game_days'),
      evidence: e.measured.has('game_days')
        ? 'game_days measurements recorded'
        : 'no game_days measurement in the window',
    },
    {
      level: 5,
      name: 'Near-zero MTTR (median under 1 hour)',
      passed: mttr !== null && mttr < 3_600_000,
      evidence:
        mttr === null ? 'no resolved incidents' : `median time to restore ${(mttr / 60_000).toFixed(0)} min`,
    },
    {
      level: 5,
      name: 'Automated remediation / anomaly detection',
      passed: e.measured.has('auto_remediation'),
      evidence: e.measured.has('auto_remediation')
        ? 'auto_remediation measurements recorded'
        : 'no auto_remediation measurement in the window',
    },
  ]
  const level = levelOf(checks)
  return {
    subject,
    model: 'incident-management',
    level,
    levelName: INCIDENT_LEVELS[level - 1]!.name,
    checks,
    nextActions: [
      ...INCIDENT_LEVELS[level - 1]!.actions,
      ...checks.filter((c) => c.level === level + 1 && !c.passed).map((c) => `Missing: ${c.name}`),
    ],
  }
}

export interface AgileEvidence {
  team: string
  wipLimit: number | null
  /** Sprints and work items of the team in the look-back window. */
  sprints: readonly SprintEvent[]
  workItems: readonly WorkItemEvent[]
  windowDays: number
  /** KRs of the team's OKRs bound to a live metric. */
  boundKeyResults: number
  /** Experiments of the team whose experiment window has ended. */
  experimentsRun: number
}

/** The seed's Common Process Fixes, by the problem a failing check shows. */
const PROCESS_FIXES = {
  process: 'Start with basic scrum or kanban: a board, a cadence, a WIP limit',
  consistency: 'Too much WIP → WIP limits (Kanban), measured by cycle time',
  metrics: 'Track cycle time and sprint completion: every item moves through statuses with times',
  predictability: 'Missed deadlines → smaller stories, better estimation, measured by story completion rate',
  data: 'Bind OKR key results to live metrics so decisions use data',
  experiments: 'Run one process experiment at a time: hypothesis, baseline, 2–3 sprints, adopt or revert',
}

export function assessAgileMaturity(e: AgileEvidence): MaturityAssessment {
  const completed = e.workItems.filter((w) => w.statusChanges.at(-1)?.status === 'done')
  const tracked = e.workItems.filter((w) => w.statusChanges.length >= 2)
  const sprintDays = e.sprints.reduce((sum, s) => sum + (s.end - s.start) / 86_400_000, 0)
  const recent = [...e.sprints].sort((a, b) => a.end - b.end).slice(-3)
  const predictability = recent.map((s) =>
    s.committed > 0 ? (s.completedCommitted ?? Math.min(s.completed, s.committed)) / s.committed : null,
  )
  const judged = predictability.filter((p): p is number => p !== null)
  const meanPredictability = judged.length > 0 ? judged.reduce((a, b) => a + b, 0) / judged.length : null
  const kanban = e.wipLimit !== null && tracked.length >= 10
  const checks: MaturityCheck[] = [
    {
      level: 2,
      name: 'A basic process (scrum or kanban) is in use',
      passed: e.sprints.length > 0 || e.workItems.length > 0,
      evidence: `${e.sprints.length} sprints and ${e.workItems.length} work items in ${e.windowDays} days`,
    },
    {
      level: 3,
      name: 'Consistent cadence (sprints cover the window) or kanban with a WIP limit',
      passed: sprintDays >= 0.8 * e.windowDays || kanban,
      evidence: `sprints cover ${Math.round(sprintDays)} of ${e.windowDays} days; WIP limit ${e.wipLimit ?? 'none'}`,
    },
    {
      level: 3,
      name: 'Metrics tracked (items with status history)',
      passed: completed.length >= 10 && tracked.length >= 0.8 * e.workItems.length,
      evidence: `${completed.length} items completed, ${tracked.length} of ${e.workItems.length} with status history`,
    },
    {
      level: 4,
      name: 'Predictable delivery (last 3 sprints ≥ 80% of commitment)',
      passed: meanPredictability !== null && meanPredictability >= 0.8 && judged.every((p) => p >= 0.7),
      evidence:
        meanPredictability === null
          ? 'no sprints with a commitment'
          : `last sprints: ${judged.map(show).join(', ')} (mean ${show(meanPredictability)})`,
    },
    {
      level: 4,
      name: 'Data-driven decisions (OKR key results bound to metrics)',
      passed: e.boundKeyResults > 0,
      evidence: `${e.boundKeyResults} key results bound to a live metric`,
    },
    {
      level: 5,
      name: 'Continuous improvement through experiments',
      passed: e.experimentsRun > 0,
      evidence: `${e.experimentsRun} process experiments run`,
    },
  ]
  const level = levelOf(checks)
  const fixFor: Record<string, string> = {
    'A basic process (scrum or kanban) is in use': PROCESS_FIXES.process,
    'Consistent cadence (sprints cover the window) or kanban with a WIP limit': PROCESS_FIXES.consistency,
    'Metrics tracked (items with status history)': PROCESS_FIXES.metrics,
    'Predictable delivery (last 3 sprints ≥ 80% of commitment)': PROCESS_FIXES.predictability,
    'Data-driven decisions (OKR key results bound to metrics)': PROCESS_FIXES.data,
    'Continuous improvement through experiments': PROCESS_FIXES.experiments,
  }
  return {
    subject: e.team,
    model: 'agile',
    level,
    levelName: AGILE_LEVELS[level - 1]!.name,
    checks,
    nextActions: checks.filter((c) => c.level === level + 1 && !c.passed).map((c) => fixFor[c.name]!),
  }
}
