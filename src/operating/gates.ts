/**
 * Policy gates (`engops check`): the default assumptions of the engineering-roles seed ("one
 * owner per service; SLOs before GA; WIP ≤ 2 bets/squad"), DESIGN.md's gates and the VP seed's
 * checklists, each a pass / fail with the findings behind it. Static gates need only the org file
 * (so CI can run them on a pull request that edits `engops.yaml`); data gates read the store and
 * are skipped, with the reason, when there is none.
 */
import { dayKey, orgDay } from '../metrics/calendar.js'
import { actionItemOpenAt, postmortemDone, postmortemDoneBy } from '../metrics/reliability.js'
import type { GateId, OrgFile } from '../model/org.js'
import type { Deployment, Incident, Severity } from '../model/types.js'
import type { DependencyMap } from './dependencies.js'
import { betsPerTeam } from './initiatives.js'
import type { LintFinding } from './okrs.js'
import type { RaciProblem } from './raci.js'

export type GateSeverity = 'error' | 'warning'

export interface GateFinding {
  subject: string
  message: string
  /** Where in engops.yaml, when the finding is about the org file. */
  path?: (string | number)[]
}

export interface GateResult {
  id: string
  title: string
  severity: GateSeverity
  status: 'pass' | 'fail' | 'skipped'
  findings: GateFinding[]
  /** Why a gate was skipped. */
  reason?: string
}

export interface GateDefinition {
  id: GateId
  title: string
  severity: GateSeverity
  needsData: boolean
}

export const GATES: GateDefinition[] = [
  {
    id: 'service-owner',
    title: 'Every service has exactly one owning team, with people in it',
    severity: 'error',
    needsData: false,
  },
  {
    id: 'slos-and-runbooks',
    title: 'Services of the SLO tiers have SLOs and a runbook',
    severity: 'error',
    needsData: false,
  },
  {
    id: 'slos-before-ga',
    title: 'SLOs before GA: every production service has an SLO',
    severity: 'warning',
    needsData: false,
  },
  { id: 'wip-bets', title: 'WIP ≤ 2 bets per team', severity: 'error', needsData: false },
  {
    id: 'raci',
    title: 'RACI: exactly one A and at least one R per responsibility',
    severity: 'error',
    needsData: false,
  },
  { id: 'okr-lint', title: 'OKRs free of the seed anti-patterns', severity: 'error', needsData: false },
  {
    id: 'dependency-hygiene',
    title: 'Dependencies have dates, no cycles, none past need-by unescalated',
    severity: 'error',
    needsData: false,
  },
  {
    id: 'postmortems-overdue',
    title: 'Postmortems and their action items are not overdue',
    severity: 'error',
    needsData: true,
  },
  {
    id: 'postmortem-quality',
    title: "Postmortems meet the seed's review checklist",
    severity: 'warning',
    needsData: true,
  },
  {
    id: 'change-freeze',
    title: 'No production deployments inside change-freeze windows',
    severity: 'error',
    needsData: true,
  },
  {
    id: 'error-budget',
    title: 'Error-budget policy: only P0 fixes ship while a budget is exhausted',
    severity: 'error',
    needsData: true,
  },
]

export interface GateData {
  now: number
  incidents: readonly Incident[]
  /** Successful production deployments. */
  deployments: readonly Deployment[]
  /** Per SLO: when its window's budget ran out (null when it has not). */
  exhaustedBudgets: readonly { slo: string; service: string; exhaustedAt: number | null }[]
  /** Names of people, for the no-blame check. */
  people: readonly { id: string; name: string }[]
}

export interface GateInputs {
  raciProblems: readonly RaciProblem[]
  okrFindings: readonly LintFinding[]
  dependencies: DependencyMap
}

const DAY = 86_400_000

/** The seed's Post-Incident Review Quality Checklist, as far as the data can show it. */
export const POSTMORTEM_CHECKLIST = [
  'Timeline is complete and accurate',
  'Root cause (not symptoms) identified',
  'Contributing factors documented',
  'Action items are specific, assigned, and deadlined',
  'No blame assigned to individuals',
  'Detection improvement identified',
  'Recovery improvement identified',
] as const

const DETECTION = /\b(detect|alert|monitor|observab|dashboard|page|alarm|synthetic|probe)/i
const RECOVERY = /\b(recover|rollback|roll back|runbook|failover|restore|mitigat|automat|revert|playbook)/i

