/**
 * Simulates each repository's history: pull requests opened, reviewed and merged (merge commits
 * and squash merges), deployments on a cadence, bad deployments that cause incidents, the
 * hotfixes and rollbacks that follow, and background incidents nobody deployed. Output is event
 * objects in the formats `engops ingest events` reads.
 */
import { createHash } from 'node:crypto'
import { DAY, HOUR, MINUTE } from '../model/time.js'
import type { DemoPerson, DemoService, DemoTeam } from './organization.js'
import type { Random } from './random.js'

/** Postmortem action items: specific, with a detection and a recovery improvement among them. */
const ACTION_ITEMS = [
  'Alert on {service} error rate within 5 minutes and automate the rollback',
  'Add a regression test for the failing path in {service}',
  'Document the failover steps in the {service} runbook',
]

export interface EventSink {
  commits: string[]
  pullRequests: string[]
  deployments: string[]
  incidents: string[]
}

export interface RepoPlan {
  repo: string
  team: DemoTeam
  services: DemoService[]
  people: Map<string, DemoPerson>
  start: number
  end: number
  /** Services whose reliability degrades at the end of history (the error-budget story). */
  troubled: Set<string>
  withFiles: boolean
  /** How many repositories the team's pull requests are spread over. */
  teamRepos: number
}

const iso = (ms: number) => new Date(ms).toISOString()

type Event =
  | { at: number; kind: 'merge'; pr: PlannedPr }
  | {
      at: number
      kind: 'deploy'
      service: DemoService
      deployKind: 'regular' | 'hotfix' | 'rollback'
      sha?: string
      retry?: boolean
    }

interface PlannedPr {
  number: number
  author: DemoPerson
  reviewer: DemoPerson
  service: DemoService
  createdAt: number
  commitTimes: number[]
  firstReviewAt: number
  mergedAt: number
  squash: boolean
  hotfix: boolean
}

/** Moves a time into working hours (Mon–Fri, 08:00–19:00 UTC). */
function workingTime(at: number, random: Random): number {
  let t = at
  for (let guard = 0; guard < 7; guard++) {
    const date = new Date(t)
    const day = date.getUTCDay()
    const hour = date.getUTCHours()
    const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    if (day === 0 || day === 6) t = midnight + DAY + 8 * HOUR + random.int(0, 90) * MINUTE
    else if (hour < 8) t = midnight + 8 * HOUR + random.int(0, 90) * MINUTE
    else if (hour >= 19) t = midnight + DAY + 8 * HOUR + random.int(0, 90) * MINUTE
    else return t
  }
  return t
}

