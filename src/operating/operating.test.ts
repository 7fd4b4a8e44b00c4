/**
 * The operating model's rules on hand-built organizations, with hand-computed expectations.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseConfig } from '../config/load-config.js'
import { GATE_IDS } from '../model/org.js'
import { auditMeetings, auditTools } from './audits.js'
import { analyzeDependencies, dependenciesDot, dependenciesMermaid, findCycles } from './dependencies.js'
import { evaluateExperiment, mannWhitney, normalCdf } from './experiments.js'
import { budgetExhaustedAt, GATES, runGates } from './gates.js'
import { evaluateInitiatives } from './initiatives.js'
import { diagnoseLeadTime } from './insights.js'
import { assessAgileMaturity, assessIncidentMaturity } from './maturity.js'
import { evaluateOkrs, flattenOkrs, krProgress, lintOkrs } from './okrs.js'
import {
  buildRaci,
  findResponsibility,
  parseCell,
  raciCsv,
  raciMarkdown,
  rolesWith,
  validateRaci,
} from './raci.js'
import { analyzeTopology, type TopologyEvidence, topologyMermaid } from './topology.js'

const DAY = 86_400_000
const at = (iso: string) => Date.parse(iso)

const ORG = `org: { name: Acme, timezone: UTC, loadedCostPerEngineer: 208000 }
people:
  - { id: ana, name: Ana Lima, team: web, role: tech-lead }
  - { id: bo, name: Bo Chen, team: web, role: engineer }
  - { id: cy, name: Cy Diaz, team: web, role: engineer }
  - { id: di, name: Di Evans, team: web, role: engineer }
  - { id: ed, name: Ed Fox, team: web, role: engineer }
  - { id: fa, name: Fa Gill, team: web, role: engineer }
  - { id: gu, name: Gu Hu, team: web, role: engineer }
  - { id: ha, name: Ha Ito, team: web, role: engineer }
  - { id: io, name: Io Jones, team: web, role: engineer }
  - { id: jo, name: Jo Kim, team: core, role: engineering-manager }
  - { id: ka, name: Ka Lee, team: core, role: engineer }
  - { id: lu, name: Lu Ma, team: core, role: engineer }
teams:
  - { id: web, name: Web, type: stream-aligned, members: [ana, bo, cy, di, ed, fa, gu, ha, io],
      cognitiveLoad: { intrinsic: 6, extraneous: 4 } }
  - { id: core, name: Core, type: platform, members: [jo, ka, lu, io],
      interactions: [{ team: web, mode: collaboration, since: 2025-01-01 }] }
  - { id: data, name: Data, type: complicated-subsystem, members: [ka] }
  - { id: ops, name: Ops, type: enabling, members: [lu] }
services:
  - { id: shop, owner: web, tier: 1, runbook: https://rb/shop, system: commerce }
  - { id: cart, owner: core, tier: 2, system: commerce }
  - { id: tools, owner: ops, tier: 3 }
slos:
  - { id: shop-avail, service: shop, objective: 99.9 }
dependencies:
  - { id: d1, provider: core, consumer: web, what: Auth v2, type: blocking, status: blocked, risk: high, opened: 2025-04-01, neededBy: 2025-05-01 }
  - { id: d2, provider: web, consumer: core, what: User API, type: blocking, status: open, risk: medium, opened: 2025-05-01, neededBy: 2025-07-01 }
  - { id: d3, provider: core, consumer: data, what: Queue, type: blocking, status: open, risk: low, opened: 2025-05-10, neededBy: 2025-07-01 }
  - { id: d4, provider: core, consumer: ops, what: Metrics, type: blocking, status: in-progress, risk: low, opened: 2025-05-10 }
  - { id: d5, provider: data, consumer: ops, what: Model, type: soft, status: done, risk: low, opened: 2025-03-01, neededBy: 2025-04-01 }
okrs:
  - id: co
    level: company
    owner: Acme
    period: 2025-Q2
    objective: Ship faster
    keyResults:
      - { id: kr-lead, title: Median lead time to 1 day, baseline: 3, target: 1, current: 2.6, unit: days }
      - { id: kr-deploys, title: Deploys per day to 4, baseline: 1, target: 4, current: 3.25, weight: 3 }
  - id: web-o
    level: team
    owner: web
    parent: co
    period: 2025-Q2
    objective: Reviews move
    keyResults:
      - { id: kr-pickup, title: Review pickup under 4 h, baseline: 20, target: 4, current: 18 }
  - id: lonely
    level: team
    owner: core
    period: 2025-Q2
    objective: Ship the portal
    keyResults:
      - { id: kr-feature, title: Ship the developer portal }
      - { id: kr-binary, title: SOC2 done, target: 1 }
initiatives:
  - { id: i1, name: Portal, owner: core, status: on-track, okrs: [co],
      milestones: [{ name: beta, due: 2025-05-01 }, { name: ga, due: 2025-05-15 }] }
  - { id: i2, name: Mesh, owner: core, status: on-track }
  - { id: i3, name: Billing, owner: core, status: at-risk }
raci:
  responsibilities:
    "Change calendar & freeze rules": { cto: A, hoe: A, tl: R }
meetings:
  - { name: All-hands, frequency: weekly, durationMinutes: 60, attendees: 150, kind: alignment }
  - { name: Architecture review, frequency: weekly, durationMinutes: 60, attendees: 12, kind: decision }
  - { name: Status sync, frequency: daily, durationMinutes: 30, attendees: 6, kind: status }
tools:
  - { name: Jira, category: issue tracking, costPerYear: 30000 }
  - { name: Linear, category: Issue Tracking, costPerYear: 12000, seats: 40 }
  - { name: Datadog, category: observability, costPerYear: 90000 }
`

const org = parseConfig(ORG, 'engops.yaml').org
/** Week 8 of 2025-Q2 (Apr 1 – Jul 1, 91 days): day 50, Thursday May 20. */
const WEEK_8 = at('2025-04-01T00:00:00Z') + 49 * DAY + 12 * 3_600_000