/** The checklist items a postmortem misses. */
export function postmortemGaps(incident: Incident, people: GateData['people']): string[] {
  const pm = incident.postmortem
  if (!pm) return [...POSTMORTEM_CHECKLIST]
  const gaps: string[] = []
  const timeline = incident.acknowledgedAt !== null && incident.resolvedAt !== null
  if (!timeline) gaps.push(POSTMORTEM_CHECKLIST[0])
  if (!pm.rootCause?.trim()) gaps.push(POSTMORTEM_CHECKLIST[1])
  if (pm.contributingFactors.length === 0) gaps.push(POSTMORTEM_CHECKLIST[2])
  if (
    pm.actionItems.length === 0 ||
    pm.actionItems.some((a) => !a.owner || !a.due || a.title.trim().length < 8)
  )
    gaps.push(POSTMORTEM_CHECKLIST[3])
  const blameText = [pm.rootCause ?? '', ...pm.contributingFactors].join(' ').toLowerCase()
  if (people.some((p) => p.name.length > 3 && blameText.includes(p.name.toLowerCase())))
    gaps.push(POSTMORTEM_CHECKLIST[4])
  const items = pm.actionItems.map((a) => a.title).join(' \n ')
  if (!DETECTION.test(items)) gaps.push(POSTMORTEM_CHECKLIST[5])
  if (!RECOVERY.test(items)) gaps.push(POSTMORTEM_CHECKLIST[6])
  return gaps
}

const DUE_KEY: Partial<Record<Severity, 'sev1' | 'sev2' | 'sev3'>> = {
  'SEV-1': 'sev1',
  'SEV-2': 'sev2',
  'SEV-3': 'sev3',
}

function settingFor(
  org: Pick<OrgFile, 'policies'>,
  gate: GateDefinition,
): { enabled: boolean; severity: GateSeverity } {
  const given = org.policies.gates[gate.id]
  if (given === undefined) return { enabled: true, severity: gate.severity }
  if (typeof given === 'boolean') return { enabled: given, severity: gate.severity }
  return { enabled: given.enabled, severity: given.severity ?? gate.severity }
}

export function runGates(org: OrgFile, inputs: GateInputs, data: GateData | null): GateResult[] {
  const results: GateResult[] = []
  const zone = org.org.timezone
  for (const gate of GATES) {
    const setting = settingFor(org, gate)
    const base = { id: gate.id, title: gate.title, severity: setting.severity }
    if (!setting.enabled) {
      results.push({ ...base, status: 'skipped', findings: [], reason: 'disabled in policies.gates' })
      continue
    }
    if (gate.needsData && !data) {
      results.push({
        ...base,
        status: 'skipped',
        findings: [],
        reason: 'needs the store (run with ingested data)',
      })
      continue
    }
    const findings = gateFindings(gate.id, org, inputs, data, zone)
    results.push({ ...base, status: findings.length > 0 ? 'fail' : 'pass', findings })
  }
  return results
}

