/**
 * The demo organization's structure, modelled on the seeds' example: stream-aligned teams
 * Alpha, Beta and Gamma, a platform team, an enabling team and an ML complicated-subsystem
 * team; about 30 people and a dozen services. `large` scales the same shape to ~1,000 engineers.
 */
import type { Random } from './random.js'

export interface DemoPerson {
  id: string
  name: string
  email: string
  team?: string
  role: string
  manager?: string
}

export interface DemoTeam {
  id: string
  name: string
  type: 'stream-aligned' | 'platform' | 'enabling' | 'complicated-subsystem'
  members: string[]
  wipLimit: number
  /** Mean merged pull requests per working day, per member. */
  prRate: number
  /** Median hours from PR opened to first review, at the start and at the end of history. */
  pickupHours: [start: number, end: number]
  /** Mean hours between production deployments of each service. */
  deployEveryHours: number
  /** Chance that a deployment causes an incident. */
  failureRate: number
}

export interface DemoService {
  id: string
  owner: string
  tier: number
  repo: string
  /** Path prefix inside a monorepo, when the repo is shared. */
  path?: string
}

export interface DemoOrganization {
  name: string
  people: DemoPerson[]
  teams: DemoTeam[]
  services: DemoService[]
}

const FIRST = [
  'Ana',
  'Raj',
  'Mei',
  'Tomás',
  'Zoe',
  'Kwame',
  'Lena',
  'Omar',
  'Priya',
  'Jonas',
  'Aiko',
  'Diego',
  'Fatima',
  'Lukas',
  'Nia',
  'Sven',
  'Yara',
  'Chen',
  'Ines',
  'Marco',
  'Sara',
  'Ivan',
  'Leila',
  'Noah',
  'Eva',
  'Tariq',
  'Hana',
  'Pablo',
  'Ruth',
  'Kofi',
]
const LAST = [
  'Lima',
  'Patel',
  'Wong',
  'García',
  'Smith',
  'Mensah',
  'Berg',
  'Haddad',
  'Iyer',
  'Weber',
  'Sato',
  'Rossi',
  'Khan',
  'Novak',
  'Okafor',
  'Lund',
  'Costa',
  'Li',
  'Silva',
  'Bianchi',
]

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
}