describe('OKRs', () => {
  test('KR progress interpolates from baseline to target, decreasing too, clamped', () => {
    expect(krProgress(3, 1, 2.6)).toBeCloseTo(0.2, 10)
    expect(krProgress(1, 4, 3.25)).toBeCloseTo(0.75, 10)
    expect(krProgress(1, 4, 9)).toBe(1)
    expect(krProgress(3, 1, 3.5)).toBe(0)
  })

  test('a cascade judged in week 8: the at-risk KR is flagged for escalation', () => {
    const roots = evaluateOkrs(org.okrs, {
      now: WEEK_8,
      timeZone: 'UTC',
      fiscalYearStartMonth: 1,
      settings: org.org.okr,
      checkIns: [],
    })
    expect(roots.map((r) => r.id)).toEqual(['co', 'lonely'])
    const co = roots[0]!
    expect(co.children.map((c) => c.id)).toEqual(['web-o'])
    expect(co.week).toBe(8)
    expect(co.weeks).toBe(13)
    // Expected: 49.5 of 91 days = 0.54396.
    expect(co.expected).toBeCloseTo(49.5 / 91, 6)
    const [lead, deploys] = co.keyResults
    // 0.544 − 0.2 = 0.344 > 0.30 → off track; 0.544 − 0.75 < 0 → on track.
    expect(lead).toMatchObject({ status: 'off-track', escalate: true, score: 0.2 })
    expect(deploys).toMatchObject({ status: 'on-track', escalate: false, score: 0.8 })
    // Weighted: (0.2 × 1 + 0.75 × 3) / 4 = 0.6125.
    expect(co.progress).toBeCloseTo(0.6125, 10)
    expect(co.status).toBe('off-track')
    // web-o: (20 − 18) / 16 = 0.125; gap 0.419 → off track; rolls up.
    const web = co.children[0]!
    expect(web.keyResults[0]!.progress).toBeCloseTo(0.125, 10)
    expect(web.rollup).toBe('off-track')
  })

  test('an at-risk KR (gap between 15 and 30 points) is flagged from week 8, not before', () => {
    const okrs = [
      {
        ...org.okrs[0]!,
        keyResults: [{ id: 'k', title: 'Deploys to 11', baseline: 1, target: 11, current: 4, weight: 1 }],
      },
    ]
    const judge = (now: number) =>
      flattenOkrs(
        evaluateOkrs(okrs, {
          now,
          timeZone: 'UTC',
          fiscalYearStartMonth: 1,
          settings: org.org.okr,
          checkIns: [],
        }),
      )[0]!.keyResults[0]!
    // Week 8: expected 0.544, progress 0.3 → gap 0.244: at risk, escalate.
    expect(judge(WEEK_8)).toMatchObject({ status: 'at-risk', escalate: true })
    // Week 7 (day 45, expected 0.489): gap 0.189, at risk but not yet escalated.
    expect(judge(at('2025-04-01T00:00:00Z') + 44 * DAY + 12 * 3_600_000)).toMatchObject({
      status: 'at-risk',
      escalate: false,
    })
  })

  test('a check-in supplies the value and can only make the status worse', () => {
    const roots = evaluateOkrs(org.okrs, {
      now: WEEK_8,
      timeZone: 'UTC',
      fiscalYearStartMonth: 1,
      settings: org.org.okr,
      checkIns: [
        {
          kr: 'kr-deploys',
          value: 3.5,
          confidence: 'at-risk',
          comment: 'infra freeze',
          at: WEEK_8 - DAY,
          by: 'ana',
        },
      ],
    })
    const kr = roots[0]!.keyResults[1]!
    expect(kr).toMatchObject({ current: 3.5, source: 'check-in', status: 'at-risk' })
    expect(kr.progress).toBeCloseTo(2.5 / 3, 10)
  })

  test('end-of-period scores and grades', () => {
    const roots = evaluateOkrs(org.okrs, {
      now: at('2025-07-02T00:00:00Z'),
      timeZone: 'UTC',
      fiscalYearStartMonth: 1,
      settings: org.org.okr,
      checkIns: [],
    })
    expect(roots[0]).toMatchObject({ final: true, score: 0.6, grade: 'yellow' })
  })

  test('lint finds every seed anti-pattern', () => {
    const findings = lintOkrs(org, { now: WEEK_8, checkIns: [] })
    const rules = findings.map((f) => `${f.rule}:${f.kr ?? f.okr}`)
    expect(rules).toContain('no-alignment:lonely')
    expect(rules).toContain('feature-kr:kr-feature')
    expect(rules).toContain('binary-kr:kr-binary')
    expect(rules).toContain('set-and-forget:kr-pickup')
    const many = parseConfig(
      `${ORG.split('initiatives:')[0]}  - { id: x1, level: company, owner: Acme, period: 2025-Q2, objective: a, keyResults: [{id: a1, title: a, baseline: 1, target: 2}, {id: a2, title: b, baseline: 1, target: 2}, {id: a3, title: c, baseline: 1, target: 2}, {id: a4, title: d, baseline: 1, target: 2}, {id: a5, title: e, baseline: 1, target: 2}] }\n  - { id: x2, level: company, owner: Acme, period: 2025-Q2, objective: b, keyResults: [] }\n  - { id: x3, level: company, owner: Acme, period: 2025-Q2, objective: c, keyResults: [] }\n`,
      'many.yaml',
    ).org
    const manyRules = lintOkrs(many).map((f) => f.rule)
    expect(manyRules).toContain('too-many-objectives')
    expect(manyRules).toContain('too-many-krs')
    expect(manyRules).toContain('no-key-results')
  })
})