export function simulateRepository(
  plan: RepoPlan,
  random: Random,
  sink: EventSink,
  counters: { incident: number },
): void {
  const { repo, team, start, end } = plan
  let shaCounter = 0
  const newSha = () => createHash('sha1').update(`${repo}:${shaCounter++}`).digest('hex')
  const members = team.members.map((id) => plan.people.get(id)!).filter(Boolean)
  const heads: { at: number; sha: string }[] = []
  const headAt = (at: number) => {
    let found = heads[0]!
    for (const head of heads) {
      if (head.at <= at) found = head
      else break
    }
    return found.sha
  }
  // One change in twelve also touches the service's docs.
  const fileFor = (service: DemoService, n: number) =>
    n % 12 === 0
      ? `${service.path ?? ''}docs/guide-${n % 5}.md`
      : `${service.path ?? ''}src/module-${n % 17}.ts`
  const emitCommit = (
    sha: string,
    parents: string[],
    author: DemoPerson,
    at: number,
    service: DemoService | null,
  ) => {
    const additions = random.int(1, 120)
    sink.commits.push(
      JSON.stringify({
        type: 'commit',
        repo,
        sha,
        parents,
        author: author.email,
        authoredAt: iso(at),
        committedAt: iso(at),
        additions,
        deletions: random.int(0, additions),
        ...(plan.withFiles && service ? { files: [fileFor(service, shaCounter)] } : {}),
      }),
    )
  }

  // The repository's first commit, a month before the history window.
  const rootSha = newSha()
  emitCommit(rootSha, [], members[0]!, start - 30 * DAY, null)
  heads.push({ at: start - 30 * DAY, sha: rootSha })

  const pickupMedianHours = (at: number) => {
    const [first, last] = team.pickupHours
    const rampStart = end - 60 * DAY
    const progress = Math.min(1, Math.max(0, (at - rampStart) / (60 * DAY)))
    return first + (last - first) * progress
  }
  let prNumber = 0
  const planPr = (
    author: DemoPerson,
    service: DemoService,
    createdAt: number,
    hotfix: boolean,
  ): PlannedPr => {
    const reviewerPool = members.filter((m) => m.id !== author.id)
    const reviewer = reviewerPool.length > 0 ? random.pick(reviewerPool) : author
    const coding = hotfix ? 20 * MINUTE : Math.min(random.logNormal(18 * HOUR, 0.9), 10 * DAY)
    const commits = hotfix ? 1 : random.int(1, 4)
    const firstCommit = createdAt - coding
    const commitTimes = Array.from({ length: commits }, (_, i) =>
      commits === 1
        ? firstCommit
        : firstCommit + (coding * i) / (commits - 1) - (i === commits - 1 ? MINUTE : 0),
    )
    const pickup = hotfix ? 10 * MINUTE : random.logNormal(pickupMedianHours(createdAt) * HOUR, 0.6)
    const review = hotfix ? 10 * MINUTE : random.logNormal(3 * HOUR, 0.8)
    const firstReviewAt = createdAt + pickup
    return {
      number: ++prNumber,
      author,
      reviewer,
      service,
      createdAt,
      commitTimes,
      firstReviewAt,
      mergedAt: hotfix ? firstReviewAt + review : workingTime(firstReviewAt + review, random),
      squash: random.chance(0.3),
      hotfix,
    }
  }

  const events: Event[] = []
  const schedule = (event: Event) => {
    let index = events.length
    while (index > 0 && events[index - 1]!.at > event.at) index--
    events.splice(index, 0, event)
  }

  // Regular pull requests: Poisson arrivals in working hours.
  // Wall-clock gaps: working hours are about a third of the week, hence the factor.
  const perRepoGap = (DAY * plan.teamRepos) / (team.prRate * members.length) / 2.4
  for (
    let t = workingTime(start + random.exponential(perRepoGap), random);
    t < end;
    t = workingTime(t + random.exponential(perRepoGap), random)
  ) {
    const pr = planPr(random.pick(members), random.pick(plan.services), t, false)
    if (pr.mergedAt >= end) emitPr(pr, null, [], null)
    else events.push({ at: pr.mergedAt, kind: 'merge', pr })
  }
  // Regular deployments per service.
  for (const service of plan.services) {
    for (
      let t = workingTime(start + random.exponential(team.deployEveryHours * HOUR), random);
      t < end;
      t = workingTime(t + random.exponential(team.deployEveryHours * HOUR), random)
    ) {
      events.push({ at: t, kind: 'deploy', service, deployKind: 'regular' })
    }
  }
  events.sort((a, b) => a.at - b.at)

  const lastDeployed = new Map<string, string>()
  const previousDeployed = new Map<string, string>()
  let deploymentCounter = 0
  let head = rootSha

  function emitPr(pr: PlannedPr, mergeSha: string | null, commitShas: string[], headSha: string | null) {
    sink.pullRequests.push(
      JSON.stringify({
        type: 'pull_request',
        repo,
        number: pr.number,
        author: pr.author.email,
        createdAt: iso(pr.createdAt),
        ...(mergeSha ? { mergedAt: iso(pr.mergedAt), mergeSha, headSha } : {}),
        commits: commitShas,
        reviews:
          pr.firstReviewAt < end
            ? [{ author: pr.reviewer.email, at: iso(pr.firstReviewAt), state: 'approved' }]
            : [],
        additions: random.int(5, 400),
        deletions: random.int(0, 120),
        labels: pr.hotfix ? ['hotfix'] : [],
      }),
    )
  }

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (event.at >= end) break
    if (event.kind === 'merge') {
      const { pr } = event
      const base = headAt(pr.createdAt)
      const shas: string[] = []
      let parent = base
      for (const at of pr.commitTimes) {
        const sha = newSha()
        emitCommit(sha, [parent], pr.author, at, pr.service)
        shas.push(sha)
        parent = sha
      }
      const mergeSha = newSha()
      if (pr.squash) emitCommit(mergeSha, [head], pr.author, pr.mergedAt, pr.service)
      else emitCommit(mergeSha, [head, parent], pr.author, pr.mergedAt, null)
      head = mergeSha
      heads.push({ at: pr.mergedAt, sha: head })
      emitPr(pr, mergeSha, shas, parent)
      continue
    }
    const { service } = event
    const sha = event.sha ?? head
    if (event.deployKind === 'regular' && !event.retry && lastDeployed.get(service.id) === sha) continue
    const startedAt = event.at
    const finishedAt = startedAt + random.int(4, 20) * MINUTE
    const id = `${service.id}-${++deploymentCounter}`
    const failedRun = event.deployKind === 'regular' && random.chance(0.04)
    sink.deployments.push(
      JSON.stringify({
        type: 'deployment',
        id,
        service: service.id,
        environment: 'production',
        result: failedRun ? 'failure' : 'success',
        startedAt: iso(startedAt),
        finishedAt: iso(finishedAt),
        sha,
        kind: event.deployKind,
        pipeline: `deploy-${service.id}`,
      }),
    )
    if (failedRun) {
      schedule({ at: finishedAt + 30 * MINUTE, kind: 'deploy', service, deployKind: 'regular', retry: true })
      continue
    }
    previousDeployed.set(service.id, lastDeployed.get(service.id) ?? sha)
    lastDeployed.set(service.id, sha)
    if (event.deployKind !== 'regular') continue
    const troubled = plan.troubled.has(service.id) && finishedAt > end - 45 * DAY
    if (!random.chance(troubled ? Math.max(0.3, team.failureRate * 3) : team.failureRate)) continue

    // This deployment breaks something.
    const detectedAt = finishedAt + Math.min(random.logNormal(70 * MINUTE, 1), 20 * HOUR)
    const severity = pickSeverity(random)
    const recorded = random.next()
    const cause = recorded < 0.4 ? { causeDeployment: id } : recorded < 0.6 ? { causeSha: sha } : {}
    emitIncident(sink, counters, random, [service.id], severity, detectedAt, cause, end, members)
    const followUp = random.next()
    if (followUp < 0.45) {
      const author = random.pick(members)
      const pr = planPr(author, service, detectedAt + random.int(20, 60) * MINUTE, true)
      schedule({ at: pr.mergedAt, kind: 'merge', pr })
      schedule({ at: pr.mergedAt + 15 * MINUTE, kind: 'deploy', service, deployKind: 'hotfix' })
    } else if (followUp < 0.65) {
      schedule({
        at: detectedAt + random.int(15, 40) * MINUTE,
        kind: 'deploy',
        service,
        deployKind: 'rollback',
        sha: previousDeployed.get(service.id) ?? sha,
      })
    }
  }

  // Background incidents that no deployment caused (capacity, a provider outage, ...).
  for (const service of plan.services) {
    for (let t = start + random.exponential(40 * DAY); t < end; t += random.exponential(40 * DAY)) {
      emitIncident(sink, counters, random, [service.id], pickSeverity(random), t, {}, end, members)
    }
    if (plan.troubled.has(service.id)) {
      for (let t = end - 45 * DAY + random.exponential(6 * DAY); t < end; t += random.exponential(6 * DAY)) {
        emitIncident(
          sink,
          counters,
          random,
          [service.id],
          random.chance(0.5) ? 'SEV-2' : 'SEV-3',
          t,
          {},
          end,
          members,
        )
      }
    }
  }
}

