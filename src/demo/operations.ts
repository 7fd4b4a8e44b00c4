/**
 * The demo's data beyond delivery: sprints and work items, engagement surveys, hires and leaves,
 * requisitions, monthly cost and business figures, and daily SLI samples. Stories: Beta's sprint
 * predictability slips with its reviews; payments burns its error budget in the last weeks;
 * cloud spend trends down as the optimization initiative lands.
 */
import { DAY, MINUTE } from '../model/time.js'
import type { DemoOrganization, DemoTeam } from './organization.js'
import type { Random } from './random.js'

export interface OperationsSink {
  sprints: string[]
  surveys: string[]
  people: string[]
  costs: string[]
  sli: string[]
}

const iso = (ms: number) => new Date(ms).toISOString()
const line = (event: object) => JSON.stringify(event)
const POINTS = [1, 2, 3, 3, 5, 5, 8]

export function simulateOperations(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
  troubled: ReadonlySet<string>,
): void {
  for (const team of org.teams) simulateSprints(team, window, random, sink)
  simulateSurveys(org, window, random, sink)
  simulatePeople(org, window, random, sink)
  simulateCosts(org, window, random, sink)
  simulateSli(org, window, random, sink, troubled)
}

function firstMonday(at: number): number {
  const day = new Date(at)
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
  return midnight + ((8 - day.getUTCDay()) % 7) * DAY
}

function simulateSprints(
  team: DemoTeam,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const prefix = team.id
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 6)
  let key = 0
  let sprintNumber = 0
  for (let start = firstMonday(window.start); start + 14 * DAY <= window.end; start += 14 * DAY) {
    const end = start + 14 * DAY
    sprintNumber++
    const sprintId = `${team.id}-sprint-${sprintNumber}`
    // Beta's predictability slips in the last two months, with its reviews.
    const slipping = team.pickupHours[1] > 3 * team.pickupHours[0] && start > window.end - 60 * DAY
    const predictability = slipping ? 0.55 + random.next() * 0.15 : 0.75 + random.next() * 0.2
    const capacity = Math.round(team.members.length * (4 + random.next() * 2))
    const items: { points: number; itemType: string; foundIn?: string; committed: boolean }[] = []
    let committed = 0
    while (committed < capacity) {
      const bug = random.chance(0.2)
      const points = random.pick(POINTS)
      committed += points
      items.push({
        points,
        itemType: bug ? 'bug' : random.chance(0.1) ? 'tech-debt' : 'story',
        ...(bug ? { foundIn: random.pick(['pre-release', 'pre-release', 'production', 'customer']) } : {}),
        committed: true,
      })
    }
    let added = 0
    const extra = random.int(0, 2)
    for (let i = 0; i < extra; i++) {
      const points = random.pick(POINTS)
      added += points
      items.push({ points, itemType: 'bug', foundIn: 'production', committed: false })
    }
    let completed = 0
    const target = committed * predictability
    for (const item of items) {
      const created = item.committed ? start - random.int(1, 20) * DAY : start + random.int(1, 10) * DAY
      const began = Math.max(created, start) + random.int(0, 6) * DAY + random.int(60, 600) * MINUTE
      const done = item.committed ? completed + item.points <= target : random.chance(0.5)
      const reviewAt = began + random.int(1, 3) * DAY
      const doneAt = Math.min(reviewAt + random.int(2, 30) * 60 * MINUTE, end - MINUTE)
      if (done) completed += item.points
      const statusChanges = [
        { status: 'todo', at: iso(created) },
        { status: 'in-progress', at: iso(Math.min(began, end - 3 * MINUTE)) },
        ...(done
          ? [
              { status: 'review', at: iso(Math.min(reviewAt, end - 2 * MINUTE)) },
              { status: 'done', at: iso(Math.max(doneAt, Math.min(reviewAt, end - 2 * MINUTE) + MINUTE)) },
            ]
          : []),
      ]
      sink.sprints.push(
        line({
          type: 'work_item',
          team: team.id,
          key: `${prefix}-${++key}`,
          itemType: item.itemType,
          points: item.points,
          createdAt: iso(created),
          statusChanges,
          sprint: sprintId,
          ...(item.foundIn ? { foundIn: item.foundIn } : {}),
        }),
      )
    }
    sink.sprints.push(
      line({
        type: 'sprint',
        id: sprintId,
        team: team.id,
        name: `Sprint ${sprintNumber}`,
        start: iso(start),
        end: iso(end),
        committed,
        completed,
        added,
      }),
    )
  }
}

const QUESTIONS = ['engagement', 'growth', 'tooling', 'workload', 'manager']

function simulateSurveys(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  let quarter = 0
  for (let at = window.start + 30 * DAY; at < window.end; at += 91 * DAY) {
    quarter++
    const survey = `engagement-${new Date(at).toISOString().slice(0, 7)}`
    for (const team of org.teams) {
      const mood = 3.6 + random.next() * 0.7 + quarter * 0.05
      team.members.forEach((_, respondent) => {
        if (random.chance(0.1)) return // not everyone answers
        for (const question of QUESTIONS) {
          const score = Math.max(1, Math.min(5, Math.round(mood + (random.next() - 0.5) * 2)))
          sink.surveys.push(
            line({
              type: 'survey_response',
              id: `${survey}:${team.id}:${respondent}:${question}`,
              survey,
              team: team.id,
              question,
              score,
              at: iso(at),
            }),
          )
        }
        const nps = Math.max(0, Math.min(10, Math.round(mood * 2 + (random.next() - 0.5) * 4)))
        sink.surveys.push(
          line({
            type: 'survey_response',
            id: `${survey}:${team.id}:${respondent}:enps`,
            survey,
            team: team.id,
            question: 'enps',
            nps,
            at: iso(at),
          }),
        )
      })
    }
  }
}