describe('dependencies', () => {
  const now = at('2025-05-20T00:00:00Z')
  const map = analyzeDependencies(org, now, { excuseDays: 14, hubThreshold: 3 })

  test('a cycle and a hub team are found', () => {
    expect(map.cycles).toEqual([['core', 'web']])
    expect(map.hubs).toEqual([{ team: 'core', blocking: 3, consumers: ['data', 'ops', 'web'] }])
    expect(findCycles([{ from: 'a', to: 'a' }])).toEqual([['a']])
    expect(findCycles([{ from: 'a', to: 'b' }])).toEqual([])
  })

  test('aging, need-by, excuse, escalation and strategies', () => {
    const d1 = map.dependencies[0]!
    expect(d1).toMatchObject({
      ageDays: 49,
      daysToNeed: -19,
      overdue: true,
      excuse: true,
      escalation: 'escalate-now',
    })
    expect(d1.strategy).toBe('eliminate') // in the web ↔ core cycle
    expect(map.dependencies[2]!.strategy).toBe('embedded-engineer') // core is a hub
    expect(map.dependencies[4]!.open).toBe(false)
  })

  test('Mermaid and DOT exports name every open edge', () => {
    const mermaid = dependenciesMermaid(map, org)
    expect(mermaid.startsWith('graph LR\n')).toBe(true)
    expect(mermaid).toContain('t_core ==>|"Auth v2 ⚠ overdue"| t_web')
    expect(mermaid).not.toContain('Model')
    const dot = dependenciesDot(map, org)
    expect(dot).toMatch(/^digraph dependencies \{/)
    expect(dot).toContain('"core" -> "web" [label="Auth v2 (blocked, high)", style=bold, color=red];')
    expect(dot.trim().endsWith('}')).toBe(true)
  })
})

describe('RACI', () => {
  test('the default matrix is 17 × 9 and valid', () => {
    const built = buildRaci(undefined)
    expect(built.matrix.rows).toHaveLength(17)
    expect(built.matrix.roles).toHaveLength(9)
    expect(validateRaci(built).filter((p) => p.severity === 'error')).toEqual([])
  })

  test('a row with two A’s is rejected', () => {
    const built = buildRaci(org.raci)
    expect(built.matrix.rows).toHaveLength(17)
    const errors = validateRaci(built).filter((p) => p.severity === 'error')
    expect(errors).toEqual([
      {
        responsibility: 'Change calendar & freeze rules',
        role: null,
        severity: 'error',
        message: "2 A's (cto, hoe): exactly one role must be accountable",
      },
    ])
  })

  test('unknown roles, unreadable cells and a missing R are errors', () => {
    const built = buildRaci({ replaceDefault: true, responsibilities: { Budget: { cfo: 'A', cto: 'X' } } })
    const messages = validateRaci(built).map((p) => p.message)
    expect(messages).toContain('"X" is not a RACI cell (use A, R, C, I, A/R or -)')
    expect(messages).toContain('no R: at least one role must be responsible for doing the work')
    expect(messages.some((m) => m.startsWith('unknown role "cfo"'))).toBe(true)
  })

  test('questions find their row; exports are tables', () => {
    const { matrix } = buildRaci(undefined)
    const row = findResponsibility(matrix, 'who is accountable for error budgets?')!
    expect(row.responsibility).toBe('Error-budget governance')
    expect(rolesWith(row, 'A')).toEqual(['sre'])
    expect(findResponsibility(matrix, 'who owns the paved road?')!.responsibility).toBe('Paved-road adoption')
    expect(raciMarkdown(matrix).split('\n')[2]).toBe(
      '| Org topology & team design | A | R | I | I | I | I | I | C | I |',
    )
    expect(raciCsv(matrix).split('\n')[0]).toBe('responsibility,cto,hoe,hop,tl,pm,sre,data,staff,eng')
  })
})

describe('topology', () => {
  const evidence = (changes: Record<string, Record<string, number>>): TopologyEvidence => ({
    now: at('2025-05-20T00:00:00Z'),
    changesByService: new Map(Object.entries(changes).map(([s, m]) => [s, new Map(Object.entries(m))])),
    changesByPerson: new Map(
      Object.entries(
        Object.values(changes).reduce<Record<string, number>>((acc, m) => {
          for (const [p, n] of Object.entries(m)) acc[p] = (acc[p] ?? 0) + n
          return acc
        }, {}),
      ),
    ),
    incidentLeadsByService: new Map([
      [
        'shop',
        new Map([
          ['bo', 4],
          ['cy', 1],
        ]),
      ],
    ]),
    hubs: [{ team: 'core', blocking: 3, consumers: ['data', 'ops', 'web'] }],
    dependencyPairs: new Map(),
    dates: { since: (v) => Date.parse(String(v instanceof Date ? v.toISOString() : v)) },
    windowDays: 90,
  })

  test('an oversized stream team, a hero, matrix management and a Conway violation are found', () => {
    const topology = analyzeTopology(
      org,
      evidence({ shop: { bo: 30, cy: 5, di: 5, ana: 8 }, cart: { ana: 20, bo: 4, ka: 2 } }),
    )
    const found = topology.antiPatterns.map((a) => `${a.kind}:${a.subject}`)
    expect(found).toContain('team-size:web') // 9 people, stream-aligned is 5–8
    expect(found).toContain('hero-culture:shop') // bo: 30 of 48 = 62.5%
    expect(found).toContain('matrix-management:io') // in web and core
    expect(found).toContain('conway-violation:commerce') // one system, two teams
    expect(found).toContain('conway-violation:cart') // 24 of 26 changes from web
    expect(found).toContain('shared-service-bottleneck:core')
    expect(found).toContain('cognitive-load:web') // 6 + 4 = 10/10
    expect(found).toContain('interaction-overdue:core')
    expect(found).toContain('hero-culture:shop')
    const hero = topology.antiPatterns.find((a) => a.kind === 'hero-culture')!
    expect(hero.evidence).toBe("Bo Chen authored 63% of shop's 48 changes in 90 days")
    expect(hero.fix).toBe('Document, pair, rotate on-call')
  })

  test('the ladder compares leads with a typical engineer of their team', () => {
    const topology = analyzeTopology(org, evidence({ shop: { ana: 10, bo: 10, cy: 12, di: 8, ed: 10 } }))
    const ana = topology.ladder.find((l) => l.person === 'ana')!
    // Peers bo 10, cy 12, di 8, ed 10, fa/gu/ha/io 0 → sorted [0,0,0,0,8,10,10,12]; median (lower) 0 → no data.
    expect(ana.status).toBe('no-data')
    const tight = analyzeTopology(
      {
        ...org,
        teams: org.teams.map((t) => (t.id === 'web' ? { ...t, members: ['ana', 'bo', 'cy', 'di'] } : t)),
      },
      evidence({ shop: { ana: 5, bo: 10, cy: 12, di: 8 } }),
    )
    // Typical = median of [8, 10, 12] = 10; 5 / 10 = 0.5 < 0.6 for a team lead.
    expect(tight.ladder.find((l) => l.person === 'ana')).toMatchObject({ contribution: 0.5, status: 'below' })
    expect(topologyMermaid(org, tight)).toContain('subgraph stream_aligned["Stream-aligned teams"]')
  })
})

describe('experiments', () => {
  test('Mann–Whitney U matches a hand computation', () => {
    // a = [1,2,3,4], b = [5,6,7,8]: b wins all 16 pairs → U = 16, effect 1.
    const r = mannWhitney([1, 2, 3, 4], [5, 6, 7, 8])!
    expect(r.u).toBe(16)
    expect(r.effect).toBe(1)
    // mean 8, var = 16·9/12 = 12; z = (8 − 0.5)/√12 = 2.165; p = 0.0304.
    expect(r.z).toBeCloseTo(7.5 / Math.sqrt(12), 10)
    expect(r.p).toBeCloseTo(0.0304, 3)
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4)
  })

  test('a known significant improvement is adopted; noise is inconclusive', () => {
    const experiment = {
      id: 'e1',
      hypothesis: 'If we add a review SLA, pickup drops',
      change: 'review SLA 24h',
      metric: 'review_pickup' as const,
      baseline: { from: '2025-01-01', to: '2025-02-01' },
      experiment: { from: '2025-02-01', to: '2025-03-01' },
    }
    const before = [30, 28, 35, 40, 26, 33, 31, 29, 38, 27]
    const after = [10, 12, 8, 15, 9, 11, 14, 7, 13, 10]
    const adopt = evaluateExperiment(experiment, before, after)
    expect(adopt.verdict).toBe('adopt')
    expect(adopt.test!.p).toBeLessThan(0.001)
    expect(adopt.relativeChange).toBeCloseTo((10.5 - 30.5) / 30.5, 10)
    const noise = evaluateExperiment(experiment, before, [31, 27, 36, 39, 25, 34, 30, 28, 37, 29])
    expect(noise.verdict).toBe('inconclusive')
    expect(evaluateExperiment(experiment, after, before).verdict).toBe('revert')
    expect(evaluateExperiment(experiment, [1, 2], [3, 4]).verdict).toBe('inconclusive')
  })
})

