/**
 * Team topology and the career ladder, checked against data.
 *
 * - Team sizes against the range of their type (the VP seed's Team Types table), cognitive load
 *   (intrinsic + extraneous out of 10; 9 is at capacity), interaction modes past their expected
 *   duration (collaboration and facilitating are temporary: a quarter unless the org file says).
 * - The seed's org-design anti-patterns, each from evidence: Conway's law violations (a system
 *   owned by several teams; a service changed mostly by another team), shared-service bottleneck
 *   (a hub team), matrix management (a person in several teams or outside their team), hero
 *   culture (one person authors most changes of a service or leads most of its incidents), too
 *   many meetings (when meeting data exists).
 * - The managing ladder of `002_…`: a team lead writes code ~80 % of the time, an engineering
 *   manager 20–80 %, a director under 20 %; compared with their share of commits.
 */
import type { OrgFile, Team } from '../model/org.js'
import { meetingHoursPerPersonWeek } from './audits.js'
import type { HubTeam } from './dependencies.js'

export const TEAM_SIZE: Record<Team['type'], { min: number; max: number; label: string }> = {
  'stream-aligned': { min: 5, max: 8, label: 'Stream-aligned' },
  platform: { min: 3, max: 6, label: 'Platform' },
  enabling: { min: 2, max: 3, label: 'Enabling' },
  'complicated-subsystem': { min: 2, max: 4, label: 'Complicated subsystem' },
}

/** Interactions the seed calls temporary, and how long they are expected to last by default. */
const TEMPORARY_DAYS: Record<string, number | null> = {
  collaboration: 90,
  facilitating: 90,
  'x-as-a-service': null,
}

export interface TopologyEvidence {
  now: number
  /** Changes (non-merge commits) per service and person in the look-back window. */
  changesByService: ReadonlyMap<string, ReadonlyMap<string, number>>
  /** Changes per person in the same window (all repositories). */
  changesByPerson: ReadonlyMap<string, number>
  /** Incidents per service and the person who led them (commander or tech lead). */
  incidentLeadsByService: ReadonlyMap<string, ReadonlyMap<string, number>>
  hubs: readonly HubTeam[]
  /** Open dependencies between pairs of teams (either direction), for Conway checks. */
  dependencyPairs: ReadonlyMap<string, number>
  dates: { since: (value: string | Date) => number }
  windowDays: number
}

export interface TeamShape {
  id: string
  name: string
  type: Team['type']
  size: number
  range: { min: number; max: number }
  sizeStatus: 'ok' | 'under' | 'over'
  cognitiveLoad: {
    intrinsic: number
    extraneous: number
    total: number
    status: 'ok' | 'at-capacity' | 'over'
  } | null
  services: string[]
  interactions: {
    team: string
    mode: string
    days: number
    expectedDays: number | null
    overdue: boolean
  }[]
}

export type AntiPatternKind =
  | 'conway-violation'
  | 'shared-service-bottleneck'
  | 'matrix-management'
  | 'hero-culture'
  | 'too-many-meetings'
  | 'team-size'
  | 'cognitive-load'
  | 'interaction-overdue'

export interface AntiPattern {
  kind: AntiPatternKind
  subject: string
  evidence: string
  fix: string
}

/** The seed's Org Design Anti-Patterns table (and the team-design rules beside it). */
export const ANTI_PATTERN_FIX: Record<AntiPatternKind, string> = {
  'conway-violation': 'Align teams to the desired architecture',
  'shared-service-bottleneck': 'Split into platform + self-service',
  'matrix-management': 'Single reporting line per IC',
  'hero-culture': 'Document, pair, rotate on-call',
  'too-many-meetings': 'Reduce interaction surface, use async',
  'team-size': 'Resize to the range of the team type (split or merge teams)',
  'cognitive-load': 'Reduce the load: hand a domain or a tool to a platform or enabling team',
  'interaction-overdue': 'End the temporary interaction or turn it into X-as-a-Service',
}

