/**
 * `engops doctor`: the whole setup checked at once, each finding with what to do. The checks are
 * the stumbles of a first hour with real data: repositories no service lists (their commits count
 * for nothing), services without data, deployments whose commit is in none of their service's
 * repositories, a release counted twice (as a tag and as a deployment event), identities that map
 * to no person, sources never read, metric families with no data and what would feed them, and
 * the policy gates of `engops check`. Healthy means no warning and no failure; families without
 * data are information (not every organization sends surveys).
 */
import { connectorOf } from '../connectors/registry.js'
import { serviceRepositories } from '../model/org.js'
import type { Engine } from './engine.js'
import { METRIC_FAMILIES, type MetricFamily } from './families.js'
import { gates } from './operating.js'

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'info'

export interface DoctorFinding {
  check: string
  status: DoctorStatus
  message: string
  /** What to do about it. */
  fix?: string
}

export interface DoctorReport {
  healthy: boolean
  findings: DoctorFinding[]
}

/** The event types each metric family is computed from, and where they come from. */
const FEEDS: Record<MetricFamily | 'dora', { events: string[]; from: string }> = {
  dora: {
    events: ['deployment', 'commit'],
    from: 'engops ingest git, and deployments from github / gitlab / cdevents, or ingest tags',
  },
  flow: { events: ['work_item'], from: 'a jira source, or work_item events' },
  reviews: { events: ['pull_request'], from: 'a github or gitlab source' },
  delivery: { events: ['sprint'], from: 'a jira source with boards, or sprint events' },
  quality: { events: ['work_item'], from: 'a jira source (bugs), or work_item events' },
  reliability: {
    events: ['incident'],
    from: 'a pagerduty, opsgenie or statuspage source, or incident events',
  },
  slo: { events: ['sli'], from: 'sli events (good and total per window)' },
  release: { events: ['deployment'], from: 'deployments from github / gitlab / cdevents, or ingest tags' },
  capacity: { events: ['work_item'], from: 'a jira source with investment mapping, or work_item events' },
  platform: { events: ['work_item'], from: 'work_item events with requestedBy, and services with pavedRoad' },
  security: { events: ['vulnerability'], from: 'vulnerability events' },
  'team-health': {
    events: ['person_event', 'survey_response'],
    from: 'person_event and survey_response events (an HR export)',
  },
  hiring: { events: ['requisition'], from: 'requisition events (an ATS export)' },
  cost: { events: ['cost', 'business'], from: 'cost and business events (a finance export)' },
  dx: { events: ['pipeline_run'], from: 'a github or gitlab source (CI runs), or pipeline_run events' },
}

/** Kinds whose reads keep a cursor: a source of these with none was never read. */
const hasCursor = (kind: string) =>
  ['git', 'github', 'gitlab', 'jira', 'pagerduty', 'opsgenie'].includes(kind)

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole)
const percent = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`

export async function doctor(engine: Engine, now: number): Promise<DoctorReport> {
  const findings: DoctorFinding[] = []
  await engine.derivedFacts()
  findings.push(...(await repositories(engine)))
  findings.push(...(await deployments(engine)))
  findings.push(...(await identities(engine)))
  findings.push(...(await sources(engine)))
  findings.push(...(await families(engine)))
  findings.push(...(await rituals(engine)))
  for (const gate of await gates(engine, now))
    if (gate.status === 'fail')
      findings.push({
        check: 'gates',
        status: gate.severity === 'error' ? 'fail' : 'warn',
        message: `${gate.title}: ${gate.findings.map((f) => `${f.subject}: ${f.message}`).join('; ')}`,
        fix: 'engops check lists where each finding is',
      })
  if (!findings.some((f) => f.check === 'gates'))
    findings.push({ check: 'gates', status: 'ok', message: 'every policy gate of engops check passes' })
  return { healthy: !findings.some((f) => f.status === 'warn' || f.status === 'fail'), findings }
}

async function repositories(engine: Engine): Promise<DoctorFinding[]> {
  const commits = await engine.store.commitsByRepo()
  const deploys = await engine.store.deploymentsByService()
  const listed = new Set(engine.org.services.flatMap((s) => serviceRepositories(s).map((r) => r.name)))
  const findings: DoctorFinding[] = []
  const orphans = [...commits.keys()].filter((repo) => !listed.has(repo)).sort()
  if (orphans.length > 0)
    findings.push({
      check: 'repositories',
      status: 'warn',
      message: `repositories no service lists (their commits count for no service): ${orphans.map((r) => `${r} (${commits.get(r)} commits)`).join(', ')}`,
      fix: `add them to a service's repositories, or ingest them again with --repo NAME under the name a service lists (${[...listed].sort().join(', ') || 'none yet'})`,
    })
  const empty = engine.org.services.filter(
    (s) => !serviceRepositories(s).some((r) => commits.has(r.name)) && !deploys.has(s.id),
  )
  if (empty.length > 0)
    findings.push({
      check: 'services',
      status: 'warn',
      message: `services with no commits and no deployments: ${empty.map((s) => s.id).join(', ')}`,
      fix: 'engops ingest git <clone> (named as the service lists it), and its deployments (a source, or engops ingest tags)',
    })
  if (findings.length === 0 && commits.size > 0)
    findings.push({
      check: 'repositories',
      status: 'ok',
      message: `${count(commits.size, 'repository', 'repositories')}, each listed by a service`,
    })
  return findings
}

