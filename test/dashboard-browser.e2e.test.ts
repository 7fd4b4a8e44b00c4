/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard in real Chromium against `engops serve` (the real CLI, a real store with the
 * demo organization): the overview renders fast, every page opens without an error banner or a
 * console error, charts are drawn (checked in the DOM and in decoded screenshots), a chart
 * drills into its events, and the team and period pickers change what is shown.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM, requireChromium } from './browser.js'
import { BIN, cliEnv, engops, tempDir } from './helpers.js'
import { decodePng } from './png.js'

const available = requireChromium()

const PAGES = [
  'Overview',
  'DORA',
  'Flow & reviews',
  'Reliability',
  'Delivery & quality',
  'Team health & hiring',
  'Cost',
  'Platform & DX',
  'Services',
  'OKRs',
  'Initiatives',
  'Dependencies',
  'RACI',
  'Topology',
  'Scorecards',
  'Insights',
]

describe.skipIf(!available)('the dashboard in Chromium', () => {
  let browser: Browser
  let server: ChildProcess
  let url: string
  let token: string
  let cleanup: () => void

  beforeAll(async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const demo = join(temp.dir, 'acme')
    const made = engops(['demo', '--dir', demo, '--quiet'], temp.dir)
    if (made.code !== 0) throw new Error(made.stderr)
    server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: demo,
      env: cliEnv(['serve'], demo),
    })
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      server.stdout!.on('data', (chunk) => {
        text += chunk
        if (/^ready$/m.test(text)) resolve(text)
      })
      server.on('exit', () => reject(new Error(`serve exited: ${text}`)))
    })
    url = /at (http:\/\/\S+)/.exec(output)![1]!
    token = /#token=(\S+)/.exec(output)![1]!
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] })
    // Chromium's own first page (its renderer and network processes starting) is the browser's
    // start, not the dashboard's: it is paid here. Every page below still opens in a context of
    // its own, with an empty cache.
    const first = await browser.newPage()
    await first.goto(`${url}/api/health`)
    await first.close()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    server?.kill('SIGTERM')
    cleanup?.()
  })

  async function open(path = '/'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${url}/#${path}${path.includes('?') ? '&' : '?'}token=${token}`)
    return { page, errors }
  }

  /** Drawn marks per chart on the page: paths with real geometry. */
  const chartMarks = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('figure.chart svg')].map(
        (svg) =>
          [...svg.querySelectorAll('path')].filter((p) => {
            const box = (p as SVGGraphicsElement).getBBox()
            return (p.getAttribute('d') ?? '').length > 10 && (box.width > 4 || box.height > 4)
          }).length,
      ),
    )

  function inspect(png: Buffer): { colours: number; coloured: number } {
    const image = decodePng(png)
    const colours = new Set<number>()
    let coloured = 0
    for (let i = 0; i < image.pixels.length; i += 4) {
      const [r, g, b] = [image.pixels[i]!, image.pixels[i + 1]!, image.pixels[i + 2]!]
      colours.add((r << 16) | (g << 8) | b)
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
    }
    return { colours: colours.size, coloured: coloured / (image.width * image.height) }
  }

  test('the overview renders within a second, with KPI tiles and drawn charts', async () => {
    const { page, errors } = await open('/')
    // From the start of navigation (performance.now() is 0 then) to the first KPI tiles drawn.
    const firstRender = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const done = () => {
            if (!document.querySelector('.tile')) return false
            resolve(performance.now())
            return true
          }
          if (done()) return
          new MutationObserver((_, observer) => done() && observer.disconnect()).observe(document.body, {
            childList: true,
            subtree: true,
          })
        }),
    )
    console.log(`overview first render: ${Math.round(firstRender)} ms after navigation start`)
    expect(firstRender).toBeLessThan(1000)
    expect(await page.locator('.tile').count()).toBeGreaterThan(60)
    // Status is written, not only coloured.
    expect(await page.locator('.tile .word').first().textContent()).toMatch(/on target|watch|act|no data/)
    await page.waitForSelector('figure.chart svg path', { state: 'attached' })
    await page.waitForTimeout(300)
    for (const marks of await chartMarks(page)) expect(marks).toBeGreaterThan(3)
    const shot = inspect(await page.locator('figure.chart').first().screenshot())
    expect(shot.colours).toBeGreaterThan(20)
    expect(shot.coloured).toBeGreaterThan(0.01)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('every page opens without an error banner or console error; screenshots are not blank', async () => {
    const { page, errors } = await open('/')
    await page.waitForSelector('.tile')
    for (const title of PAGES) {
      await page.getByRole('link', { name: title, exact: true }).click()
      await page.waitForFunction(() => !document.querySelector('.loading'), undefined, { timeout: 30_000 })
      await page.waitForSelector('main h2', { timeout: 30_000 })
      await page.waitForTimeout(200)
      expect(await page.locator('[role=alert]').count(), `${title}: error banner`).toBe(0)
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(title)
      const marks = await chartMarks(page)
      for (const m of marks) expect(m, `${title}: a chart without marks`).toBeGreaterThan(0)
      const shot = inspect(await page.screenshot())
      expect(shot.colours, `${title}: blank screenshot`).toBeGreaterThan(30)
    }
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)

  test('a chart drills down to its events; team and period pickers change the view', async () => {
    const { page, errors } = await open('/dora')
    await page.waitForSelector('figure[data-chart="deploy_frequency"] svg path', { state: 'attached' })
    await page.waitForTimeout(300)
    // Click the chart itself: the last bar of deploy frequency (this month).
    const bar = page.locator('figure[data-chart="deploy_frequency"] svg path[fill="#2563eb"]').last()
    await bar.click({ force: true })
    await page.waitForSelector('[data-drilldown="deployments"] tbody tr')
    expect(await page.locator('[data-drilldown="deployments"] h3').textContent()).toMatch(
      /^Deploy frequency — \w{3} \d{4}: the deployments$/,
    )
    expect(await page.locator('[data-drilldown="deployments"] tbody tr').count()).toBeGreaterThan(0)
    // The same drill-down by keyboard: the figcaption buttons.
    await page.getByRole('button', { name: 'Close' }).click()
    await page.locator('figure[data-chart="mttr"] figcaption button').last().focus()
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-drilldown="incidents"]')

    // Cost and CI charts drill into their own lists: last month's bar (cost lines are monthly, so
    // the month under way has none yet), exactly the lines its number summed.
    await page.getByRole('link', { name: 'Cost', exact: true }).click()
    await page.locator('figure[data-chart="cloud_spend"] figcaption button').nth(-2).click()
    await page.waitForSelector('[data-drilldown="costs"] tbody tr')
    await page.getByRole('link', { name: 'Platform & DX', exact: true }).click()
    await page.locator('figure[data-chart="build_time_p50"] figcaption button').nth(-2).click()
    await page.waitForSelector('[data-drilldown="pipeline-runs"] tbody tr')
    await page.getByRole('link', { name: 'DORA', exact: true }).click()
    await page.waitForSelector('[data-kpi="deploy_frequency"] .value')

    const orgValue = await page.locator('[data-kpi="deploy_frequency"] .value').textContent()
    await page.getByLabel('team', { exact: true }).selectOption('beta')
    await page.waitForFunction(() => window.location.hash.includes('team=beta'))
    await page.waitForFunction(
      (before) => document.querySelector('[data-kpi="deploy_frequency"] .value')?.textContent !== before,
      orgValue,
    )
    expect(await page.locator('[data-kpi="deploy_frequency"] .value').textContent()).not.toBe(orgValue)
    await page.getByLabel('period', { exact: true }).selectOption('90')
    await page.waitForFunction(() => window.location.hash.includes('period=90'))
    await page.waitForSelector('.tile')
    expect(await page.locator('[role=alert]').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('without a token the API refuses and the page says why', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/`)
    await page.waitForSelector('[role=alert]')
    expect(await page.locator('[role=alert]').textContent()).toContain('a valid API token is needed')
    await page.close()
  })
})
