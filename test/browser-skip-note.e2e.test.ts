/**
 * Without Chromium, outside CI, the browser tests skip themselves and the run ends by saying how
 * many were skipped and how to install Chromium (test/skipped-browser-reporter.ts).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { ROOT } from './helpers.js'

test('npm test says loudly how many browser tests were skipped and why', () => {
  const { CI: _ci, ENGOPS_TEST_POSTGRES: _pg, ...env } = process.env
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'report-browser.e2e'],
    { cwd: ROOT, env: { ...env, CHROMIUM_PATH: '/nonexistent/chromium' }, encoding: 'utf8' },
  )
  expect(run.status, run.stdout + run.stderr).toBe(0)
  expect(run.stderr).toContain(
    '*** 2 browser tests were SKIPPED: no Chromium found (CHROMIUM_PATH=/nonexistent/chromium does not exist).',
  )
  expect(run.stderr).toContain('sudo apt-get install chromium')
}, 120_000)