describe('gates', () => {
  test('static gates fail where the org file breaks the rules, with paths', () => {
    const map = analyzeDependencies(org, at('2025-05-20T00:00:00Z'), { excuseDays: 14, hubThreshold: 3 })
    const results = runGates(
      org,
      { raciProblems: validateRaci(buildRaci(org.raci)), okrFindings: lintOkrs(org), dependencies: map },
      null,
    )
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]))
    expect(status).toEqual({
      'service-owner': 'pass',
      'slos-and-runbooks': 'fail',
      'slos-before-ga': 'fail',
      'wip-bets': 'fail',
      raci: 'fail',
      'okr-lint': 'fail',
      'dependency-hygiene': 'fail',
      'postmortems-overdue': 'skipped',
      'postmortem-quality': 'skipped',
      'change-freeze': 'skipped',
      'error-budget': 'skipped',
    })
    const slo = results.find((r) => r.id === 'slos-and-runbooks')!
    expect(slo.findings.map((f) => `${f.subject}: ${f.message}`)).toEqual([
      'cart: tier-2 service without an SLO',
      'cart: tier-2 service without a runbook',
    ])
    expect(results.find((r) => r.id === 'wip-bets')!.findings[0]!.message).toBe(
      '3 active initiatives (i1, i2, i3); at most 2',
    )
  })

  test('every gate has a rule, and a typo in policies.gates is a config error with its line', () => {
    expect(GATES.map((g) => g.id)).toEqual([...GATE_IDS])
    expect(() =>
      parseConfig('org: { name: X }\npolicies:\n  gates:\n    slo-before-ga: false\n', 'typo.yaml'),
    ).toThrow(
      expect.objectContaining({
        details: [
          { file: 'typo.yaml', line: 4, path: 'policies.gates', message: 'unknown field "slo-before-ga"' },
        ],
      }),
    )
    const off = parseConfig(
      'org: { name: X }\npolicies:\n  gates:\n    slos-before-ga: false\n',
      'off.yaml',
    ).org
    const map = analyzeDependencies(off, 0, { excuseDays: 14, hubThreshold: 3 })
    const gate = runGates(off, { raciProblems: [], okrFindings: [], dependencies: map }, null).find(
      (g) => g.id === 'slos-before-ga',
    )
    expect(gate).toMatchObject({ status: 'skipped', reason: 'disabled in policies.gates' })
  })

  test('postmortems-overdue judges as of --at: items done later were overdue then', () => {
    const plain = parseConfig('org: { name: X }\n', 'x.yaml').org
    const map = analyzeDependencies(plain, 0, { excuseDays: 14, hubThreshold: 3 })
    const day = (n: number) => Date.parse('2025-03-01T00:00:00Z') + n * 86_400_000
    // A SEV-2 resolved on day 0: its postmortem was done on day 8 (due day 5), its action item
    // (due day 10) was done on day 20.
    const incident = {
      source: 't',
      id: 'INC-1',
      services: ['api'],
      severity: 'SEV-2' as const,
      detectedAt: day(0) - 3_600_000,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: day(0),
      causeDeployment: null,
      causeSha: null,
      roles: [],
      statusUpdates: [],
      postmortem: {
        status: 'reviewed' as const,
        completedAt: day(8),
        contributingFactors: [],
        actionItems: [{ title: 'Add a canary', owner: 'ana', due: day(10), done: true, doneAt: day(20) }],
      },
    }
    const findingsAt = (now: number) =>
      runGates(
        plain,
        { raciProblems: [], okrFindings: [], dependencies: map },
        { now, incidents: [incident], deployments: [], exhaustedBudgets: [], people: [] },
      )
        .find((g) => g.id === 'postmortems-overdue')
        ?.findings.map((f) => f.message)
    expect(findingsAt(day(7))).toEqual(['SEV-2 postmortem 2 days overdue (completed later, on 2025-03-09)'])
    expect(findingsAt(day(15))).toEqual(['action item "Add a canary" (ana) 5 days overdue'])
    expect(findingsAt(day(25))).toEqual([])
  })

  test('the error budget runs out at the first sample whose bad events exceed the window budget', () => {
    // 4 samples of 1000 events, objective 99% → budget 40 bad events; bad 10, 20, 15, 0.
    const samples = [0, 1, 2, 3].map((i) => ({
      start: i * 10,
      end: (i + 1) * 10,
      total: 1000,
      good: 1000 - [10, 20, 15, 0][i]!,
    }))
    expect(budgetExhaustedAt(samples, 99, { from: 0, to: 40 })).toBe(30)
    expect(budgetExhaustedAt(samples, 98, { from: 0, to: 40 })).toBeNull()
  })
})