async function deployments(engine: Engine): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = []
  const outside = await engine.store.deploymentsOutsideTheirRepositories()
  if (outside.length > 0) {
    const elsewhere = [...new Set(outside.flatMap((d) => (d.foundIn ? [`${d.service} → ${d.foundIn}`] : [])))]
    findings.push({
      check: 'deployments',
      status: 'warn',
      message: `${count(outside.length, 'deployment')} whose commit is in none of their service's repositories${elsewhere.length ? ` (found in another repository: ${elsewhere.join(', ')})` : ' (in no ingested repository)'}`,
      fix: elsewhere.length
        ? "add that repository to the service's repositories, or ingest it under the name the service lists"
        : "engops ingest git the service's repository (its lead time needs the commits)",
    })
  }
  const twice = await engine.store.releasesCountedTwice()
  if (twice.length > 0)
    findings.push({
      check: 'deployments',
      status: 'warn',
      message: `${count(twice.length, 'release')} counted twice, as a tag and as a deployment event (${[...new Set(twice.map((t) => t.service))].join(', ')})`,
      fix: 'use either release tags (releaseTags / ingest tags) or deployment events for a service, not both',
    })
  if (findings.length === 0)
    findings.push({
      check: 'deployments',
      status: 'ok',
      message: 'every deployment is found in its service’s repositories, none counted twice',
    })
  return findings
}

async function identities(engine: Engine): Promise<DoctorFinding[]> {
  const { commits, pullRequests } = await engine.store.authorCounts()
  const known = (identity: string | null) =>
    identity !== null && engine.identities.personOf(identity) !== undefined
  const commitTotal = commits.reduce((n, c) => n + c.count, 0)
  const commitStrangers = commits
    .filter((c) => !known(c.email) && !known(c.name))
    .reduce((n, c) => n + c.count, 0)
  const prTotal = pullRequests.reduce((n, p) => n + p.count, 0)
  const prStrangers = pullRequests.filter((p) => !known(p.login)).reduce((n, p) => n + p.count, 0)
  if (commitTotal + prTotal === 0) return []
  const unmapped = share(commitStrangers + prStrangers, commitTotal + prTotal)
  return [
    {
      check: 'people',
      // A few bots and former colleagues are normal; more means per-person and team views are wrong.
      status: unmapped > 0.1 ? 'warn' : 'ok',
      message: `${percent(share(commitStrangers, commitTotal))} of commits and ${percent(share(prStrangers, prTotal))} of pull requests are by identities that map to no person`,
      ...(unmapped > 0
        ? { fix: 'engops people suggest drafts their people: entries (emails and aliases)' }
        : {}),
    },
  ]
}

async function sources(engine: Engine): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = []
  for (const source of engine.org.sources) {
    if (!hasCursor(source.kind) || !connectorOf(source.kind)) continue
    const cursors = await engine.store.syncCursors(source.id)
    if (cursors.size === 0)
      findings.push({
        check: 'sources',
        status: 'warn',
        message: `source ${source.id} (${source.kind}) was never read`,
        fix: `engops sync --source ${source.id}`,
      })
  }
  return findings
}

/** Schedules and alerts: destinations whose secrets are not in this environment, undelivered messages. */
async function rituals(engine: Engine): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = []
  for (const destination of engine.org.destinations) {
    const names = [
      'urlEnv' in destination ? destination.urlEnv : undefined,
      'smtpUrlEnv' in destination ? destination.smtpUrlEnv : undefined,
      'secretEnv' in destination ? destination.secretEnv : undefined,
    ].filter((name): name is string => name !== undefined)
    const missing = names.filter((name) => !process.env[name])
    if (missing.length > 0)
      findings.push({
        check: 'destinations',
        status: 'warn',
        message: `destination ${destination.id} (${destination.kind}): ${missing.join(', ')} not set in this environment`,
        fix: `set ${missing.join(' and ')} where engops serve or run-schedules runs`,
      })
  }
  const letters = await engine.ledger.deadLetters()
  if (letters.length > 0)
    findings.push({
      check: 'destinations',
      status: 'warn',
      message: `${count(letters.length, 'message')} of schedules and alerts could not be delivered (the last to ${letters.at(-1)?.destination}: ${letters.at(-1)?.error})`,
      fix: 'engops dead-letters shows each with its error',
    })
  const sends = engine.org.schedules.length > 0 || engine.org.alerts !== undefined
  if (sends && !engine.org.org.dashboardUrl)
    findings.push({
      check: 'destinations',
      status: 'info',
      message: 'messages carry no links: org.dashboardUrl is not set',
      fix: 'set org.dashboardUrl to where people open engops serve',
    })
  return findings
}

async function families(engine: Engine): Promise<DoctorFinding[]> {
  const counts = await engine.store.counts()
  const records = await engine.store.recordsByType()
  const tables: Record<string, number> = {
    deployment: counts.deployments,
    incident: counts.incidents,
    pull_request: counts.pull_requests,
    commit: counts.commits,
  }
  const stored = (type: string) => tables[type] ?? records.get(type) ?? 0
  const empty = (Object.keys(FEEDS) as (keyof typeof FEEDS)[]).filter((family) =>
    FEEDS[family].events.every((type) => stored(type) === 0),
  )
  return empty.map((family) => ({
    check: 'data',
    status: 'info' as const,
    message: `no data for ${family === 'dora' ? 'DORA' : `${family} (${METRIC_FAMILIES[family]})`}: no ${FEEDS[family].events.join(' or ')} events`,
    fix: `from ${FEEDS[family].from}`,
  }))
}
