/** The ingest commands' terminal side: a progress line while a source is read, and its summary. */
import type { Engine } from '../engine/engine.js'
import { emptySummary, type IngestSummary, ingestSources, type SourceEntry } from '../engine/ingest.js'
import { formatCount } from './output.js'
import { ProgressBar } from './progress.js'

/**
 * Runs ad-hoc sources (paths relative to the working directory), each checked before any is read,
 * with progress on a terminal.
 */
export async function ingestWithProgress(engine: Engine, entries: SourceEntry[]): Promise<IngestSummary[]> {
  const bar = new ProgressBar('')
  try {
    return await ingestSources(engine, entries, {
      since: 0,
      baseDir: process.cwd(),
      ...(bar.enabled ? { progress: (line: string) => bar.text(line) } : {}),
    })
  } finally {
    bar.done()
  }
}

export async function ingestOne(engine: Engine, entry: SourceEntry): Promise<IngestSummary> {
  const [summary] = await ingestWithProgress(engine, [entry])
  return summary ?? emptySummary(entry)
}

const NAMES: Record<string, [string, string]> = {
  deployment: ['deployment', 'deployments'],
  incident: ['incident', 'incidents'],
  pull_request: ['pull request', 'pull requests'],
  commit: ['commit', 'commits'],
}

/** "3 deployments, 1 incident, 2 work_item": the core types first, then the rest as stored. */
export function describeCounts(events: Record<string, number>): string {
  const core = Object.entries(NAMES).map(([type, [one, many]]) => {
    const n = events[type] ?? 0
    return `${formatCount(n)} ${n === 1 ? one : many}`
  })
  const other = Object.entries(events)
    .filter(([type]) => !(type in NAMES))
    .map(([type, n]) => `${formatCount(n)} ${type}`)
  return [...core, ...other].join(', ')
}

/** "shop: 3 new commits, 2 tags; 1 stored without line counts …; 2 of 5 authors are not people …". */
export function describeGitIngest(s: IngestSummary): string {
  const unknown = s.unmappedAuthors
  const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? ', …' : '')
  const notes = [
    ...s.notes,
    unknown.length > 0
      ? `${unknown.length} of ${s.authors} authors are not people in the org file (${shown}; engops people suggest drafts their entries)`
      : '',
  ].filter(Boolean)
  const extra = notes.map((note) => `; ${note}`).join('')
  return `${s.streams[0] ?? s.source}: ${formatCount(s.events.commit ?? 0)} ${s.incremental ? 'new ' : ''}commits, ${s.events.tag ?? 0} tags${extra}`
}
