/**
 * Loads `engops.yaml`: YAML → zod validation → reference resolution. Every problem is reported
 * with its file, line and path, and a dangling reference is an error, not a warning.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { isNode, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { CONNECTORS, connectorOf } from '../connectors/registry.js'
import { KPI_BY_ID } from '../metrics/kpi-catalog.js'
import { EngopsError, type ErrorDetail, formatPath } from '../model/errors.js'
import { ALERT_KINDS, type OrgFile, orgFileSchema, withMembership } from '../model/org.js'
import { withLiveCatalog } from './live-catalog.js'

export const CONFIG_FILE_NAME = 'engops.yaml'

export interface LoadedConfig {
  file: string
  org: OrgFile
  /** The line of a path in the file (or of its nearest existing parent), for findings. */
  lineOf: (path: readonly (string | number)[]) => number | undefined
}

type Path = (string | number)[]

export function loadConfigFile(file: string): LoadedConfig {
  const absolute = resolve(file)
  if (!existsSync(absolute)) {
    throw new EngopsError(
      'CONFIG_NOT_FOUND',
      `${file}: no such file (run "engops init" to write a starter file)`,
    )
  }
  return parseConfig(readFileSync(absolute, 'utf8'), absolute)
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: true })
  if (doc.errors.length > 0) {
    throw new EngopsError(
      'CONFIG_INVALID',
      `${file}: not valid YAML`,
      doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0]?.line,
        message: error.message.split('\n')[0] ?? error.message,
      })),
    )
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // Walk up to the nearest node that exists (a missing key is reported at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true)
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line
    }
    return undefined
  }
  const { raw, placeOf } = withLiveCatalog(doc.toJS() ?? {}, file, lineOf(['catalog', 'backstage']))
  // An entry the catalog added is named by the catalog and its entity, not by a line of this file.
  const place = (detail: ErrorDetail, path: Path): ErrorDetail => {
    const from = placeOf(path)
    if (!from) return detail
    const field = formatPath(path.slice(2))
    return {
      file: from.file,
      path: from.entity,
      message: field ? `${field}: ${detail.message}` : detail.message,
    }
  }
  const parsed = orgFileSchema.safeParse(raw)
  if (!parsed.success) {
    throw invalid(
      file,
      parsed.error.issues.map((issue) => place(issueDetail(issue, file, lineOf), pathOf(issue))),
    )
  }
  const problems = [...checkReferences(parsed.data), ...checkSources(parsed.data)].map(({ path, message }) =>
    place({ file, line: lineOf(path), path: formatPath(path), message }, path),
  )
  if (problems.length > 0) throw invalid(file, problems)
  return { file, org: withMembership(parsed.data), lineOf }
}

function invalid(file: string, details: ErrorDetail[]): EngopsError {
  const noun = details.length === 1 ? 'problem' : 'problems'
  return new EngopsError('CONFIG_INVALID', `${file}: ${details.length} ${noun}`, details)
}

const pathOf = (issue: z.core.$ZodIssue): Path =>
  issue.path.filter((key): key is string | number => typeof key !== 'symbol')

function issueDetail(
  issue: z.core.$ZodIssue,
  file: string,
  lineOf: (path: Path) => number | undefined,
): ErrorDetail {
  const path = pathOf(issue)
  if (issue.code === 'unrecognized_keys') {
    return {
      file,
      line: lineOf([...path, issue.keys[0] ?? '']),
      path: formatPath(path),
      message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    }
  }
  return { file, line: lineOf(path), path: formatPath(path), message: issue.message }
}

interface ReferenceProblem {
  path: Path
  message: string
}

