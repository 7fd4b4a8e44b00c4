import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { releaseTagFilter } from './tags.js'

const byDefault = releaseTagFilter({ patterns: [], exclude: [], semver: true, prereleases: false })
const version = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(999)).map((parts) => parts.join('.'))
const prerelease = fc.constantFrom('alpha', 'beta.2', 'rc.1', 'next.0')

describe('which tags are releases', () => {
  test('a version with or without v is a release; its pre-releases are not', () => {
    fc.assert(
      fc.property(version, fc.boolean(), prerelease, (v, prefixed, pre) => {
        const name = `${prefixed ? 'v' : ''}${v}`
        expect(byDefault(name)).toBeNull()
        expect(byDefault(`${name}-${pre}`)).toBe('prereleases')
      }),
    )
  })

  test('names that are no version are not releases unless any tag is asked for', () => {
    for (const name of ['nightly-1', 'create-vite@5.0.0', 'release', 'v1'])
      expect(byDefault(name), name).toBe('notVersions')
    const any = releaseTagFilter({ patterns: ['nightly-*'], exclude: [], semver: false, prereleases: false })
    expect(any('nightly-1')).toBeNull()
    expect(any('v1.0.0')).toBe('unmatched')
  })
})