function simulatePeople(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  let requisition = 0
  for (const team of org.teams) {
    // The newest member of every team joined during the window.
    const newest = team.members.at(-1)!
    sink.people.push(
      line({
        type: 'person_event',
        id: `hire-${newest}`,
        person: newest,
        kind: 'hire',
        team: team.id,
        at: iso(window.start + random.int(5, 120) * DAY),
      }),
    )
    if (random.chance(0.35)) {
      const voluntary = random.chance(0.8)
      sink.people.push(
        line({
          type: 'person_event',
          id: `leave-${team.id}-${requisition}`,
          person: `${team.id}-alumnus-${requisition}`,
          kind: 'leave',
          team: team.id,
          voluntary,
          regrettable: voluntary && random.chance(0.5),
          at: iso(window.start + random.int(10, 170) * DAY),
        }),
      )
    }
    if (random.chance(0.5)) {
      const opened = window.start + random.int(0, 150) * DAY
      const filled = random.chance(0.7) ? opened + random.int(25, 80) * DAY : undefined
      const applied = random.int(40, 160)
      const screened = Math.round(applied * (0.2 + random.next() * 0.2))
      const interviewed = Math.round(screened * (0.3 + random.next() * 0.3))
      const offersMade = filled !== undefined && filled < window.end ? random.int(1, 2) : random.int(0, 1)
      sink.people.push(
        line({
          type: 'requisition',
          id: `req-${++requisition}`,
          role: random.pick(['Senior Engineer', 'Engineer', 'Staff Engineer', 'Engineering Manager', 'SRE']),
          team: team.id,
          opened: iso(opened),
          ...(filled !== undefined && filled < window.end ? { filled: iso(filled) } : {}),
          stages: { applied, screened, interviewed, offered: offersMade },
          offersMade,
          offersAccepted: filled !== undefined && filled < window.end ? 1 : 0,
        }),
      )
    }
  }
}

const TOOLS: [vendor: string, perEngineer: number][] = [
  ['GitHub', 21],
  ['Datadog', 95],
  ['PagerDuty', 41],
  ['Linear', 10],
  ['Slack', 15],
  ['Notion', 12],
]

function simulateCosts(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
) {
  const engineers = org.people.filter((person) => person.team).length
  const months: string[] = []
  for (let at = window.start; at < window.end; at += 28 * DAY) {
    const month = new Date(at).toISOString().slice(0, 7)
    if (months.at(-1) !== month) months.push(month)
  }
  months.forEach((month, i) => {
    // The cloud optimization initiative takes ~2% off every month.
    const trend = 1 - 0.02 * i
    let cloud = 0
    for (const team of org.teams) {
      const services = org.services.filter((service) => service.owner === team.id).length
      const amount = Math.round(services * 9000 * trend * (0.9 + random.next() * 0.2))
      cloud += amount
      sink.costs.push(line({ type: 'cost', month, category: 'cloud', vendor: 'AWS', team: team.id, amount }))
      sink.costs.push(
        line({
          type: 'cost',
          month,
          category: 'headcount',
          vendor: 'payroll',
          team: team.id,
          amount: Math.round((team.members.length * 210000) / 12),
        }),
      )
    }
    for (const [vendor, perEngineer] of TOOLS) {
      sink.costs.push(
        line({ type: 'cost', month, category: 'tooling', vendor, amount: perEngineer * engineers }),
      )
    }
    sink.costs.push(
      line({
        type: 'business',
        month,
        revenue: Math.round(engineers * 62000 * (1 + 0.015 * i)),
        activeUsers: Math.round(engineers * 4200 * (1 + 0.03 * i)),
        forecastCloudSpend: Math.round(cloud * (1.02 + random.next() * 0.04)),
      }),
    )
  })
}

function simulateSli(
  org: DemoOrganization,
  window: { start: number; end: number },
  random: Random,
  sink: OperationsSink,
  troubled: ReadonlySet<string>,
) {
  for (const service of org.services.filter((s) => s.tier <= 2)) {
    const objective = service.tier === 1 ? 99.9 : 99.5
    const budget = 1 - objective / 100
    for (let day = Math.floor(window.start / DAY) * DAY; day + DAY <= window.end; day += DAY) {
      const burning = troubled.has(service.id) && day > window.end - 30 * DAY
      const errorRate = budget * (burning ? 1.8 + random.next() * 1.5 : 0.1 + random.next() * 0.6)
      const total = random.int(80_000, 120_000)
      sink.sli.push(
        line({
          type: 'sli',
          slo: `${service.id}-availability`,
          start: iso(day),
          end: iso(day + DAY),
          good: Math.round(total * (1 - errorRate)),
          total,
        }),
      )
    }
  }
}
