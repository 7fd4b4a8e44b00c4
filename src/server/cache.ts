/**
 * A small cache of GET answers: the same URL asked again while the data has not changed (the
 * engine's data version) and within a minute (defaults such as "the last 30 days" move with
 * the clock) is answered from memory, and identical requests arriving together share one
 * computation. Dashboards poll the same few URLs; this is what makes them cheap.
 */
import type { MiddlewareHandler } from 'hono'
import type { Engine } from '../engine/engine.js'

interface Entry {
  version: number
  at: number
  result: Promise<{ body: string; type: string } | null>
}

export function answerCache(
  engine: Engine,
  options: { ttlMs?: number; maxEntries?: number } = {},
): MiddlewareHandler {
  const ttl = options.ttlMs ?? 60_000
  const max = options.maxEntries ?? 500
  const entries = new Map<string, Entry>()
  return async (c, next) => {
    if (c.req.method !== 'GET') return next()
    const key = c.req.url
    const now = Date.now()
    // One row read: what another server or a sync wrote since counts as a change too.
    await engine.noticeOtherWriters()
    const version = engine.dataVersion
    const entry = entries.get(key)
    if (entry && entry.version === version && now - entry.at < ttl) {
      const hit = await entry.result
      if (hit) return c.newResponse(hit.body, 200, { 'content-type': hit.type, 'x-engops-cache': 'hit' })
    }
    let settle: (value: { body: string; type: string } | null) => void = () => {}
    const result = new Promise<{ body: string; type: string } | null>((resolve) => {
      settle = resolve
    })
    entries.delete(key)
    entries.set(key, { version, at: now, result })
    if (entries.size > max) entries.delete(entries.keys().next().value as string)
    try {
      await next()
    } finally {
      if (c.res.status === 200) {
        settle({
          body: await c.res.clone().text(),
          type: c.res.headers.get('content-type') ?? 'application/json',
        })
      } else {
        settle(null)
        entries.delete(key)
      }
    }
  }
}
