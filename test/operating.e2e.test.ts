/**
 * The operating-model commands run as a user runs them: on the demo organization (where the
 * gates fail exactly where its stories say), on a broken org file (JUnit for CI, exit 1, no
 * store needed) and on bad input (file, line, path; nothing stored).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { engops, engopsJson, storeCounts, storeRows, tempDir } from './helpers.js'

let root: string
let demo: string
let cleanup: () => void
/** The demo's history ends on 2026-05-20: week 8 of 2026-Q2. */
const AT = ['--at', '2026-05-21']

beforeAll(() => {
  const temp = tempDir()
  cleanup = temp.cleanup
  root = temp.dir
  demo = join(root, 'acme')
  const result = engops(['demo', '--dir', demo, '--seed', '42', '--end', '2026-05-20', '--quiet'], root)
  if (result.code !== 0) throw new Error(result.stderr)
})
afterAll(() => cleanup())

/** Well-formed XML: balanced tags, quoted attributes, no stray & or <. Returns the element names. */
function xmlElements(text: string): string[] {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '')
  const names: string[] = []
  const stack: string[] = []
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy
  let consumed = 0
  for (let match = token.exec(body); match !== null; match = token.exec(body)) {
    consumed = token.lastIndex
    const [, closing, name, , selfClosing, textPart] = match
    if (textPart !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(textPart)) throw new Error(`unescaped & in ${textPart}`)
      continue
    }
    if (closing) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`)
    } else {
      names.push(name!)
      if (!selfClosing) stack.push(name!)
    }
  }
  if (consumed !== body.length) throw new Error(`not XML at ${body.slice(consumed, consumed + 40)}`)
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)}>`)
  return names
}

const BROKEN = `org: { name: Broken Co, timezone: UTC }
people:
  - { id: ana, name: Ana Lima, team: web, role: tech-lead }
teams:
  - { id: web, name: Web, type: stream-aligned, members: [ana] }
  - { id: core, name: Core, type: platform }
services:
  - { id: shop, owner: web, tier: 1 }
  - { id: cart, owner: core, tier: 3 }
okrs:
  - { id: lonely, level: team, owner: web, period: 2026-Q2, objective: Ship it,
      keyResults: [{ id: k1, title: Ship the portal }] }
dependencies:
  - { provider: core, consumer: web, what: "Auth <v2> & SSO", status: blocked }
  - { provider: web, consumer: core, what: User API }
raci:
  responsibilities:
    "Change calendar & freeze rules": { cto: A, hoe: A, tl: R }
`

describe('engops check on a broken org file (no store: the static gates)', () => {
  test('JUnit XML, valid, with a failure per broken gate, and exit 1', () => {
    writeFileSync(join(root, 'broken.yaml'), BROKEN)
    const result = engops(['--config', 'broken.yaml', 'check', '--format', 'junit'], root)
    expect(result.code).toBe(1)
    const names = xmlElements(result.stdout)
    expect(names.filter((n) => n === 'testcase')).toHaveLength(11)
    const failures = [
      ...result.stdout.matchAll(/<testcase classname="engops.check" name="([\w-]+):[^"]*"><failure/g),
    ].map((m) => m[1])
    expect(failures).toEqual(['service-owner', 'slos-and-runbooks', 'raci', 'okr-lint', 'dependency-hygiene'])
    // The data gates are skipped, with the reason, not failed.
    expect(result.stdout).toContain('<skipped message="needs the store (run with ingested data)"/>')
    // Names with XML specials are escaped.
    expect(result.stdout).toContain('Change calendar &amp; freeze rules')
    expect(result.stdout).toContain(
      'broken.yaml:18: Change calendar &amp; freeze rules: 2 A&apos;s (cto, hoe)',
    )
  })

  test('text and JSON name file and line; a clean org passes with exit 0', () => {
    const text = engops(['--config', 'broken.yaml', 'check'], root)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('broken.yaml:8: shop: tier-1 service without an SLO')
    expect(text.stdout).toContain('dependency cycle between core, web')
    const json = JSON.parse(engops(['--config', 'broken.yaml', 'check', '--json'], root).stdout)
    expect(json.passed).toBe(false)
    writeFileSync(
      join(root, 'clean.yaml'),
      'org: { name: Clean }\nteams: [{ id: web, name: Web, type: stream-aligned, members: [ana] }]\npeople: [{ id: ana, name: Ana }]\nservices: [{ id: shop, owner: web, tier: 3, lifecycle: experimental }]\n',
    )
    const clean = engops(['--config', 'clean.yaml', 'check'], root)
    expect(clean.code).toBe(0)
    expect(clean.stdout.trim().endsWith('passed')).toBe(true)
  })

  test('a bad org file is a clear error for every operating command: file, line, path; no stack', () => {
    writeFileSync(
      join(root, 'bad.yaml'),
      'org: { name: Bad }\nteams:\n  - { id: web, name: Web, type: squad }\n',
    )
    for (const args of [
      ['check'],
      ['raci'],
      ['deps'],
      ['okr', 'lint'],
      ['audit', 'tools'],
      ['okr', 'status'],
    ]) {
      const result = engops(['--config', 'bad.yaml', ...args], root)
      expect(result.code, args.join(' ')).toBe(1)
      expect(result.stderr).toContain('bad.yaml: 1 problem')
      expect(result.stderr).toMatch(/bad\.yaml:3: teams\[0\]\.type/)
      expect(result.stderr).not.toContain('    at ')
    }
  })
})