export interface LadderEntry {
  person: string
  name: string
  role: string
  level: 'team-lead' | 'engineering-manager' | 'director' | 'executive'
  directReports: number
  expected: { min: number; max: number }
  /** Their changes as a share of a typical engineer's on their team (capped at 1). */
  contribution: number | null
  changes: number
  status: 'ok' | 'above' | 'below' | 'no-data'
}

export interface Topology {
  teams: TeamShape[]
  antiPatterns: AntiPattern[]
  ladder: LadderEntry[]
  /** Hours per person per week in recurring meetings; null without meeting data. */
  meetingHoursPerWeek: number | null
}

export interface TopologySettings {
  /** More than this share of a service's changes (or incidents) by one person makes a hero. */
  heroShare: number
  /** Fewest changes (or incidents) before the hero rule applies. */
  heroMinimum: number
  /** Meeting hours per person per week above which meetings overload the team. */
  meetingHoursLimit: number
}

export const DEFAULT_TOPOLOGY_SETTINGS: TopologySettings = {
  heroShare: 0.5,
  heroMinimum: 20,
  meetingHoursLimit: 10,
}

const LADDER: Record<string, { level: LadderEntry['level']; min: number; max: number }> = {
  'tech-lead': { level: 'team-lead', min: 0.6, max: 1 },
  'team-lead': { level: 'team-lead', min: 0.6, max: 1 },
  'engineering-manager': { level: 'engineering-manager', min: 0.2, max: 0.8 },
  director: { level: 'director', min: 0, max: 0.2 },
  'head-of-engineering': { level: 'executive', min: 0, max: 0.2 },
  'vp-engineering': { level: 'executive', min: 0, max: 0.2 },
  cto: { level: 'executive', min: 0, max: 0.2 },
}

function teamShapes(org: Pick<OrgFile, 'teams' | 'services'>, evidence: TopologyEvidence): TeamShape[] {
  return org.teams.map((team) => {
    const range = TEAM_SIZE[team.type]
    const size = team.members.length
    const load = team.cognitiveLoad
    const total = load ? load.intrinsic + load.extraneous : 0
    return {
      id: team.id,
      name: team.name,
      type: team.type,
      size,
      range: { min: range.min, max: range.max },
      sizeStatus: size < range.min ? 'under' : size > range.max ? 'over' : 'ok',
      cognitiveLoad: load
        ? { ...load, total, status: total >= 10 ? 'over' : total >= 9 ? 'at-capacity' : 'ok' }
        : null,
      services: org.services.filter((s) => s.owner === team.id).map((s) => s.id),
      interactions: team.interactions
        .filter((i) => i.until === undefined || evidence.dates.since(i.until) > evidence.now)
        .map((i) => {
          const days = Math.max(0, Math.floor((evidence.now - evidence.dates.since(i.since)) / 86_400_000))
          const expectedDays = i.expectedDays ?? TEMPORARY_DAYS[i.mode] ?? null
          return {
            team: i.team,
            mode: i.mode,
            days,
            expectedDays,
            overdue: expectedDays !== null && days > expectedDays,
          }
        }),
    }
  })
}

function top(
  counts: ReadonlyMap<string, number> | undefined,
): { person: string; n: number; total: number } | null {
  if (!counts || counts.size === 0) return null
  let person = ''
  let n = 0
  let total = 0
  for (const [who, count] of counts) {
    total += count
    if (count > n || (count === n && who < person)) {
      person = who
      n = count
    }
  }
  return { person, n, total }
}