describe('initiatives, audits, maturity, insights', () => {
  test('initiative health from milestones and linked OKRs; watermelons flagged', () => {
    const objectives = flattenOkrs(
      evaluateOkrs(org.okrs, {
        now: WEEK_8,
        timeZone: 'UTC',
        fiscalYearStartMonth: 1,
        settings: org.org.okr,
        checkIns: [],
      }),
    )
    const [portal] = evaluateInitiatives(org, objectives, WEEK_8)
    expect(portal).toMatchObject({ health: 'off-track', watermelon: true, declared: 'on-track' })
    expect(portal!.reasons).toEqual(['2 milestone(s) overdue: beta, ga', 'linked OKR co is off-track'])
  })

  test('meeting audit: the seed table’s verdicts and costs at the loaded rate', () => {
    const audit = auditMeetings(org)
    expect(audit.meetings.map((m) => m.verdict)).toEqual(['keep', 'reduce', 'kill'])
    // 208,000 / 2,080 h = $100/h. Status sync: 5 × 0.5 h × 6 = 15 h/week → $78,000/year.
    expect(audit.hourlyRate).toBe(100)
    expect(audit.meetings[2]).toMatchObject({ hoursPerWeek: 15, yearlyCost: 78000, yearlySaving: 78000 })
    // Architecture review 12 h/week, cut to 45 of 60 min: saves 3 h/week = $15,600.
    expect(audit.meetings[1]!.yearlySaving).toBeCloseTo(15600, 6)
    // (150 + 12 + 15) h / 12 people.
    expect(audit.hoursPerPersonWeek).toBeCloseTo(177 / 12, 10)
  })

  test('tool audit: total, per engineer, overlapping categories', () => {
    const audit = auditTools(org)
    expect(audit.total).toBe(132000)
    expect(audit.perEngineer).toBe(11000)
    expect(audit.overlaps).toEqual([
      {
        category: 'issue tracking',
        tools: ['Jira', 'Linear'],
        suggestion: 'Consolidate: do we need both Jira AND Linear? (pick one)',
      },
    ])
    expect(audit.unusedSeats[0]).toMatchObject({ tool: 'Linear', seats: 40, engineers: 12 })
  })

  test('incident maturity needs an incident commander for level 3', () => {
    const incident = (i: number, commander: boolean) => ({
      source: 'x',
      id: `i${i}`,
      services: ['shop'],
      severity: (i % 2 ? 'SEV-2' : 'SEV-3') as 'SEV-2' | 'SEV-3',
      detectedAt: 0,
      acknowledgedAt: 60_000,
      mitigatedAt: null,
      resolvedAt: 7_200_000,
      causeDeployment: null,
      causeSha: null,
      roles: commander ? [{ role: 'incident-commander' as const, person: 'ana' }] : [],
      statusUpdates: [{ at: 600_000, audience: 'internal' as const }],
      postmortem: null,
    })
    const evidence = {
      criticalServices: ['shop'],
      servicesWithSlo: new Set(['shop']),
      slos: 1,
      slosWithData: 1,
      measured: new Set<string>(),
      now: DAY,
    }
    const without = assessIncidentMaturity('Acme', {
      ...evidence,
      incidents: [1, 2, 3, 4].map((i) => incident(i, false)),
    })
    expect(without.level).toBe(2)
    expect(without.nextActions).toContain('Missing: Incident commander role on SEV-1/2')
    const withIc = assessIncidentMaturity('Acme', {
      ...evidence,
      incidents: [1, 2, 3, 4].map((i) => incident(i, true)),
    })
    expect(withIc.level).toBe(3)
    expect(withIc.nextActions.slice(0, 2)).toEqual(['Add blameless post-mortems', 'Add action item tracking'])
  })

  test('agile maturity: sprints without predictability stay at level 3', () => {
    const sprint = (i: number, completed: number) => ({
      type: 'sprint' as const,
      source: 'x',
      id: `s${i}`,
      team: 'web',
      start: i * 14 * DAY,
      end: (i + 1) * 14 * DAY,
      committed: 20,
      completed,
      added: 0,
    })
    const items = Array.from({ length: 12 }, (_, i) => ({
      type: 'work_item' as const,
      source: 'x',
      key: `W-${i}`,
      team: 'web',
      itemType: 'story' as const,
      createdAt: 0,
      statusChanges: [
        { status: 'in-progress' as const, at: 1 },
        { status: 'done' as const, at: 2 },
      ],
    }))
    const result = assessAgileMaturity({
      team: 'web',
      wipLimit: 5,
      sprints: [0, 1, 2, 3, 4, 5, 6].map((i) => sprint(i, i < 5 ? 18 : 10)),
      workItems: items as never,
      windowDays: 90,
      boundKeyResults: 1,
      experimentsRun: 0,
    })
    expect(result.level).toBe(3)
    expect(result.checks.find((c) => c.name.startsWith('Predictable'))!.evidence).toBe(
      'last sprints: 90%, 50%, 50% (mean 63%)',
    )
  })

  test('lead time regression names the grown stage and when it started', () => {
    const point = (from: number, median: number, pickup: number) => ({
      from,
      to: from + 30 * DAY,
      leadTime: {
        n: 20,
        medianSeconds: median,
        p90Seconds: null,
        tier: null,
        stages: {
          coding: { n: 20, medianSeconds: 3600 },
          pickup: { n: 20, medianSeconds: pickup },
          review: { n: 20, medianSeconds: 1800 },
          deploy: { n: 20, medianSeconds: 3600 },
        },
      },
    })
    const start = at('2025-01-01T00:00:00Z')
    const insight = diagnoseLeadTime('beta', [
      point(start, 36_000, 7200),
      point(start + 30 * DAY, 40_000, 9000),
      point(start + 60 * DAY, 90_000, 60_000),
      point(start + 90 * DAY, 120_000, 90_000),
    ])!
    expect(insight.title).toBe('Lead time of beta up 233%: pickup time grew')
    expect(insight.severity).toBe('critical')
    expect(insight.evidence[1]).toBe(
      'pickup time grew most: 2.0 h → 25.0 h, since the period starting 2025-03-02',
    )
    expect(
      diagnoseLeadTime('alpha', [point(start, 36_000, 7200), point(start + 30 * DAY, 37_000, 7000)]),
    ).toBeNull()
  })
})

