/**
 * Says loudly, at the end of a run outside CI, how many browser tests were skipped because no
 * Chromium was found, and how to install one (in CI they fail instead: see browser.ts).
 */
import type { Reporter, TestModule } from 'vitest/node'
import { CHROMIUM } from './browser.js'

export default class SkippedBrowserTests implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    if (CHROMIUM || process.env.CI) return
    let skipped = 0
    for (const module of modules) {
      if (!/-browser\.e2e\.test\.ts$/.test(module.moduleId)) continue
      for (const test of module.children.allTests()) if (test.result().state === 'skipped') skipped++
    }
    if (skipped === 0) return
    process.stderr.write(
      `\n*** ${skipped} browser test${skipped === 1 ? ' was' : 's were'} SKIPPED: no Chromium found (${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist` : 'looked for /usr/bin/chromium and /usr/bin/chromium-browser'}).\n*** Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary, then run npm test again.\n\n`,
    )
  }
}