function pickSeverity(random: Random): 'SEV-1' | 'SEV-2' | 'SEV-3' | 'SEV-4' {
  const r = random.next()
  if (r < 0.06) return 'SEV-1'
  if (r < 0.26) return 'SEV-2'
  if (r < 0.7) return 'SEV-3'
  return 'SEV-4'
}

const RESTORE_MEDIAN: Record<string, number> = {
  'SEV-1': 45 * MINUTE,
  'SEV-2': 2 * HOUR,
  'SEV-3': 7 * HOUR,
  'SEV-4': 30 * HOUR,
}

/** The seed's communication cadence: how often each audience hears while an incident is open. */
const CADENCE: Record<string, [audience: string, minutes: number][]> = {
  'SEV-1': [
    ['internal', 15],
    ['external', 30],
    ['exec', 30],
  ],
  'SEV-2': [
    ['internal', 30],
    ['external', 60],
    ['exec', 120],
  ],
  'SEV-3': [['internal', 120]],
}

function emitIncident(
  sink: EventSink,
  counters: { incident: number },
  random: Random,
  services: string[],
  severity: string,
  detectedAt: number,
  cause: { causeDeployment?: string; causeSha?: string },
  end: number,
  responders: readonly DemoPerson[],
): void {
  if (detectedAt >= end) return // it has not happened yet
  const acknowledgedAt = detectedAt + random.int(1, severity === 'SEV-1' ? 8 : 30) * MINUTE
  const restore = random.logNormal(RESTORE_MEDIAN[severity]!, 0.7)
  const resolvedAt = detectedAt + restore
  const mitigatedAt = detectedAt + restore * (0.4 + random.next() * 0.4)
  const resolved = resolvedAt < end
  const major = severity === 'SEV-1' || severity === 'SEV-2'
  const person = () => random.pick(responders).id
  const roles = major
    ? [
        { role: 'incident-commander', person: person() },
        { role: 'tech-lead', person: person() },
        { role: 'comms', person: person() },
      ]
    : [{ role: 'tech-lead', person: person() }]
  // Updates on cadence, with the occasional late one.
  const statusUpdates: { at: string; audience: string }[] = []
  for (const [audience, minutes] of CADENCE[severity] ?? []) {
    for (
      let t = detectedAt + minutes * MINUTE * (0.5 + random.next() * 0.4);
      t < Math.min(mitigatedAt, end);
    ) {
      statusUpdates.push({ at: iso(t), audience })
      t += minutes * MINUTE * (random.chance(0.05) ? 1.3 : 0.7 + random.next() * 0.28)
    }
  }
  const wantsPostmortem = severity !== 'SEV-4' && resolved
  // Most postmortems get written; only the last two weeks' may still be drafts (some overdue).
  const completedByChance = wantsPostmortem && random.chance(major ? 0.9 : 0.7)
  const completed = completedByChance || (wantsPostmortem && resolvedAt < end - 14 * DAY)
  const postmortemAt = resolvedAt + random.int(2, 6) * DAY
  const service = services[0]
  const actionItems = wantsPostmortem
    ? Array.from({ length: random.int(1, 3) }, (_, i) => {
        const due = resolvedAt + random.int(10, 30) * DAY
        // Old action items are done; recent ones are sometimes late.
        const doneByChance = due < end && random.chance(0.8)
        const done = doneByChance || due < end - 21 * DAY
        const doneAt = doneByChance ? due - random.int(1, 5) * DAY : due - 2 * DAY
        return {
          title: ACTION_ITEMS[i % ACTION_ITEMS.length]!.replace('{service}', service ?? 'the service'),
          owner: person(),
          due: iso(due),
          done,
          ...(done ? { doneAt: iso(doneAt) } : {}),
        }
      })
    : []
  sink.incidents.push(
    JSON.stringify({
      type: 'incident',
      id: `INC-${++counters.incident}`,
      services,
      severity,
      detectedAt: iso(detectedAt),
      acknowledgedAt: iso(acknowledgedAt),
      ...(mitigatedAt < end ? { mitigatedAt: iso(mitigatedAt) } : {}),
      ...(resolved ? { resolvedAt: iso(resolvedAt) } : {}),
      ...cause,
      roles,
      statusUpdates,
      ...(wantsPostmortem
        ? {
            postmortem: {
              status: completed && postmortemAt < end ? 'reviewed' : 'draft',
              ...(completed && postmortemAt < end ? { completedAt: iso(postmortemAt) } : {}),
              rootCause: cause.causeDeployment || cause.causeSha ? 'change introduced a defect' : 'capacity',
              contributingFactors: ['alert fired after customers noticed', 'rollback was manual'],
              actionItems,
            },
          }
        : {}),
    }),
  )
}
