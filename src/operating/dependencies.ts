/**
 * Cross-team dependencies: the seed's dependency matrix (provider, consumer, dependency, type,
 * status, risk) with aging, need-by dates and escalation state; cycles, hub teams and the
 * "dependency as excuse" anti-pattern; a suggested resolution strategy from the seed's table;
 * Mermaid and Graphviz DOT exports.
 */
import { ageInDays, orgDay } from '../metrics/calendar.js'
import type { Dependency, OrgFile } from '../model/org.js'
import { DAY } from '../model/time.js'

/** The seed's "Dependency Resolution Strategies" table. */
export const RESOLUTION_STRATEGIES = {
  'contract-first': 'Contract-first: define the API contract, both teams implement independently',
  'embedded-engineer': 'Embedded engineer: loan an engineer from the providing team',
  'shared-interface': 'Shared interface: agree on the interface, mock until ready',
  'prioritize-differently':
    "Prioritize differently: move the blocking work to the top of the provider's backlog",
  decouple: 'Decouple: feature flags, adapter pattern, event-driven',
  eliminate: 'Eliminate: redesign to remove the dependency entirely',
} as const

export type Strategy = keyof typeof RESOLUTION_STRATEGIES

export type Escalation = 'escalated' | 'escalate-now' | 'watch' | 'none'

export interface DependencyStatus {
  id: string
  index: number
  provider: string
  consumer: string
  what: string
  type: Dependency['type']
  status: Dependency['status']
  risk: Dependency['risk']
  owner: string | null
  open: boolean
  opened: number | null
  neededBy: number | null
  ageDays: number | null
  /** Days until the need-by date; negative when past it. */
  daysToNeed: number | null
  overdue: boolean
  /** Blocked past the threshold with no escalation: "Blocked by Team X" for weeks. */
  excuse: boolean
  escalation: Escalation
  inCycle: boolean
  strategy: Strategy
  strategyText: string
  /** Whether the strategy was written in the org file rather than suggested. */
  strategyGiven: boolean
}

export interface HubTeam {
  team: string
  blocking: number
  consumers: string[]
}

export interface DependencyMap {
  dependencies: DependencyStatus[]
  cycles: string[][]
  hubs: HubTeam[]
  teams: string[]
}

export interface DependencySettings {
  excuseDays: number
  hubThreshold: number
}

const isOpen = (d: Pick<Dependency, 'status'>) => d.status !== 'done'

/**
 * Strongly connected components of the open "consumer waits on provider" graph with more than one
 * team (or a team waiting on itself): each is a cycle nobody can finish first. Tarjan's algorithm.
 */
export function findCycles(edges: readonly { from: string; to: string }[]): string[][] {
  const adjacency = new Map<string, string[]>()
  for (const { from, to } of edges) {
    adjacency.set(from, [...(adjacency.get(from) ?? []), to])
    if (!adjacency.has(to)) adjacency.set(to, [])
  }
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const connect = (node: string) => {
    index.set(node, counter)
    low.set(node, counter)
    counter++
    stack.push(node)
    onStack.add(node)
    for (const next of adjacency.get(node)!) {
      if (!index.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      const selfLoop = component.length === 1 && adjacency.get(node)!.includes(node)
      if (component.length > 1 || selfLoop) cycles.push(component.sort())
    }
  }
  for (const node of [...adjacency.keys()].sort()) if (!index.has(node)) connect(node)
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!))
}

function suggest(
  d: Omit<DependencyStatus, 'strategy' | 'strategyText' | 'strategyGiven'>,
  hubs: Set<string>,
): Strategy {
  if (d.inCycle) return 'eliminate'
  if (d.type === 'soft') return 'decouple'
  if (d.type === 'non-blocking') return 'shared-interface'
  if (hubs.has(d.provider)) return 'embedded-engineer'
  if (d.overdue || d.excuse || d.status === 'blocked') return 'prioritize-differently'
  if (d.status === 'in-progress') return 'shared-interface'
  return 'contract-first'
}