export function smallOrganization(): DemoOrganization {
  const teams: DemoTeam[] = [
    {
      id: 'alpha',
      name: 'Alpha',
      type: 'stream-aligned',
      members: [],
      wipLimit: 5,
      prRate: 0.55,
      pickupHours: [2, 2],
      deployEveryHours: 6,
      failureRate: 0.04,
    },
    // Beta's reviews slow down over the last months: its lead time regresses.
    {
      id: 'beta',
      name: 'Beta',
      type: 'stream-aligned',
      members: [],
      wipLimit: 5,
      prRate: 0.45,
      pickupHours: [3, 40],
      deployEveryHours: 14,
      failureRate: 0.08,
    },
    {
      id: 'gamma',
      name: 'Gamma',
      type: 'stream-aligned',
      members: [],
      wipLimit: 4,
      prRate: 0.35,
      pickupHours: [6, 6],
      deployEveryHours: 60,
      failureRate: 0.12,
    },
    {
      id: 'platform',
      name: 'Platform',
      type: 'platform',
      members: [],
      wipLimit: 4,
      prRate: 0.4,
      pickupHours: [4, 4],
      deployEveryHours: 30,
      failureRate: 0.06,
    },
    {
      id: 'devex',
      name: 'Developer Experience',
      type: 'enabling',
      members: [],
      wipLimit: 3,
      prRate: 0.3,
      pickupHours: [5, 5],
      deployEveryHours: 96,
      failureRate: 0.03,
    },
    {
      id: 'ml',
      name: 'ML',
      type: 'complicated-subsystem',
      members: [],
      wipLimit: 3,
      prRate: 0.25,
      pickupHours: [10, 10],
      deployEveryHours: 120,
      failureRate: 0.1,
    },
  ]
  const sizes: Record<string, number> = { alpha: 6, beta: 6, gamma: 5, platform: 5, devex: 3, ml: 4 }
  const people: DemoPerson[] = [
    { id: 'cto', name: 'Helena Marsh', email: 'helena.marsh@acme.example', role: 'cto' },
    {
      id: 'vp-eng',
      name: 'David Osei',
      email: 'david.osei@acme.example',
      role: 'head-of-engineering',
      manager: 'cto',
    },
    {
      id: 'eng-ops',
      name: 'Grace Tan',
      email: 'grace.tan@acme.example',
      role: 'engineering-operations',
      manager: 'cto',
    },
  ]
  let n = 0
  for (const team of teams) {
    for (let i = 0; i < sizes[team.id]!; i++) {
      const name = `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`
      const id = slug(name)
      const lead = i === 0
      people.push({
        id,
        name,
        email: `${id.replace('-', '.')}@acme.example`,
        team: team.id,
        role: lead ? 'engineering-manager' : i === 1 ? 'tech-lead' : 'engineer',
        manager: lead ? 'vp-eng' : team.members[0],
      })
      team.members.push(id)
      n++
    }
  }
  const services: DemoService[] = [
    { id: 'storefront', owner: 'alpha', tier: 1, repo: 'storefront' },
    { id: 'catalog', owner: 'alpha', tier: 2, repo: 'catalog' },
    { id: 'search', owner: 'alpha', tier: 2, repo: 'search' },
    { id: 'checkout', owner: 'beta', tier: 1, repo: 'checkout' },
    { id: 'payments', owner: 'beta', tier: 1, repo: 'payments' },
    { id: 'orders', owner: 'beta', tier: 2, repo: 'orders' },
    { id: 'accounts', owner: 'gamma', tier: 2, repo: 'accounts' },
    { id: 'notifications', owner: 'gamma', tier: 3, repo: 'notifications' },
    { id: 'api-gateway', owner: 'platform', tier: 1, repo: 'platform', path: 'gateway/' },
    { id: 'build-infra', owner: 'platform', tier: 3, repo: 'platform', path: 'ci/' },
    { id: 'dev-portal', owner: 'devex', tier: 4, repo: 'dev-portal' },
    { id: 'recommendations', owner: 'ml', tier: 3, repo: 'recommendations' },
  ]
  return { name: 'Acme', people, teams, services }
}

/** ~1,000 engineers in 100 teams with three services each, for benchmarks. */
export function largeOrganization(random: Random): DemoOrganization {
  const types: DemoTeam['type'][] = [
    'stream-aligned',
    'stream-aligned',
    'stream-aligned',
    'stream-aligned',
    'platform',
    'stream-aligned',
    'enabling',
    'stream-aligned',
    'complicated-subsystem',
    'stream-aligned',
  ]
  const teams: DemoTeam[] = []
  const people: DemoPerson[] = [{ id: 'cto', name: 'Helena Marsh', email: 'cto@acme.example', role: 'cto' }]
  const services: DemoService[] = []
  for (let t = 0; t < 100; t++) {
    const id = `team-${String(t + 1).padStart(3, '0')}`
    const slow = t % 10 === 1
    const team: DemoTeam = {
      id,
      name: `Team ${t + 1}`,
      type: types[t % types.length]!,
      members: [],
      wipLimit: 5,
      prRate: 0.3 + random.next() * 0.3,
      pickupHours: slow ? [3, 30] : [2 + random.next() * 6, 2 + random.next() * 6],
      deployEveryHours: 8 + random.next() * 60,
      failureRate: 0.03 + random.next() * 0.1,
    }
    for (let i = 0; i < 10; i++) {
      const pid = `${id}-eng-${i + 1}`
      people.push({
        id: pid,
        name: `Engineer ${t + 1}.${i + 1}`,
        email: `${pid}@acme.example`,
        team: id,
        role: i === 0 ? 'engineering-manager' : 'engineer',
        manager: i === 0 ? 'cto' : `${id}-eng-1`,
      })
      team.members.push(pid)
    }
    teams.push(team)
    for (let s = 0; s < 3; s++) {
      services.push({
        id: `${id}-svc-${s + 1}`,
        owner: id,
        tier: 1 + ((t + s) % 4),
        repo: `${id}-svc-${s + 1}`,
      })
    }
  }
  return { name: 'Acme (large)', people, teams, services }
}
