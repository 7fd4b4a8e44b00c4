/**
 * Webhook receivers: GitHub, GitLab, PagerDuty V3 and Opsgenie. Only a valid signature or token
 * is let in (401 otherwise; 404 when the provider's secret is not configured); the payload is
 * mapped to events, validated, and written with its delivery id, so a redelivery is acknowledged
 * and changes nothing. Ignored event kinds are acknowledged with 202 and the reason.
 */
import { createHash } from 'node:crypto'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Engine, Mapped, Provider } from '../engine/engine.js'
import { errorResponse } from './errors.js'
import { githubSignatureValid, pagerDutySignatureValid, secretsFrom, tokenValid } from './signatures.js'

export interface WebhookSecrets {
  github: string[]
  gitlab: string[]
  pagerduty: string[]
  opsgenie: string[]
}

/** Secrets from the environment: ENGOPS_GITHUB_SECRET, ENGOPS_GITLAB_TOKEN, ENGOPS_PAGERDUTY_SECRET, ENGOPS_OPSGENIE_TOKEN. */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSecrets {
  return {
    github: secretsFrom(env.ENGOPS_GITHUB_SECRET),
    gitlab: secretsFrom(env.ENGOPS_GITLAB_TOKEN),
    pagerduty: secretsFrom(env.ENGOPS_PAGERDUTY_SECRET),
    opsgenie: secretsFrom(env.ENGOPS_OPSGENIE_TOKEN),
  }
}

function parse(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body)
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

const digest = (body: string) => createHash('sha256').update(body).digest('hex')

export function registerWebhooks(app: OpenAPIHono, engine: Engine, secrets: WebhookSecrets): void {
  const receive = async (
    c: Context,
    provider: Provider,
    verify: (body: string) => boolean,
    map: (payload: Record<string, unknown>) => Mapped | Promise<Mapped>,
    delivery: (payload: Record<string, unknown>, body: string) => string,
  ) => {
    if (secrets[provider].length === 0)
      return errorResponse(
        c,
        404,
        'NOT_CONFIGURED',
        `the ${provider} webhook is not configured on this server`,
      )
    const body = await c.req.text()
    if (!verify(body))
      return errorResponse(c, 401, 'BAD_SIGNATURE', `the ${provider} signature or token does not match`)
    const payload = parse(body)
    if (!payload) return errorResponse(c, 400, 'BAD_REQUEST', 'the body is not a JSON object')
    const mapped = await map(payload)
    const id = delivery(payload, body)
    if (mapped.events.length === 0) {
      return c.json({ delivery: id, stored: 0, ignored: mapped.ignored ?? 'nothing to store' }, 202)
    }
    const result = await engine.ingestWebhook(provider, id, mapped.events)
    return c.json(
      { delivery: id, duplicate: result.duplicate, stored: result.duplicate ? 0 : mapped.events.length },
      200,
    )
  }

  app.post('/webhooks/github', (c) =>
    receive(
      c,
      'github',
      (body) => githubSignatureValid(secrets.github, body, c.req.header('x-hub-signature-256')),
      (payload) => engine.mapWebhook('github', c.req.header('x-github-event') ?? '', payload),
      (_payload, body) => c.req.header('x-github-delivery') ?? digest(body),
    ),
  )
  app.post('/webhooks/gitlab', (c) =>
    receive(
      c,
      'gitlab',
      () => tokenValid(secrets.gitlab, c.req.header('x-gitlab-token')),
      (payload) => engine.mapWebhook('gitlab', c.req.header('x-gitlab-event') ?? '', payload),
      (_payload, body) =>
        c.req.header('x-gitlab-event-uuid') ?? c.req.header('idempotency-key') ?? digest(body),
    ),
  )
  app.post('/webhooks/pagerduty', (c) =>
    receive(
      c,
      'pagerduty',
      (body) => pagerDutySignatureValid(secrets.pagerduty, body, c.req.header('x-pagerduty-signature')),
      (payload) => engine.mapWebhook('pagerduty', '', payload),
      (payload, body) => {
        const event = payload.event as { id?: unknown } | undefined
        return typeof event?.id === 'string' ? event.id : digest(body)
      },
    ),
  )
  app.post('/webhooks/opsgenie', (c) =>
    receive(
      c,
      'opsgenie',
      () => tokenValid(secrets.opsgenie, c.req.header('x-engops-webhook-token')),
      (payload) => engine.mapWebhook('opsgenie', '', payload),
      (_payload, body) => digest(body),
    ),
  )
}
