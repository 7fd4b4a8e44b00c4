/**
 * Puts the app on a port. With auth on, a session token valid for this process is minted and
 * returned for the CLI to print (it is kept only as a hash); API tokens from `engops token
 * create` work as well.
 */

import { existsSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve as listen } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Engine } from '../engine/engine.js'
import { mintToken } from '../engine/tokens.js'
import { monthsBefore } from '../report/periods.js'
import { alertLine } from '../rituals/alerts.js'
import { Deliverer } from '../rituals/delivery.js'
import { RitualRunner } from '../rituals/runner.js'
import { outcomeLine } from '../rituals/schedules.js'
import { createApp } from './app.js'
import { WebhookIntake } from './webhook-intake.js'
import { secretsFromEnv } from './webhooks.js'

export interface Serving {
  url: string
  /** The session token (admin), when auth is on. */
  token: string | null
  /** Settles once the data is loaded and the first page will render at once. */
  ready: Promise<void>
  close: () => Promise<void>
}

/** The built dashboard (npm run build writes it beside the compiled server). */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'web')

/** Months of trend the dashboard's pages chart. */
const TREND_MONTHS = 6

/** The dashboard's page with the org's time zone in a meta tag (the name escaped for HTML). */
function pageWithTimeZone(page: string, timeZone: string): string {
  const escaped = timeZone.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
  return page.replace('</head>', `<meta name="engops-timezone" content="${escaped}" />\n</head>`)
}

export async function startServer(
  engine: Engine,
  options: {
    port: number
    host: string
    auth: boolean
    /** Told of each scheduled run (one line); the rituals run once the server is ready. */
    log?: (line: string) => void
  },
): Promise<Serving> {
  const session = options.auth ? mintToken() : null
  const intake = new WebhookIntake(engine, { dir: engine.spoolDir })
  const deliverer = new Deliverer(engine)
  const rituals = new RitualRunner(engine, {
    deliverer,
    report: (outcome) => options.log?.(outcomeLine(outcome, engine.org.org.timezone)),
    alert: (outcome) => options.log?.(alertLine(outcome)),
  })
  const app = createApp({
    engine,
    auth: options.auth,
    sessionToken: session ? { id: session.id, hash: session.hash, role: 'admin' } : undefined,
    webhooks: secretsFromEnv(engine),
    intake,
    deliveries: deliverer.counters,
    extend: (app) => {
      if (!existsSync(WEB_ROOT)) return
      // The page names the org's time zone, so the overview can ask for its period's KPIs at
      // once, beside /api/org, instead of after it.
      const page = pageWithTimeZone(
        readFileSync(join(WEB_ROOT, 'index.html'), 'utf8'),
        engine.org.org.timezone,
      )
      for (const path of ['/', '/index.html']) app.get(path, (c) => c.html(page))
      app.use('/*', serveStatic({ root: WEB_ROOT }))
    },
  })
  // Deliveries an earlier process spooled are stored first, in order, before anything new.
  const drained = intake.drain()
  // Load the data and compute what the overview shows first (the last 30 days and the monthly
  // trends, which the engine keeps until the data changes) before the first visitor asks.
  const warm = (async () => {
    await drained
    await engine.kpis({})
    const iso = (at: number) => new Date(at).toISOString()
    for (const month of monthsBefore(Date.now(), TREND_MONTHS, engine.org.org.timezone))
      await engine.kpis({ from: iso(month.from), to: iso(month.to) })
  })().catch(() => undefined)
  const server = await new Promise<ReturnType<typeof listen>>((resolve, reject) => {
    const s = listen({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: session?.token ?? null,
    ready: warm.then(() => rituals.start()),
    close: async () => {
      intake.stop()
      await rituals.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
