/**
 * Getting a report to people: a PDF printed by Debian's Chromium through playwright-core (no
 * browser download), and a post to a Slack-compatible incoming webhook.
 */
import { existsSync } from 'node:fs'
import { EngopsError } from '../model/errors.js'

const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]

/** The Chromium to drive: $CHROMIUM_PATH, else the usual system locations; null when none. */
export function findChromium(): string | null {
  const given = process.env.CHROMIUM_PATH
  if (given) return existsSync(given) ? given : null
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ?? null
}

export async function printPdf(html: string, file: string): Promise<void> {
  const executablePath = findChromium()
  if (!executablePath) {
    throw new EngopsError(
      'DEPENDENCY_MISSING',
      'PDF output needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH; or use --format html and print that',
    )
  }
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage()
    await page.setContent(html, { waitUntil: 'load' })
    await page.pdf({
      path: file,
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
    })
  } finally {
    await browser.close()
  }
}

/** Posts `{ "text": markdown }`, the payload Slack, Mattermost and Rocket.Chat incoming webhooks take. */
export async function postToWebhook(url: string, markdown: string): Promise<void> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new EngopsError('USAGE', `--post "${url}" is not a URL`)
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    throw new EngopsError('USAGE', `--post needs an http(s) URL, got ${target.protocol}`)
  let response: Response
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: markdown }),
      signal: AbortSignal.timeout(15_000),
    })
  } catch (error) {
    throw new EngopsError('DELIVERY_FAILED', `could not reach ${target.origin}: ${(error as Error).message}`)
  }
  if (!response.ok) {
    const body = (await response.text()).slice(0, 200)
    throw new EngopsError(
      'DELIVERY_FAILED',
      `${target.origin} answered ${response.status}${body ? `: ${body}` : ''}`,
    )
  }
}
