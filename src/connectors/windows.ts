/**
 * Time windows for the pull connectors whose APIs list by time and page by offset (PagerDuty,
 * Opsgenie): a sync walks from its cursor to now in windows of a month, each one batch that moves
 * the cursor, and a window holding more records than the API's offset limit is halved until each
 * half fits.
 */
import type { Json, SyncBatch, SyncContext } from './connector.js'

export const DAY_MS = 86_400_000

/** Days per window: each is one batch, and the cursor moves with it. */
export const WINDOW_DAYS = 30

/** Thrown by a list that reached the API's offset limit: its window is too full to read whole. */
export class WindowTooFull extends Error {}

/** The windows from `from` to `end`, a month at most each. */
export function* windows(from: number, end: number): Generator<{ from: number; to: number }> {
  for (let at = from; at < end; ) {
    const to = Math.min(end, at + WINDOW_DAYS * DAY_MS)
    yield { from: at, to }
    at = to
  }
}

/** Reads [from, to), halving the window while it holds more than the API lists by offset. */
export async function splitting(
  from: number,
  to: number,
  read: (a: number, b: number) => Promise<Json[]>,
): Promise<Json[]> {
  try {
    return await read(from, to)
  } catch (error) {
    if (!(error instanceof WindowTooFull) || to - from < 2 * 60_000) throw error
    const middle = from + Math.floor((to - from) / 2)
    return [...(await splitting(from, middle, read)), ...(await splitting(middle, to, read))]
  }
}

export async function collect(pages: AsyncIterable<Json[]>): Promise<Json[]> {
  const all: Json[] = []
  for await (const page of pages) all.push(...page)
  return all
}

/**
 * A windowed sync: from the stream's cursor (or the source's `since`) to now, one batch per
 * window with the window's end as the new cursor. Names that mapped to no service (filled by
 * `read`) are reported with the last batch through `unmappedNote`.
 */
export async function* windowedSync(
  ctx: SyncContext<object>,
  stream: string,
  read: (from: number, to: number, unmapped: Set<string>) => Promise<Json[]>,
  unmappedNote: (names: string) => string,
): AsyncGenerator<SyncBatch> {
  const cursor = await ctx.cursorOf(stream)
  const end = Date.now()
  const unmapped = new Set<string>()
  for (const { from, to } of windows(cursor ? Date.parse(cursor) : ctx.since, end)) {
    const events = await read(from, to, unmapped)
    ctx.progress(`${ctx.source.id}: to ${new Date(to).toISOString().slice(0, 10)}, ${events.length} events`)
    const last = to === end && unmapped.size > 0
    yield {
      stream,
      events,
      cursor: new Date(to).toISOString(),
      ...(last ? { notes: [unmappedNote([...unmapped].sort().join(', '))] } : {}),
    }
  }
}