function gateFindings(
  id: string,
  org: OrgFile,
  inputs: GateInputs,
  data: GateData | null,
  zone: string,
): GateFinding[] {
  const findings: GateFinding[] = []
  const serviceIndex = new Map(org.services.map((s, i) => [s.id, i]))
  switch (id) {
    case 'service-owner': {
      const teams = new Map(org.teams.map((t) => [t.id, t]))
      org.services.forEach((service, i) => {
        const team = teams.get(service.owner)
        if (!team || team.members.length === 0)
          findings.push({
            subject: service.id,
            message: `owner ${service.owner} has no people`,
            path: ['services', i, 'owner'],
          })
      })
      break
    }
    case 'slos-and-runbooks': {
      const withSlo = new Set(org.slos.map((s) => s.service))
      org.services.forEach((service, i) => {
        if (!org.policies.sloTiers.includes(service.tier) || service.lifecycle === 'deprecated') return
        if (!withSlo.has(service.id))
          findings.push({
            subject: service.id,
            message: `tier-${service.tier} service without an SLO`,
            path: ['services', i],
          })
        if (!service.runbook)
          findings.push({
            subject: service.id,
            message: `tier-${service.tier} service without a runbook`,
            path: ['services', i],
          })
      })
      break
    }
    case 'slos-before-ga': {
      const withSlo = new Set(org.slos.map((s) => s.service))
      org.services.forEach((service, i) => {
        if (service.lifecycle === 'production' && !withSlo.has(service.id))
          findings.push({
            subject: service.id,
            message: `in production (tier ${service.tier}) without an SLO`,
            path: ['services', i],
          })
      })
      break
    }
    case 'wip-bets':
      for (const [team, bets] of betsPerTeam(org)) {
        if (bets.length > org.policies.maxBetsPerTeam)
          findings.push({
            subject: team,
            message: `${bets.length} active initiatives (${bets.join(', ')}); at most ${org.policies.maxBetsPerTeam}`,
          })
      }
      break
    case 'raci':
      for (const problem of inputs.raciProblems.filter((p) => p.severity === 'error')) {
        findings.push({
          subject: problem.responsibility,
          message: problem.role ? `${problem.role}: ${problem.message}` : problem.message,
          path: ['raci', 'responsibilities', problem.responsibility],
        })
      }
      break
    case 'okr-lint':
      for (const f of inputs.okrFindings)
        findings.push({ subject: f.kr ?? f.okr, message: `${f.rule}: ${f.message}`, path: f.path })
      break
    case 'dependency-hygiene':
      for (const d of inputs.dependencies.dependencies) {
        if (!d.open) continue
        const path = ['dependencies', d.index]
        if (d.opened === null) findings.push({ subject: d.id, message: 'no opened date', path })
        if (d.neededBy === null) findings.push({ subject: d.id, message: 'no needed-by date', path })
        if (d.overdue && d.escalation !== 'escalated')
          findings.push({
            subject: d.id,
            message: `${-(d.daysToNeed ?? 0)} days past its need-by date and not escalated`,
            path,
          })
        if (d.excuse)
          findings.push({
            subject: d.id,
            message: `blocked for ${d.ageDays} days without escalation (dependency as excuse)`,
            path,
          })
      }
      for (const cycle of inputs.dependencies.cycles)
        findings.push({ subject: cycle.join(' ↔ '), message: `dependency cycle between ${cycle.join(', ')}` })
      break
    case 'postmortems-overdue':
      for (const incident of data!.incidents) {
        const key = DUE_KEY[incident.severity]
        if (!key || incident.resolvedAt === null) continue
        const due = incident.resolvedAt + org.policies.postmortemDueDays[key] * DAY
        // As of `now` (also a past `--at`): done later means overdue then.
        if (!postmortemDoneBy(incident, data!.now) && data!.now > due) {
          findings.push({
            subject: incident.id,
            message: `${incident.severity} postmortem ${Math.floor((data!.now - due) / DAY)} days overdue (${
              postmortemDone(incident) && incident.postmortem?.completedAt !== undefined
                ? `completed later, on ${dayKey(incident.postmortem.completedAt, zone)}`
                : (incident.postmortem?.status ?? 'not started')
            })`,
          })
        }
        for (const item of incident.postmortem?.actionItems ?? []) {
          if (actionItemOpenAt(item, data!.now) && item.due < data!.now)
            findings.push({
              subject: incident.id,
              message: `action item "${item.title}" (${item.owner}) ${Math.floor((data!.now - item.due) / DAY)} days overdue`,
            })
        }
      }
      break
    case 'postmortem-quality':
      for (const incident of data!.incidents) {
        if (!postmortemDone(incident)) continue
        const gaps = postmortemGaps(incident, data!.people)
        if (gaps.length > 0) findings.push({ subject: incident.id, message: `missing: ${gaps.join('; ')}` })
      }
      break
    case 'change-freeze': {
      const from = data!.now - org.policies.lookbackDays * DAY
      org.policies.changeFreezes.forEach((freeze, i) => {
        const start = orgDay(freeze.from, zone)!
        // The end date is included whole.
        const end = orgDay(freeze.to, zone)! + DAY
        const services = new Set(freeze.services)
        for (const d of data!.deployments) {
          if (d.finishedAt < from || d.finishedAt < start || d.finishedAt >= end) continue
          if (services.size > 0 && !services.has(d.service)) continue
          if (d.kind === 'hotfix' || d.kind === 'rollback') continue
          findings.push({
            subject: d.id,
            message: `${d.service} deployed ${new Date(d.finishedAt).toISOString()} during "${freeze.name}"`,
            path: ['policies', 'changeFreezes', i],
          })
        }
      })
      break
    }
    case 'error-budget':
      for (const budget of data!.exhaustedBudgets) {
        if (budget.exhaustedAt === null) continue
        const offending = data!.deployments.filter(
          (d) => d.service === budget.service && d.finishedAt >= budget.exhaustedAt! && d.kind === 'regular',
        )
        if (offending.length > 0) {
          findings.push({
            subject: budget.slo,
            message: `${offending.length} non-P0 deployment(s) of ${budget.service} after its budget ran out on ${dayKey(budget.exhaustedAt, zone)} (first: ${offending[0]!.id})`,
            path: serviceIndex.has(budget.service)
              ? ['services', serviceIndex.get(budget.service)!]
              : undefined,
          })
        }
      }
      break
  }
  return findings
}

/**
 * When an SLO's window budget ran out: the first moment the bad events since the window start
 * exceed the budget of the whole window (error budget × events). Null when it has not.
 */
export function budgetExhaustedAt(
  samples: readonly { start: number; end: number; good: number; total: number }[],
  objectivePercent: number,
  window: { from: number; to: number },
): number | null {
  const inWindow = samples
    .filter((s) => s.end > window.from && s.start < window.to)
    .sort((a, b) => a.end - b.end)
  const total = inWindow.reduce((sum, s) => sum + s.total, 0)
  const allowed = (1 - objectivePercent / 100) * total
  let bad = 0
  for (const sample of inWindow) {
    bad += sample.total - sample.good
    if (bad > allowed) return sample.end
  }
  return null
}