describe('properties', () => {
  test('KR progress stays in 0–1 and moves toward the target monotonically', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (baseline, target, current, step) => {
          const p = krProgress(baseline, target, current)
          expect(p).toBeGreaterThanOrEqual(0)
          expect(p).toBeLessThanOrEqual(1)
          if (target !== baseline) {
            const towards = current + Math.sign(target - baseline) * step
            expect(krProgress(baseline, target, towards)).toBeGreaterThanOrEqual(p)
          }
        },
      ),
    )
  })

  test('a RACI cell parses to distinct A/R/C/I letters and reports everything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const { letters, invalid } = parseCell(text)
        expect(new Set(letters).size).toBe(letters.length)
        for (const letter of letters) expect(['A', 'R', 'C', 'I']).toContain(letter)
        const kept = text.toUpperCase().replace(/[\s/,+-]/g, '')
        expect(letters.length + invalid.length).toBeLessThanOrEqual([...kept].length)
        if (invalid.length === 0) for (const ch of kept) expect(['A', 'R', 'C', 'I']).toContain(ch)
      }),
    )
  })

  test('Mann–Whitney U is symmetric: U(a, b) + U(b, a) = n1 × n2 and p agrees', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 15 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 15 }),
        (a, b) => {
          const ab = mannWhitney(a, b)!
          const ba = mannWhitney(b, a)!
          expect(ab.u + ba.u).toBeCloseTo(a.length * b.length, 9)
          expect(ab.p).toBeCloseTo(ba.p, 9)
          expect(ab.effect).toBeCloseTo(-ba.effect, 9)
        },
      ),
    )
  })
})
