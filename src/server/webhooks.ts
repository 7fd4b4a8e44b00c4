/**
 * Webhook receivers, one route per connector of the registry that takes webhooks
 * (`/webhooks/<kind>`). Only a valid signature or token is let in (401 otherwise; 404 when the
 * connector's secret is not configured); the payload is mapped to events, validated, and written
 * with its delivery id, so a redelivery is acknowledged and changes nothing — or, while the store
 * is busy, spooled and answered 202 (webhook-intake.ts). Ignored event kinds are acknowledged with
 * 202 and the reason.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Engine } from '../engine/engine.js'
import { errorResponse } from './errors.js'
import type { WebhookIntake } from './webhook-intake.js'

/** Secrets by connector kind (several during a rotation). */
export type WebhookSecrets = Readonly<Record<string, readonly string[]>>

/** Each receiver's secrets from its environment variable (ENGOPS_GITHUB_SECRET, …), comma-separated. */
export function secretsFromEnv(engine: Engine, env: NodeJS.ProcessEnv = process.env): WebhookSecrets {
  return Object.fromEntries(
    engine.webhookReceivers().map(({ kind, secretEnv }) => [
      kind,
      (env[secretEnv] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ]),
  )
}

export function registerWebhooks(
  app: OpenAPIHono,
  engine: Engine,
  secrets: WebhookSecrets,
  intake: WebhookIntake,
): void {
  for (const { kind } of engine.webhookReceivers()) {
    app.post(`/webhooks/${kind}`, async (c) => {
      const own = secrets[kind] ?? []
      if (own.length === 0)
        return errorResponse(c, 404, 'NOT_CONFIGURED', `the ${kind} webhook is not configured on this server`)
      const body = await c.req.text()
      const result = await engine.acceptWebhook(kind, own, body, (name) => c.req.header(name))
      switch (result.status) {
        case 'bad-signature':
          return errorResponse(c, 401, 'BAD_SIGNATURE', `the ${kind} signature or token does not match`)
        case 'bad-body':
          return errorResponse(c, 400, 'BAD_REQUEST', 'the body is not a JSON object')
        case 'ignored':
          return c.json({ delivery: result.delivery, stored: 0, ignored: result.why }, 202)
        case 'accepted': {
          const taken = await intake.take(result.accepted)
          // 202: kept on disk, stored as soon as the store is free.
          if (taken.spooled) return c.json(taken, 202)
          return c.json(taken, 200)
        }
      }
    })
  }
}
