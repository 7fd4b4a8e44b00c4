/** The README's tables that come from a registry are the registry's, word for word. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { sourceTable, webhookTable } from '../src/connectors/registry.js'
import { ROOT } from './helpers.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

describe('README', () => {
  test('the webhook table is the connector registry’s', () => {
    expect(readme).toContain(webhookTable())
  })

  test('the source table is the connector registry’s', () => {
    expect(readme).toContain(sourceTable())
  })

  test('the Dependencies section says why each runtime dependency is there', () => {
    const section = readme.slice(readme.indexOf('## Dependencies'))
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    const missing = Object.keys(dependencies).filter((name) => !section.includes(`\`${name}\``))
    expect(missing).toEqual([])
  })
})
