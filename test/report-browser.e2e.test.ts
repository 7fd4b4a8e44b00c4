/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The monthly HTML report in real Chromium: nothing is fetched, nothing logs an error, no text
 * overflows its box, every chart is drawn, and the screenshot shows it (decoded and inspected).
 */
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import { buildReport } from '../src/report/catalog.js'
import { renderHtml } from '../src/report/render-html.js'
import { CHROMIUM, requireChromium } from './browser.js'
import { engops, storeFor, tempDir } from './helpers.js'
import { decodePng } from './png.js'

const available = requireChromium()

describe.skipIf(!available)('the monthly HTML report in Chromium', () => {
  let browser: Browser
  let html: string
  let cleanup: () => void

  beforeAll(async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const demo = join(temp.dir, 'acme')
    const result = engops(['demo', '--dir', demo, '--seed', '42', '--end', '2026-05-20', '--quiet'], temp.dir)
    if (result.code !== 0) throw new Error(result.stderr)
    const engine = await Engine.open({ config: join(demo, 'engops.yaml'), db: storeFor(demo) })
    try {
      html = renderHtml(
        await buildReport(engine, {
          name: 'monthly',
          period: '2026-05',
          now: Date.parse('2026-05-21T00:00:00Z'),
        }),
      )
    } finally {
      await engine.close()
    }
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    cleanup?.()
  })

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`renders at ${viewport.width}px: charts drawn, no overflow, no requests, no console errors`, async () => {
      const page = await browser.newPage({ viewport })
      const requests: string[] = []
      const errors: string[] = []
      page.on('request', (request) => requests.push(request.url()))
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(error.message))
      await page.setContent(html, { waitUntil: 'load' })

      const layout = await page.evaluate(() => {
        const figures = [...document.querySelectorAll('figure svg')].map((svg) => {
          const marks = [...svg.querySelectorAll('path')].filter((p) => {
            const box = (p as SVGGraphicsElement).getBBox()
            return (p.getAttribute('d') ?? '').length > 10 && (box.width > 4 || box.height > 4)
          })
          const rect = svg.getBoundingClientRect()
          return { marks: marks.length, width: rect.width, height: rect.height }
        })
        const overflowing = [...document.querySelectorAll('h1, h2, p, li, td, th, caption, figure')]
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName}: ${(el.textContent ?? '').slice(0, 40)}`)
        return {
          figures,
          overflowing,
          pageWidth: document.documentElement.scrollWidth,
          viewport: window.innerWidth,
        }
      })
      expect(requests).toEqual([])
      expect(errors).toEqual([])
      expect(layout.figures).toHaveLength(6)
      for (const figure of layout.figures) {
        expect(figure.marks).toBeGreaterThan(3)
        expect(figure.width).toBeGreaterThan(200)
        expect(figure.height).toBeGreaterThan(80)
      }
      expect(layout.overflowing).toEqual([])
      expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport)

      // The screenshot of the first chart: mostly background, with drawn marks in colour.
      const shot = decodePng(await page.locator('figure').first().screenshot())
      let coloured = 0
      const colours = new Set<number>()
      for (let i = 0; i < shot.pixels.length; i += 4) {
        const [r, g, b] = [shot.pixels[i]!, shot.pixels[i + 1]!, shot.pixels[i + 2]!]
        colours.add((r << 16) | (g << 8) | b)
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
      }
      const share = coloured / (shot.width * shot.height)
      expect(shot.width).toBeGreaterThan(200)
      expect(colours.size).toBeGreaterThan(20)
      expect(share).toBeGreaterThan(0.005)
      expect(share).toBeLessThan(0.6)
      const page1 = decodePng(await page.screenshot({ fullPage: true }))
      expect(page1.width).toBe(viewport.width)
      await page.close()
    }, 60_000)
  }
})
