/**
 * The HTTP application (Hono): the JSON API, event ingestion, webhook receivers, Prometheus
 * metrics and the OpenAPI document, behind token auth, with one error envelope for every
 * failure and stated body limits. Built around one engine; `serve.ts` puts it on a port.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Engine } from '../engine/engine.js'
import type { TokenRole } from '../engine/tokens.js'
import { decodeEventBytes } from '../model/event-text.js'
import type { DeliveryCounters } from '../rituals/delivery.js'
import { registerApi } from './api.js'
import { answerCache } from './cache.js'
import { envelope, errorResponse, handleError } from './errors.js'
import { cachedExposition, deliveryExposition, spoolExposition } from './prometheus.js'
import type { WebhookIntake } from './webhook-intake.js'
import { registerWebhooks, type WebhookSecrets } from './webhooks.js'

/** Largest request bodies accepted: events in bulk, and one webhook delivery. */
export const EVENTS_BODY_LIMIT = 10 * 1024 * 1024
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024

/** Scripts and styles only from this origin; ECharts (and a report's own style block) style inline. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

export interface AppOptions {
  engine: Engine
  /** false: no token needed (local demos). */
  auth: boolean
  /** A token valid for this process only (the one `engops serve` prints), kept as a hash. */
  sessionToken?: { id: string; hash: string; role: TokenRole }
  webhooks: WebhookSecrets
  /** Where accepted webhook deliveries go: the store, or the spool while it is busy. */
  intake: WebhookIntake
  /** Deliveries of schedules and alerts by destination and outcome, for /metrics. */
  deliveries?: DeliveryCounters
  /** Extra routes (the dashboard's static files) registered after the API. */
  extend?: (app: OpenAPIHono) => void
}

const ALLOWED: Record<TokenRole, (method: string, path: string) => boolean> = {
  viewer: (method) => method === 'GET' || method === 'HEAD',
  ingest: (method, path) => method === 'POST' && path === '/api/events',
  admin: () => true,
}

export function createApp(options: AppOptions): OpenAPIHono {
  const { engine } = options
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const details = result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        }))
        return c.json(envelope('BAD_REQUEST', 'the request is not valid', details), 400)
      }
    },
  })
  // Every answer: no content sniffing; HTML (the dashboard, reports) runs only this server's code.
  app.use('*', async (c, next) => {
    await next()
    c.res.headers.set('x-content-type-options', 'nosniff')
    if (c.res.headers.get('content-type')?.startsWith('text/html'))
      c.res.headers.set('content-security-policy', CSP)
  })
  app.onError(handleError)
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`))

  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${maxSize / 1024 / 1024} MiB`),
    })
  app.use('/api/events', limit(EVENTS_BODY_LIMIT))
  app.use('/webhooks/*', limit(WEBHOOK_BODY_LIMIT))

  const requireToken = async (c: Context, next: Next) => {
    if (!options.auth) return next()
    const header = c.req.header('authorization') ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
    const role = token ? await engine.verifyToken(token, options.sessionToken) : null
    if (!role)
      return errorResponse(
        c,
        401,
        'UNAUTHORIZED',
        'a valid API token is needed: Authorization: Bearer <token>',
      )
    if (!ALLOWED[role](c.req.method, c.req.path))
      return errorResponse(
        c,
        403,
        'FORBIDDEN',
        `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} token cannot ${c.req.method} ${c.req.path}`,
      )
    return next()
  }
  app.get('/api/health', (c) => c.json({ status: 'ok', org: engine.org.org.name }))
  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'engops API',
      version: '1',
      description: 'Engineering metrics, the operating model and reports of one organization.',
    },
    security: [{ bearer: [] }],
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.use('/api/*', async (c, next) =>
    c.req.path === '/api/health' || c.req.path === '/api/openapi.json' ? next() : requireToken(c, next),
  )
  app.use('/metrics', requireToken)
  // After auth: only callers allowed to read get cached answers.
  app.use('/api/*', answerCache(engine))

  app.post('/api/events', async (c) => {
    const text = decodeEventBytes(new Uint8Array(await c.req.arrayBuffer()), 'request body')
    if (text.trim() === '')
      return errorResponse(c, 400, 'BAD_REQUEST', 'the body is empty: send NDJSON or a JSON array of events')
    const summary = await engine.ingestText(text, 'request body', c.req.query('source') ?? 'api')
    return c.json(summary, 200)
  })
  registerApi(app, engine)
  registerWebhooks(app, engine, options.webhooks, options.intake)
  const metrics = cachedExposition(engine)
  app.get('/metrics', async (c) =>
    c.text(
      (await metrics()) + spoolExposition(options.intake) + deliveryExposition(options.deliveries),
      200,
      {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      },
    ),
  )
  options.extend?.(app)
  return app
}
