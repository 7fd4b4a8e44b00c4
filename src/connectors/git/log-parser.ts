/**
 * Incremental parser of `git log --numstat --no-renames` output in the format below. Chunks of
 * any size can be pushed; complete commits come out as soon as the next header (or the end)
 * shows they are complete.
 */

/** Record separator before each commit, unit separator between header fields. */
export const GIT_LOG_FORMAT = '%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct'

export interface ParsedFile {
  path: string
  /** null for binary files, which git counts as "-". */
  additions: number | null
  deletions: number | null
}

export interface ParsedCommit {
  sha: string
  parents: string[]
  authorName: string
  authorEmail: string
  authoredAt: number
  committedAt: number
  files: ParsedFile[]
  /** Set when the diff could not be read: the commit is kept without line counts. */
  linesUnknown?: boolean
}

export class GitLogParser {
  private pending = ''
  private current: ParsedCommit | undefined
  /** Headers seen so far, including the commit still being read. */
  headers = 0

  push(chunk: string): ParsedCommit[] {
    const done: ParsedCommit[] = []
    const text = this.pending + chunk
    let start = 0
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl), done)
      start = nl + 1
    }
    this.pending = text.slice(start)
    return done
  }

  /** Flushes the last commit. */
  end(): ParsedCommit[] {
    const done: ParsedCommit[] = []
    if (this.pending) this.line(this.pending, done)
    this.pending = ''
    if (this.current) done.push(this.current)
    this.current = undefined
    return done
  }

  /** The commit whose header was read but whose diff may be incomplete (git stopped inside it). */
  takeIncomplete(): ParsedCommit | undefined {
    if (this.pending && this.pending.charCodeAt(0) === 0x1e) this.line(this.pending, [])
    this.pending = ''
    const incomplete = this.current
    this.current = undefined
    return incomplete
  }

  private line(line: string, done: ParsedCommit[]): void {
    if (line.charCodeAt(0) === 0x1e) {
      if (this.current) done.push(this.current)
      const [sha = '', parents = '', name = '', email = '', authored = '0', committed = '0'] = line
        .slice(1)
        .split('\x1f')
      this.current = {
        sha,
        parents: parents ? parents.split(' ') : [],
        authorName: name,
        authorEmail: email,
        authoredAt: Number(authored) * 1000,
        committedAt: Number(committed) * 1000,
        files: [],
      }
      this.headers++
      return
    }
    if (line === '' || !this.current) return
    const firstTab = line.indexOf('\t')
    const secondTab = line.indexOf('\t', firstTab + 1)
    if (firstTab < 0 || secondTab < 0) return
    const added = line.slice(0, firstTab)
    const deleted = line.slice(firstTab + 1, secondTab)
    this.current.files.push({
      path: unquotePath(line.slice(secondTab + 1)),
      additions: added === '-' ? null : Number(added),
      deletions: deleted === '-' ? null : Number(deleted),
    })
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  r: '\r',
  v: '\v',
}

/** Undoes git's C-style quoting of unusual paths (`"a\tb"`, octal bytes for non-ASCII). */
export function unquotePath(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"') || path.length < 2) return path
  const bytes: number[] = []
  const body = path.slice(1, -1)
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch !== '\\') {
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte)
      continue
    }
    const next = body[i + 1] ?? ''
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8))
      i += 3
    } else {
      for (const byte of Buffer.from(ESCAPES[next] ?? next, 'utf8')) bytes.push(byte)
      i += 1
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Line totals of a commit, or null when any file's counts are unknown (binary). */
export function commitTotals(files: readonly ParsedFile[]): { additions: number; deletions: number } {
  let additions = 0
  let deletions = 0
  for (const file of files) {
    additions += file.additions ?? 0
    deletions += file.deletions ?? 0
  }
  return { additions, deletions }
}