describe('on the demo organization', () => {
  test('check fails exactly where the stories say', () => {
    const result = engops(['check', '--json', ...AT], demo)
    expect(result.code).toBe(1)
    const answer = JSON.parse(result.stdout) as {
      gates: {
        id: string
        status: string
        severity: string
        findings: { subject: string; message: string }[]
      }[]
    }
    const status = Object.fromEntries(answer.gates.map((g) => [g.id, g.status]))
    expect(status).toEqual({
      'service-owner': 'pass',
      'slos-and-runbooks': 'pass',
      // Four tier-3/4 services run without SLOs: a warning, not a failure.
      'slos-before-ga': 'fail',
      'wip-bets': 'pass',
      raci: 'pass',
      // Beta's review KR was last checked in three weeks ago.
      'okr-lint': 'fail',
      // Beta has been blocked on Platform's secrets store for 55 days, past its need-by date.
      'dependency-hygiene': 'fail',
      // The last weeks' postmortems and action items are late.
      'postmortems-overdue': 'fail',
      'postmortem-quality': 'pass',
      'change-freeze': 'pass',
      // Payments kept shipping features after its error budget ran out.
      'error-budget': 'fail',
    })
    const gate = (id: string) => answer.gates.find((g) => g.id === id)!
    expect(gate('slos-before-ga').severity).toBe('warning')
    expect(gate('okr-lint').findings.map((f) => f.subject)).toEqual(['kr-beta-pickup'])
    expect(new Set(gate('dependency-hygiene').findings.map((f) => f.subject))).toEqual(new Set(['dep-2']))
    expect(gate('error-budget').findings.map((f) => f.subject)).toEqual(['payments-availability'])
    // Without --at the same gates are judged today: still a clean exit code contract.
    expect([0, 1]).toContain(engops(['check'], demo).code)
  })

  test('okr status: the company OKR is off track in week 8 and escalated; bound KRs read live metrics', () => {
    const answer = engopsJson<{
      objectives: {
        id: string
        week: number
        status: string
        escalate: boolean
        keyResults: { id: string; source: string }[]
      }[]
    }>(['okr', 'status', ...AT], demo)
    const company = answer.objectives.find((o) => o.id === 'company-speed')!
    expect(company).toMatchObject({ week: 8, status: 'off-track', escalate: true })
    expect(company.keyResults.map((k) => k.source)).toEqual(['metric', 'metric'])
    const tree = engops(['okr', 'tree', ...AT], demo)
    expect(tree.stdout.split('\n')[0]).toContain('Ship customer value faster')
    expect(engops(['okr', 'tree', '--format', 'mermaid', ...AT], demo).stdout).toContain(
      'o_company_speed --> o_beta_reviews',
    )
  })

  test('okr checkin is recorded as an event and moves the KR; a bad KR changes nothing', async () => {
    const dir = join(root, 'checkin')
    engops(['demo', '--dir', dir, '--seed', '42', '--end', '2026-05-20', '--quiet'], root)
    const saved = engopsJson<{ kr: string; value: number }>(
      [
        'okr',
        'checkin',
        'kr-beta-pickup',
        '--value',
        '12',
        '--confidence',
        'on-track',
        '--comment',
        'rotation works',
        '--at',
        '2026-05-20T12:00:00Z',
      ],
      dir,
    )
    expect(saved).toMatchObject({ kr: 'kr-beta-pickup', value: 12 })
    const kr = engopsJson<{
      objectives: { keyResults: { id: string; current: number; source: string; progress: number }[] }[]
    }>(['okr', 'status', ...AT], dir)
      .objectives.flatMap((o) => o.keyResults)
      .find((k) => k.id === 'kr-beta-pickup')!
    // (30 − 12) / (30 − 4) = 18 / 26.
    expect(kr).toMatchObject({ current: 12, source: 'check-in' })
    expect(kr.progress).toBeCloseTo(18 / 26, 10)
    const lint = engops(['okr', 'lint', ...AT], dir)
    expect(lint.code).toBe(0)
    const checkins = () => storeRows(dir, "select * from records where type = 'okr_checkin' order by id")
    const before = { counts: await storeCounts(dir), checkins: await checkins() }
    const bad = engops(['okr', 'checkin', 'kr-nope', '--value', '1'], dir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown key result "kr-nope"')
    expect({ counts: await storeCounts(dir), checkins: await checkins() }).toEqual(before)
  })

  test('deps, raci, topology, maturity, experiments, audits, risks and insights tell the demo’s stories', () => {
    const deps = engopsJson<{ hubs: { team: string }[]; dependencies: { id: string; excuse: boolean }[] }>(
      ['deps', ...AT],
      demo,
    )
    expect(deps.hubs.map((h) => h.team)).toEqual(['platform'])
    expect(deps.dependencies.filter((d) => d.excuse).map((d) => d.id)).toEqual(['dep-2'])
    expect(engops(['deps', '--format', 'dot', ...AT], demo).stdout).toMatch(/^digraph dependencies \{/)
    expect(engops(['deps', '--format', 'mermaid', ...AT], demo).stdout).toMatch(/^graph LR/)

    expect(engops(['raci', '--format', 'csv'], demo).stdout.split('\n')).toHaveLength(19)
    expect(engops(['raci', '--check'], demo).code).toBe(0)
    const who = engopsJson<{ responsibility: string; A: { role: string; people: string[] }[] }>(
      ['raci', '--who', 'who is accountable for the change calendar?'],
      demo,
    )
    expect(who.responsibility).toBe('Change calendar & freeze rules')
    expect(who.A).toEqual([{ role: 'hoe', name: 'Head of Engineering / VP Eng', people: ['David Osei'] }])

    const topology = engopsJson<{ antiPatterns: { kind: string; subject: string }[] }>(
      ['topology', ...AT],
      demo,
    )
    expect(topology.antiPatterns.map((a) => `${a.kind}:${a.subject}`)).toEqual(
      expect.arrayContaining(['shared-service-bottleneck:platform', 'cognitive-load:beta']),
    )

    const maturity = engopsJson<{ assessments: { model: string; subject: string; level: number }[] }>(
      ['maturity', ...AT],
      demo,
    )
    expect(maturity.assessments[0]).toMatchObject({ model: 'incident-management', subject: 'Acme', level: 3 })
    expect(maturity.assessments.find((a) => a.subject === 'beta')!.level).toBe(3)

    const experiments = engopsJson<{ experiments: { id: string; verdict: string }[] }>(['experiment'], demo)
    expect(experiments.experiments.map((x) => `${x.id}:${x.verdict}`)).toEqual([
      'beta-review-rotation:revert',
      'alpha-small-prs:inconclusive',
    ])

    const meetings = engopsJson<{ meetings: { name: string; verdict: string }[] }>(
      ['audit', 'meetings'],
      demo,
    )
    expect(meetings.meetings.map((m) => m.verdict)).toEqual(['keep', 'keep', 'reduce', 'kill'])
    const tools = engopsJson<{ overlaps: { category: string }[] }>(['audit', 'tools'], demo)
    expect(tools.overlaps.map((o) => o.category)).toEqual(['issue tracking'])

    const risks = engopsJson<{ risks: { id: string; source: string }[] }>(['risks', ...AT], demo)
    expect(risks.risks.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'budget:payments-availability',
        'dependency:dep-2',
        'soc2-vendor',
        'okr:company-speed',
      ]),
    )

    const insights = engopsJson<{ insights: { kind: string; subject: string; title: string }[] }>(
      ['insights', ...AT],
      demo,
    )
    const beta = insights.insights.find((i) => i.kind === 'lead-time-regression' && i.subject === 'beta')!
    expect(beta.title).toMatch(/^Lead time of beta up \d+%: pickup time grew$/)
    expect(
      insights.insights.some((i) => i.kind === 'error-budget' && i.subject === 'payments-availability'),
    ).toBe(true)
    expect(insights.insights.some((i) => i.kind === 'dependency-overdue' && i.subject === 'dep-2')).toBe(true)

    const initiatives = engopsJson<{ initiatives: { id: string; health: string; watermelon: boolean }[] }>(
      ['initiatives', ...AT],
      demo,
    )
    expect(initiatives.initiatives.find((i) => i.id === 'review-sla')).toMatchObject({
      health: 'off-track',
      watermelon: true,
    })
  })
})