/** Each source names a connector that syncs, with options its schema accepts. */
function checkSources(org: OrgFile): ReferenceProblem[] {
  const problems: ReferenceProblem[] = []
  const ids = new Set<string>()
  const kinds = CONNECTORS.filter((c) => c.read).map((c) => c.kind)
  org.sources.forEach((source, i) => {
    if (ids.has(source.id))
      problems.push({ path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` })
    ids.add(source.id)
    const connector = connectorOf(source.kind)
    if (!connector?.read || !connector.options) {
      problems.push({
        path: ['sources', i, 'kind'],
        message: `no connector syncs "${source.kind}" (kinds: ${kinds.join(', ')})`,
      })
      return
    }
    const { id: _id, kind: _kind, ...options } = source
    const parsed = connector.options.safeParse(options)
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
            : issue.message
        problems.push({ path: ['sources', i, ...path], message })
      }
  })
  return problems
}

/** Alert rules: a rule of its own names its kind; destinations, scopes and KPIs resolve. */
function checkAlerts(
  org: OrgFile,
  known: { teams: Set<string>; services: Set<string>; destinations: Set<string> },
): ReferenceProblem[] {
  if (org.alerts === undefined || org.alerts === 'default') return []
  const problems: ReferenceProblem[] = []
  // Each default rule is named by its kind.
  const defaults = new Set<string>(ALERT_KINDS)
  const unknown = (set: Set<string>, noun: string, value: string | undefined, path: Path) => {
    if (value !== undefined && !set.has(value)) problems.push({ path, message: `unknown ${noun} "${value}"` })
  }
  org.alerts.to?.forEach((d, j) => {
    unknown(known.destinations, 'destination', d, ['alerts', 'to', j])
  })
  org.alerts.rules.forEach((rule, i) => {
    const path: Path = ['alerts', 'rules', i]
    if (!defaults.has(rule.id) && rule.kind === undefined)
      problems.push({
        path: [...path, 'kind'],
        message: `rule "${rule.id}" is no default rule (${[...defaults].join(', ')}): give its kind`,
      })
    rule.to?.forEach((d, j) => {
      unknown(known.destinations, 'destination', d, [...path, 'to', j])
    })
    if (rule.scope !== undefined && rule.scope !== 'org') {
      unknown(known.teams, 'team', rule.scope.team, [...path, 'scope', 'team'])
      unknown(known.services, 'service', rule.scope.service, [...path, 'scope', 'service'])
    }
    rule.kpis?.forEach((kpi, j) => {
      if (!KPI_BY_ID.has(kpi))
        problems.push({ path: [...path, 'kpis', j], message: `unknown KPI "${kpi}" (see "engops kpis")` })
    })
  })
  return problems
}

/** Unique ids and resolvable references across sections. */
export function checkReferences(org: OrgFile): ReferenceProblem[] {
  const problems: ReferenceProblem[] = []
  const index = <T extends { id?: string | undefined }>(section: string, items: T[], noun: string) => {
    const ids = new Set<string>()
    items.forEach((item, i) => {
      if (item.id === undefined) return
      if (ids.has(item.id))
        problems.push({ path: [section, i, 'id'], message: `duplicate ${noun} id "${item.id}"` })
      ids.add(item.id)
    })
    return ids
  }
  const people = index('people', org.people, 'person')
  const teams = index('teams', org.teams, 'team')
  const services = index('services', org.services, 'service')
  index('slos', org.slos, 'SLO')
  const okrs = index('okrs', org.okrs, 'OKR')
  index('initiatives', org.initiatives, 'initiative')

  const expect = (known: Set<string>, noun: string, value: string | undefined, path: Path) => {
    if (value !== undefined && !known.has(value))
      problems.push({ path, message: `unknown ${noun} "${value}"` })
  }
  org.people.forEach((person, i) => {
    expect(teams, 'team', person.team, ['people', i, 'team'])
    expect(people, 'person', person.manager, ['people', i, 'manager'])
  })
  org.teams.forEach((team, i) => {
    team.members.forEach((member, j) => {
      expect(people, 'person', member, ['teams', i, 'members', j])
    })
    expect(teams, 'team', team.parent, ['teams', i, 'parent'])
    team.interactions.forEach((interaction, j) => {
      expect(teams, 'team', interaction.team, ['teams', i, 'interactions', j, 'team'])
    })
  })
  org.services.forEach((service, i) => {
    expect(teams, 'team', service.owner, ['services', i, 'owner'])
    service.onCallPeople.forEach((person, j) => {
      expect(people, 'person', person, ['services', i, 'onCallPeople', j])
    })
  })
  org.slos.forEach((slo, i) => {
    expect(services, 'service', slo.service, ['slos', i, 'service'])
  })
  org.dependencies.forEach((dependency, i) => {
    expect(teams, 'team', dependency.provider, ['dependencies', i, 'provider'])
    expect(teams, 'team', dependency.consumer, ['dependencies', i, 'consumer'])
  })
  const owners = new Set([...teams, ...people, org.org.name])
  org.okrs.forEach((okr, i) => {
    expect(okrs, 'OKR', okr.parent, ['okrs', i, 'parent'])
    expect(owners, 'owner (team or person)', okr.owner, ['okrs', i, 'owner'])
  })
  for (const id of Object.keys(org.targets)) {
    if (!KPI_BY_ID.has(id))
      problems.push({ path: ['targets', id], message: `unknown KPI "${id}" (see "engops kpis")` })
  }
  org.initiatives.forEach((initiative, i) => {
    initiative.okrs.forEach((okr, j) => {
      expect(okrs, 'OKR', okr, ['initiatives', i, 'okrs', j])
    })
  })
  const destinations = index('destinations', org.destinations, 'destination')
  index('schedules', org.schedules, 'schedule')
  org.schedules.forEach((schedule, i) => {
    schedule.to.forEach((destination, j) => {
      expect(destinations, 'destination', destination, ['schedules', i, 'to', j])
    })
    expect(teams, 'team', schedule.team, ['schedules', i, 'team'])
    if (schedule.report === 'team' && schedule.team === undefined)
      problems.push({ path: ['schedules', i, 'team'], message: 'the team report needs a team' })
    if (schedule.report === 'scorecard' && schedule.role === undefined)
      problems.push({ path: ['schedules', i, 'role'], message: 'the scorecard report needs a role' })
  })
  problems.push(...checkAlerts(org, { teams, services, destinations }))
  return problems
}
