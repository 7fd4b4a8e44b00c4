/**
 * Every report on the fixed demo (seed 42, history to 2026-05-20, judged on 2026-05-21): golden
 * terminal, Markdown and JSON outputs; HTML structure (inline SVG, nothing fetched); the CLI's
 * --out, --post (to a local webhook) and PDF paths; and missing data said, not hidden.
 *
 * Goldens live in test/golden/reports; after an intended change, regenerate them with
 * UPDATE_GOLDEN=1 npx vitest run test/reports.e2e.test.ts and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import { buildReport, REPORTS, renderReport } from '../src/report/catalog.js'
import type { Report } from '../src/report/model.js'
import { engops, engopsAsync, MINIMAL_CONFIG, ROOT, storeFor, tempDir } from './helpers.js'

const GOLDEN = join(ROOT, 'test', 'golden', 'reports')
const NOW = Date.parse('2026-05-21T00:00:00Z')
const AT = ['--at', '2026-05-21']

/** The reports and the arguments the goldens are made with. */
const CASES: { file: string; name: string; argument?: string; period?: string }[] = [
  { file: 'monthly', name: 'monthly', period: '2026-05' },
  { file: 'weekly', name: 'weekly' },
  { file: 'qbr', name: 'qbr', period: '2026-Q2' },
  { file: 'reliability-huddle', name: 'reliability-huddle' },
  { file: 'wip-deps-sweep', name: 'wip-deps-sweep' },
  { file: 'eng-finance', name: 'eng-finance', period: '2026-04' },
  { file: 'eng-product', name: 'eng-product' },
  { file: 'baseline', name: 'baseline' },
  { file: 'team-beta', name: 'team', argument: 'beta' },
  { file: 'scorecard-sre', name: 'scorecard', argument: 'sre' },
]

let root: string
let demo: string
let cleanup: () => void
let engine: Engine
const reports = new Map<string, Report>()

beforeAll(async () => {
  const temp = tempDir()
  cleanup = temp.cleanup
  root = temp.dir
  demo = join(root, 'acme')
  const result = engops(['demo', '--dir', demo, '--seed', '42', '--end', '2026-05-20', '--quiet'], root)
  if (result.code !== 0) throw new Error(result.stderr)
  engine = await Engine.open({ config: join(demo, 'engops.yaml'), db: storeFor(demo) })
  for (const c of CASES) {
    reports.set(
      c.file,
      await buildReport(engine, { name: c.name, argument: c.argument, period: c.period, now: NOW }),
    )
  }
}, 120_000)

afterAll(async () => {
  await engine?.close()
  cleanup()
})

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file)
  // In CI a missing golden is a failure and nothing is written: a golden is reviewed, never made there.
  if (!existsSync(path) && process.env.CI === 'true' && !process.env.UPDATE_GOLDEN)
    throw new Error(`missing golden ${file} (CI): generate it locally with UPDATE_GOLDEN=1 and review it`)
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(path, actual)
    if (!process.env.UPDATE_GOLDEN) throw new Error(`wrote missing golden ${file}; review it and run again`)
    return
  }
  expect(actual, `${file} differs from its golden`).toBe(readFileSync(path, 'utf8'))
}

describe('golden outputs', () => {
  test('every report kind has a golden case', () => {
    expect(new Set(CASES.map((c) => c.name))).toEqual(new Set(Object.keys(REPORTS)))
  })

  for (const c of CASES) {
    test(`${c.file}: terminal, Markdown and JSON`, () => {
      const report = reports.get(c.file)!
      golden(`${c.file}.txt`, renderReport(report, 'terminal'))
      golden(`${c.file}.md`, renderReport(report, 'md'))
      golden(`${c.file}.json`, renderReport(report, 'json'))
    })
  }
})