export function analyzeTopology(
  org: Pick<OrgFile, 'teams' | 'services' | 'people' | 'meetings' | 'org'>,
  evidence: TopologyEvidence,
  settings: TopologySettings = DEFAULT_TOPOLOGY_SETTINGS,
): Topology {
  const teams = teamShapes(org, evidence)
  const antiPatterns: AntiPattern[] = []
  const add = (kind: AntiPatternKind, subject: string, text: string) =>
    antiPatterns.push({ kind, subject, evidence: text, fix: ANTI_PATTERN_FIX[kind] })
  const personName = new Map(org.people.map((p) => [p.id, p.name]))
  const personTeam = new Map<string, string[]>()
  for (const team of org.teams)
    for (const m of team.members) personTeam.set(m, [...(personTeam.get(m) ?? []), team.id])

  for (const shape of teams) {
    if (shape.sizeStatus !== 'ok') {
      add(
        'team-size',
        shape.id,
        `${shape.name} has ${shape.size} people; a ${TEAM_SIZE[shape.type].label.toLowerCase()} team has ${shape.range.min}–${shape.range.max}`,
      )
    }
    if (shape.cognitiveLoad && shape.cognitiveLoad.status !== 'ok') {
      add(
        'cognitive-load',
        shape.id,
        `${shape.name}: intrinsic ${shape.cognitiveLoad.intrinsic}/10 + extraneous ${shape.cognitiveLoad.extraneous}/10 = ${shape.cognitiveLoad.total}/10 (${shape.cognitiveLoad.status})`,
      )
    }
    for (const i of shape.interactions.filter((x) => x.overdue)) {
      add(
        'interaction-overdue',
        shape.id,
        `${shape.name} ↔ ${i.team}: ${i.mode} for ${i.days} days (expected ${i.expectedDays})`,
      )
    }
  }

  // Conway: a system owned by several teams; a service changed mostly by people of other teams.
  const systems = new Map<string, Set<string>>()
  for (const s of org.services)
    if (s.system) systems.set(s.system, (systems.get(s.system) ?? new Set()).add(s.owner))
  for (const [system, owners] of systems) {
    if (owners.size > 1)
      add(
        'conway-violation',
        system,
        `system "${system}" is split across ${owners.size} teams (${[...owners].sort().join(', ')})`,
      )
  }
  for (const service of org.services) {
    const counts = evidence.changesByService.get(service.id)
    if (!counts) continue
    let total = 0
    let outside = 0
    for (const [person, n] of counts) {
      total += n
      const teamsOf = personTeam.get(person)
      if (teamsOf && !teamsOf.includes(service.owner)) outside += n
    }
    if (total >= settings.heroMinimum && outside / total > 0.5) {
      add(
        'conway-violation',
        service.id,
        `${Math.round((100 * outside) / total)}% of ${service.id}'s ${total} changes come from outside its owner ${service.owner}`,
      )
    }
  }
  for (const [pair, n] of evidence.dependencyPairs) {
    if (n >= 3) add('conway-violation', pair, `${n} open dependencies between ${pair.replace('\0', ' and ')}`)
  }
  for (const hub of evidence.hubs) {
    add(
      'shared-service-bottleneck',
      hub.team,
      `${hub.blocking} open blocking dependencies on ${hub.team} from ${hub.consumers.join(', ')}`,
    )
  }
  for (const [person, teamIds] of personTeam) {
    const home = org.people.find((p) => p.id === person)?.team
    if (teamIds.length > 1) {
      add(
        'matrix-management',
        person,
        `${personName.get(person) ?? person} is a member of ${teamIds.join(' and ')}`,
      )
    } else if (home && !teamIds.includes(home)) {
      add(
        'matrix-management',
        person,
        `${personName.get(person) ?? person} belongs to ${home} but sits in ${teamIds[0]}`,
      )
    }
  }
  for (const service of org.services) {
    const changes = top(evidence.changesByService.get(service.id))
    if (changes && changes.total >= settings.heroMinimum && changes.n / changes.total > settings.heroShare) {
      add(
        'hero-culture',
        service.id,
        `${personName.get(changes.person) ?? changes.person} authored ${Math.round((100 * changes.n) / changes.total)}% of ${service.id}'s ${changes.total} changes in ${evidence.windowDays} days`,
      )
    }
    const incidents = top(evidence.incidentLeadsByService.get(service.id))
    const minimumIncidents = Math.max(8, Math.round(settings.heroMinimum / 2))
    if (
      incidents &&
      incidents.total >= minimumIncidents &&
      incidents.n / incidents.total > settings.heroShare
    ) {
      add(
        'hero-culture',
        service.id,
        `${personName.get(incidents.person) ?? incidents.person} led ${incidents.n} of ${service.id}'s ${incidents.total} incidents in ${evidence.windowDays} days`,
      )
    }
  }
  const meetingHours = meetingHoursPerPersonWeek(org.meetings, org)
  if (meetingHours !== null && meetingHours > settings.meetingHoursLimit) {
    add(
      'too-many-meetings',
      org.org.name,
      `${meetingHours.toFixed(1)} h of recurring meetings per person per week (limit ${settings.meetingHoursLimit} h)`,
    )
  }

  return { teams, antiPatterns, ladder: ladder(org, evidence), meetingHoursPerWeek: meetingHours }
}

