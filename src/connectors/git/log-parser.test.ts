import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { GitLogParser, type ParsedCommit, unquotePath } from './log-parser.js'

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 })
const safeText = fc.string({ unit: fc.constantFrom(...'abcdefgh XYZ.-_@éü'), minLength: 1, maxLength: 20 })
const plainPath = fc
  .string({ unit: fc.constantFrom(...'abc/._-xyzé'), minLength: 1, maxLength: 30 })
  .filter((p) => !p.startsWith('"'))

const commitArb = fc.record({
  sha: hex,
  parents: fc.array(hex, { maxLength: 3 }),
  authorName: safeText,
  authorEmail: safeText,
  authoredAt: fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => s * 1000),
  committedAt: fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => s * 1000),
  files: fc.array(
    fc.record({
      path: plainPath,
      additions: fc.option(fc.nat(10_000), { nil: null }),
      deletions: fc.option(fc.nat(10_000), { nil: null }),
    }),
    { maxLength: 5 },
  ),
})

/** Prints commits the way `git log --format=… --numstat` does. */
function render(commits: ParsedCommit[]): string {
  return commits
    .map((c) => {
      const header = `\x1e${[c.sha, c.parents.join(' '), c.authorName, c.authorEmail, c.authoredAt / 1000, c.committedAt / 1000].join('\x1f')}\n`
      if (c.files.length === 0) return header
      // Binary files are "-\t-" in git; a file's two counts are either both known or both unknown.
      const files = c.files.map(
        (f) =>
          `${f.additions === null || f.deletions === null ? '-\t-' : `${f.additions}\t${f.deletions}`}\t${f.path}\n`,
      )
      return `${header}\n${files.join('')}`
    })
    .join('\n')
}

const normalize = (commits: ParsedCommit[]) =>
  commits.map((c) => ({
    ...c,
    files: c.files.map((f) =>
      f.additions === null || f.deletions === null ? { ...f, additions: null, deletions: null } : f,
    ),
  }))

describe('git log parser', () => {
  test('whatever the chunking, it reads back exactly what git printed', () => {
    fc.assert(
      fc.property(
        fc.array(commitArb, { maxLength: 8 }),
        fc.array(fc.nat(200), { maxLength: 10 }),
        (commits, cuts) => {
          const text = render(commits)
          const parser = new GitLogParser()
          const out: ParsedCommit[] = []
          let start = 0
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            out.push(...parser.push(text.slice(start, Math.max(start, cut))))
            start = Math.max(start, cut)
          }
          out.push(...parser.push(text.slice(start)))
          out.push(...parser.end())
          expect(out).toEqual(normalize(commits))
        },
      ),
    )
  })

  test('a commit cut off mid-diff is handed back as incomplete, the ones before as complete', () => {
    const parser = new GitLogParser()
    const done = parser.push(
      '\x1eaaa\x1f\x1fA\x1fa@x\x1f1\x1f1\n\n1\t0\tx.txt\n\x1ebbb\x1faaa\x1fB\x1fb@x\x1f2\x1f2\n',
    )
    expect(done.map((c) => c.sha)).toEqual(['aaa'])
    expect(parser.takeIncomplete()?.sha).toBe('bbb')
    expect(parser.headers).toBe(2)
  })

  test('unquotes C-style quoted paths', () => {
    expect(unquotePath('"a\\tb.txt"')).toBe('a\tb.txt')
    expect(unquotePath('"caf\\303\\251.txt"')).toBe('café.txt')
    expect(unquotePath('"quote\\"d"')).toBe('quote"d')
    expect(unquotePath('plain.txt')).toBe('plain.txt')
  })
})
