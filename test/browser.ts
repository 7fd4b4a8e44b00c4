/**
 * Browser tests run in Debian's Chromium through playwright-core (no browser download). Without
 * Chromium they fail with a clear message in CI (CI=true) and skip themselves elsewhere.
 */
import { existsSync } from 'node:fs'

/** `CHROMIUM_PATH` when set (a wrong one is missing, not replaced), else Debian's and Ubuntu's places. */
export const CHROMIUM = (
  process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']
).find((path) => existsSync(path))

export function requireChromium(): boolean {
  if (CHROMIUM) return true
  if (process.env.CI) {
    throw new Error('browser tests need Chromium: apt-get install chromium (or set CHROMIUM_PATH)')
  }
  return false
}