export function analyzeDependencies(
  org: Pick<OrgFile, 'dependencies' | 'teams' | 'org'>,
  now: number,
  settings: DependencySettings,
): DependencyMap {
  const zone = org.org.timezone
  const open = org.dependencies.filter(isOpen)
  const cycles = findCycles(open.map((d) => ({ from: d.consumer, to: d.provider })))
  const cycleEdges = new Set<string>()
  for (const cycle of cycles) {
    const members = new Set(cycle)
    for (const d of open)
      if (members.has(d.consumer) && members.has(d.provider)) cycleEdges.add(`${d.consumer}\0${d.provider}`)
  }
  const blockingByProvider = new Map<string, Set<string>>()
  const blockingCount = new Map<string, number>()
  for (const d of open) {
    if (d.type !== 'blocking') continue
    blockingByProvider.set(d.provider, (blockingByProvider.get(d.provider) ?? new Set()).add(d.consumer))
    blockingCount.set(d.provider, (blockingCount.get(d.provider) ?? 0) + 1)
  }
  const hubs: HubTeam[] = [...blockingByProvider]
    .filter(([, consumers]) => consumers.size >= settings.hubThreshold)
    .map(([team, consumers]) => ({
      team,
      blocking: blockingCount.get(team)!,
      consumers: [...consumers].sort(),
    }))
    .sort((a, b) => b.blocking - a.blocking || a.team.localeCompare(b.team))
  const hubIds = new Set(hubs.map((h) => h.team))

  const dependencies = org.dependencies.map((d, index): DependencyStatus => {
    const opened = orgDay(d.opened, zone)
    const neededBy = orgDay(d.neededBy, zone)
    const live = isOpen(d)
    const ageDays = opened === null ? null : ageInDays(opened, now, zone)
    const daysToNeed = neededBy === null ? null : Math.floor((neededBy - now) / DAY)
    const overdue = live && neededBy !== null && now >= neededBy
    const blockedLong =
      live &&
      d.type === 'blocking' &&
      d.status === 'blocked' &&
      ageDays !== null &&
      ageDays >= settings.excuseDays
    const excuse = blockedLong && !d.escalated
    let escalation: Escalation = 'none'
    if (live && d.escalated) escalation = 'escalated'
    else if (live && (overdue || excuse)) escalation = 'escalate-now'
    else if (
      live &&
      d.type === 'blocking' &&
      (d.risk === 'high' || (daysToNeed !== null && daysToNeed <= 14))
    )
      escalation = 'watch'
    const base = {
      id: d.id ?? `${d.provider}->${d.consumer}#${index + 1}`,
      index,
      provider: d.provider,
      consumer: d.consumer,
      what: d.what,
      type: d.type,
      status: d.status,
      risk: d.risk,
      owner: d.owner ?? null,
      open: live,
      opened,
      neededBy,
      ageDays,
      daysToNeed,
      overdue,
      excuse,
      escalation,
      inCycle: live && cycleEdges.has(`${d.consumer}\0${d.provider}`),
    }
    const given = d.strategy && d.strategy in RESOLUTION_STRATEGIES ? (d.strategy as Strategy) : null
    const strategy = given ?? suggest(base, hubIds)
    return {
      ...base,
      strategy,
      strategyText: d.strategy && !given ? d.strategy : RESOLUTION_STRATEGIES[strategy],
      strategyGiven: Boolean(d.strategy),
    }
  })
  const teams = [...new Set(org.dependencies.flatMap((d) => [d.provider, d.consumer]))].sort()
  return { dependencies, cycles, hubs, teams }
}

const teamName = (org: Pick<OrgFile, 'teams'>, id: string) => org.teams.find((t) => t.id === id)?.name ?? id

/** Mermaid flowchart: provider → consumer, labelled with the dependency; high risk and overdue stand out. */
export function dependenciesMermaid(map: DependencyMap, org: Pick<OrgFile, 'teams'>): string {
  const node = (id: string) => `t_${id.replace(/[^A-Za-z0-9_]/g, '_')}`
  const text = (s: string) => s.replace(/["<>]/g, '').replace(/\|/g, '/')
  const lines = ['graph LR']
  for (const team of map.teams) lines.push(`  ${node(team)}["${text(teamName(org, team))}"]`)
  const hot: number[] = []
  map.dependencies
    .filter((d) => d.open)
    .forEach((d, i) => {
      const arrow = d.type === 'blocking' ? '==>' : d.type === 'soft' ? '-.->' : '-->'
      const flag = d.overdue ? ' ⚠ overdue' : d.risk === 'high' ? ' ← HIGH RISK' : ''
      lines.push(`  ${node(d.provider)} ${arrow}|"${text(d.what)}${flag}"| ${node(d.consumer)}`)
      if (d.overdue || d.risk === 'high' || d.inCycle) hot.push(i)
    })
  for (const hub of map.hubs) lines.push(`  style ${node(hub.team)} stroke:#d33,stroke-width:3px`)
  if (hot.length > 0) lines.push(`  linkStyle ${hot.join(',')} stroke:#d33,stroke-width:2px`)
  return `${lines.join('\n')}\n`
}

/** Graphviz DOT of the same graph. */
export function dependenciesDot(map: DependencyMap, org: Pick<OrgFile, 'teams'>): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [shape=box, style=rounded];']
  const hubs = new Set(map.hubs.map((h) => h.team))
  for (const team of map.teams) {
    const style = hubs.has(team) ? ', color=red, penwidth=2' : ''
    lines.push(`  ${quote(team)} [label=${quote(teamName(org, team))}${style}];`)
  }
  for (const d of map.dependencies.filter((dep) => dep.open)) {
    const style = d.type === 'blocking' ? 'bold' : d.type === 'soft' ? 'dotted' : 'solid'
    const colour =
      d.overdue || d.inCycle || d.risk === 'high' ? 'red' : d.risk === 'medium' ? 'orange' : 'gray40'
    lines.push(
      `  ${quote(d.provider)} -> ${quote(d.consumer)} [label=${quote(`${d.what} (${d.status}, ${d.risk})`)}, style=${style}, color=${colour}];`,
    )
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
