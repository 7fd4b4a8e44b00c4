/**
 * The one-way imports of DESIGN.md, enforced: metrics/ and operating/ are pure (no node:*, no
 * store, no I/O packages), and nothing below the surfaces imports the CLI, server or reports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ROOT } from './helpers.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
}

const src = join(ROOT, 'src')
const layer = (file: string) => relative(src, file).split('/')[0]!

/** Which layers each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  model: [],
  metrics: ['model'],
  operating: ['model', 'metrics'],
  config: ['model', 'metrics', 'connectors'],
  store: ['model'],
  ingest: ['model', 'store'],
  connectors: ['model'],
  demo: ['model'],
  engine: ['model', 'config', 'store', 'ingest', 'connectors', 'metrics', 'operating'],
  report: ['model', 'engine', 'metrics', 'operating'],
  rituals: ['model', 'engine', 'report', 'metrics', 'operating'],
  server: ['model', 'engine', 'report', 'rituals'],
  cli: ['model', 'config', 'engine', 'report', 'demo', 'metrics', 'operating', 'rituals', 'server'],
}

describe('architecture', () => {
  const files = sourceFiles(src)

  test('every source file sits in a known layer', () => {
    for (const file of files) expect(Object.keys(ALLOWED)).toContain(layer(file))
  })

  test('imports flow one way', () => {
    const violations: string[] = []
    for (const file of files) {
      const from = layer(file)
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue
        const to = relative(src, join(file, '..', spec)).split('/')[0]!
        if (to !== from && !ALLOWED[from]!.includes(to)) violations.push(`${relative(ROOT, file)} → ${spec}`)
      }
    }
    expect(violations).toEqual([])
  })

  test("the README's Layout table says what each layer may import, as enforced here", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const rows = [...readme.matchAll(/^\| `src\/(\w+)\/` \| [^|]+ \| ([^|]+) \|$/gm)]
    const documented = Object.fromEntries(
      rows.map((m) => [
        m[1],
        m[2]!.trim() === '—' ? [] : m[2]!.split(',').map((x) => x.trim().replace(/`/g, '')),
      ]),
    )
    expect(documented).toEqual(ALLOWED)
  })

  test('metrics/ and operating/ are pure: no node:*, no database, no process', () => {
    const violations: string[] = []
    for (const file of files.filter((f) => ['metrics', 'operating', 'model'].includes(layer(f)))) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:') || ['better-sqlite3', 'kysely', 'pg', 'commander'].includes(spec)) {
          violations.push(`${relative(ROOT, file)} imports ${spec}`)
        }
      }
      if (/\bprocess\.|\bconsole\./.test(readFileSync(file, 'utf8')))
        violations.push(`${relative(ROOT, file)} uses process or console`)
    }
    expect(violations).toEqual([])
  })
})