describe('the reports read like the seeds', () => {
  test('the monthly report follows the seed dashboard and shows the demo’s stories', () => {
    const text = renderReport(reports.get('monthly')!, 'terminal')
    expect(text.split('\n')[0]).toBe('Engineering Metrics — May 2026')
    for (const heading of ['DORA METRICS', 'TEAM HEALTH', 'DELIVERY', 'COST'])
      expect(text).toContain(`\n${heading}\n`)
    expect(text).toMatch(/Deploy Frequency: [\d.]+\/day \((Elite|High|Medium|Low)/)
    expect(text).toMatch(/Lead Time: .* \((Elite|High|Medium|Low), target: < 1\.0 d/)
    // Beta regresses, payments burns its budget: both on the first page.
    expect(text).toMatch(/\[act\] {3}Beta /)
    expect(text).toContain('Lead time of beta up')
    expect(text).toContain('Error budget of payments-availability is exhausted')
    const md = renderReport(reports.get('monthly')!, 'md')
    expect(md).toContain('## 📊 DORA metrics')
    expect(md).toMatch(/- (✅|🟢|🟡|🔴) Deploy Frequency: /)
  })

  test('the weekly status has OKRs, initiatives, escalations, incidents, dependencies and decisions', () => {
    const report = reports.get('weekly')!
    expect(report.sections.map((s) => s.id)).toEqual([
      'okrs',
      'initiatives',
      'escalations',
      'incidents',
      'dependencies',
      'decisions',
    ])
    expect(report.sections[2]!.lines.some((l) => l.label === 'Dependency dep-2')).toBe(true)
  })

  test('the QBR scores the quarter’s OKRs', () => {
    const outcomes = reports.get('qbr')!.sections.find((s) => s.id === 'outcomes')!
    expect(outcomes.tables[0]!.columns).toContain('Score')
    expect(outcomes.lines.map((l) => l.label)).toContain('Ship customer value faster without breaking things')
  })
})

describe('HTML', () => {
  test('one self-contained file: valid structure, inline SVG charts, no external requests', async () => {
    const { renderHtml } = await import('../src/report/render-html.js')
    const html = renderHtml(reports.get('monthly')!)
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    expect(html.match(/<title>/g)).toHaveLength(1)
    expect((html.match(/<svg /g) ?? []).length).toBe(6)
    expect((html.match(/<section /g) ?? []).length).toBe(6)
    for (const forbidden of [
      /<script/i,
      /<link/i,
      /\ssrc=/i,
      /@import/i,
      /url\(\s*['"]?https?:/i,
      /<iframe/i,
    ])
      expect(html).not.toMatch(forbidden)
    // The only URLs are the SVG namespace declarations.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0])
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']))
    // Balanced sections and tables.
    for (const tag of ['section', 'table', 'figure', 'svg', 'ul'])
      expect((html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe(
        (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length,
      )
  })

  test('names from the data are escaped', async () => {
    const { renderHtml } = await import('../src/report/render-html.js')
    const report = structuredClone(reports.get('weekly')!)
    report.sections[0]!.title = '<img src=x onerror=alert(1)>'
    const html = renderHtml(report)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<img')
  })
})

describe('the CLI delivers', () => {
  let server: Server
  const received: { path: string; body: string }[] = []
  let base: string

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        received.push({ path: request.url ?? '', body })
        response
          .writeHead(request.url === '/broken' ? 500 : 200)
          .end(request.url === '/broken' ? 'no_service' : 'ok')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('--out writes the file; --format md matches the renderer', () => {
    const result = engops(['report', 'weekly', ...AT, '--format', 'md', '--out', 'weekly.md'], demo)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('wrote weekly.md')
    expect(readFileSync(join(demo, 'weekly.md'), 'utf8')).toBe(renderReport(reports.get('weekly')!, 'md'))
  })

  test('--post sends the Markdown to a Slack-compatible webhook; a refusing one is a clear error', async () => {
    // The webhook lives in this process: the CLI must run without blocking its event loop.
    const ok = await engopsAsync(['report', 'wip-deps-sweep', ...AT, '--post', `${base}/hook`], demo)
    expect(ok.code).toBe(0)
    const sent = received.find((r) => r.path === '/hook')!
    expect(JSON.parse(sent.body)).toEqual({ text: renderReport(reports.get('wip-deps-sweep')!, 'md') })
    const refused = await engopsAsync(['report', 'wip-deps-sweep', ...AT, '--post', `${base}/broken`], demo)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`engops: ${base} answered 500: no_service`)
    expect(refused.stderr).not.toContain('    at ')
  })

  test('PDF through Chromium when present, a clear message when not', () => {
    const missing = engops(['report', 'monthly', ...AT, '--format', 'pdf', '--out', 'm.pdf'], demo, {
      CHROMIUM_PATH: '/nonexistent/chromium',
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('PDF output needs Chromium')
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
    if (!chromium) return
    const made = engops(
      ['report', 'monthly', ...AT, '--period', '2026-05', '--format', 'pdf', '--out', 'm.pdf'],
      demo,
    )
    expect(made.code, made.stderr).toBe(0)
    expect(readFileSync(join(demo, 'm.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
  }, 60_000)

  test('usage mistakes are usage errors', () => {
    expect(engops(['report', 'nope'], demo).stderr).toContain('unknown report "nope"')
    expect(engops(['report', 'team'], demo).stderr).toContain('report team needs a team')
    expect(engops(['report', 'team', 'zeta'], demo).stderr).toContain('unknown team "zeta"')
    expect(engops(['report', 'monthly', '--period', 'May'], demo).code).toBe(2)
  })
})

test('a report without data says so and why, section by section', () => {
  const dir = join(root, 'empty')
  mkdirSync(dir)
  writeFileSync(join(dir, 'engops.yaml'), MINIMAL_CONFIG)
  const result = engops(['report', 'monthly', '--period', '2026-05', '--at', '2026-06-02'], dir)
  expect(result.code).toBe(0)
  expect(result.stdout).toContain('DORA METRICS\nNo data: no deployments or incidents in the period')
  expect(result.stdout).toContain('TEAM HEALTH\nNo data: no person events, surveys or requisitions')
  expect(result.stdout).toContain('COST\nNo data: no cost or business events')
})
