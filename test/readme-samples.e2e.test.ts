/**
 * The README's sample output is what engops prints: the quick start's monthly report (a demo whose
 * history ends on 2026-11-01) and the lines `engops serve` writes, made again here from the demo.
 * Lines shown as `…` are elided; the port and the token differ from run to run.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { BIN, cliEnv, engops, ROOT, tempDir } from './helpers.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const quickStart = readme.slice(readme.indexOf('## Quick start'))
/** The first sample output (a block whose fence names no language) of the quick start. */
function firstSample(text: string): string[] {
  const lines = text.split('\n')
  for (let i = 0, open: string | null = null, start = 0; i < lines.length; i++) {
    const fence = /^```(\S*)$/.exec(lines[i] ?? '')
    if (!fence) continue
    if (open === null) {
      open = fence[1] ?? ''
      start = i + 1
    } else {
      if (open === '') return lines.slice(start, i)
      open = null
    }
  }
  return []
}
const sample = firstSample(quickStart)
const serveStart = sample.findIndex((line) => line.startsWith('engops serving'))
/** A port and a token as placeholders, for lines whose port and token change with every run. */
const shape = (line: string) =>
  line.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT').replace(/eo_[0-9a-f]{12}_\S*?(?="|$|\s)/g, 'TOKEN')

let root: string
let cleanup: () => void
const config = () => ['--config', join(root, 'demo', 'engops.yaml')]

beforeAll(() => {
  ;({ dir: root, cleanup } = tempDir())
  const demo = engops(['demo', '--dir', join(root, 'demo'), '--end', '2026-11-01', '--quiet'], root)
  expect(demo.code, demo.stderr).toBe(0)
})
afterAll(() => cleanup())

test('the quick start shows lines of the monthly report as the demo prints them', () => {
  expect(serveStart).toBeGreaterThan(3)
  const report = engops([...config(), 'report', 'monthly', '--period', '2026-10', '--at', '2026-11-01'], root)
  expect(report.code, report.stderr).toBe(0)
  const printed = report.stdout.split('\n')
  const shown = sample.slice(0, serveStart).filter((line) => line !== '…')
  expect(shown.length).toBeGreaterThan(5)
  for (const line of shown) expect(printed, line).toContain(line)
  // In the report's order.
  const positions = shown.map((line) => printed.indexOf(line))
  expect(positions).toEqual([...positions].sort((a, b) => a - b))
})

test('the quick start shows the lines engops serve prints', async () => {
  const args = [...config(), 'serve', '--port', '0']
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env: cliEnv(args, root) })
  try {
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
        if (text.includes('ready\n')) resolve(text)
      })
      child.on('exit', () => reject(new Error(`serve exited: ${text}`)))
    })
    expect(output.trim().split('\n').map(shape)).toEqual(sample.slice(serveStart).map(shape))
  } finally {
    child.kill('SIGTERM')
  }
}, 60_000)