function ladder(org: Pick<OrgFile, 'teams' | 'people'>, evidence: TopologyEvidence): LadderEntry[] {
  const reports = new Map<string, number>()
  for (const p of org.people) if (p.manager) reports.set(p.manager, (reports.get(p.manager) ?? 0) + 1)
  const entries: LadderEntry[] = []
  const orgEngineers = org.people
    .filter((p) => p.role === 'engineer' || p.role === 'software-engineer')
    .map((p) => evidence.changesByPerson.get(p.id) ?? 0)
    .sort((a, b) => a - b)
  for (const person of org.people) {
    const rung = person.role ? LADDER[person.role] : undefined
    if (!rung) continue
    const team = org.teams.find((t) => t.id === person.team || t.members.includes(person.id))
    const peers = (team?.members ?? [])
      .filter((m) => m !== person.id)
      .filter((m) => {
        const role = org.people.find((p) => p.id === m)?.role
        return role === undefined || role === 'engineer' || role === 'software-engineer'
      })
      .map((m) => evidence.changesByPerson.get(m) ?? 0)
      .sort((a, b) => a - b)
    // A typical engineer of their team; without a team (executives), of the whole organization.
    const pool = peers.length > 0 ? peers : orgEngineers
    const typical = pool.length > 0 ? pool[Math.floor((pool.length - 1) / 2)]! : 0
    const changes = evidence.changesByPerson.get(person.id) ?? 0
    const contribution = typical > 0 ? Math.min(1, changes / typical) : null
    const status =
      contribution === null
        ? 'no-data'
        : contribution < rung.min
          ? 'below'
          : contribution > rung.max
            ? 'above'
            : 'ok'
    entries.push({
      person: person.id,
      name: person.name,
      role: person.role!,
      level: rung.level,
      directReports: reports.get(person.id) ?? 0,
      expected: { min: rung.min, max: rung.max },
      contribution,
      changes,
      status,
    })
  }
  return entries
}

/** The seed's org design template as a Mermaid map: teams grouped by type, interactions as edges. */
export function topologyMermaid(org: Pick<OrgFile, 'teams' | 'services'>, topology: Topology): string {
  const node = (id: string) => `t_${id.replace(/[^A-Za-z0-9_]/g, '_')}`
  const text = (s: string) => s.replace(/["<>]/g, '')
  const lines = ['graph TD']
  for (const [type, { label }] of Object.entries(TEAM_SIZE)) {
    const members = topology.teams.filter((t) => t.type === type)
    if (members.length === 0) continue
    lines.push(`  subgraph ${type.replace(/-/g, '_')}["${label} teams"]`)
    for (const team of members) {
      const owns = team.services.length > 0 ? `<br/>Owns: ${team.services.map(text).join(', ')}` : ''
      lines.push(`    ${node(team.id)}["Team ${text(team.name)} (${team.size} people)${owns}"]`)
    }
    lines.push('  end')
  }
  for (const team of org.teams) {
    for (const i of team.interactions) {
      lines.push(`  ${node(team.id)} -->|${i.mode}| ${node(i.team)}`)
    }
  }
  return `${lines.join('\n')}\n`
}
