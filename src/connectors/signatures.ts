/**
 * Webhook authenticity, as each provider defines it, compared in constant time:
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`;
 * - GitLab: `X-Gitlab-Token: <the secret token>`;
 * - PagerDuty V3: `X-PagerDuty-Signature: v1=<hex>,v1=<hex>` — several while a secret rotates;
 * - Opsgenie: a shared token in `X-Engops-Webhook-Token` (set as a custom header in Opsgenie).
 * Secrets come from the environment (comma-separated to accept several during a rotation).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex')

export function secretsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

export function githubSignatureValid(
  secrets: readonly string[],
  body: string,
  header: string | undefined,
): boolean {
  if (!header?.startsWith('sha256=')) return false
  const given = header.slice('sha256='.length)
  return secrets.some((secret) => constantTimeEqual(hmac(secret, body), given))
}

export function tokenValid(secrets: readonly string[], header: string | undefined): boolean {
  return header !== undefined && secrets.some((secret) => constantTimeEqual(secret, header))
}

export function pagerDutySignatureValid(
  secrets: readonly string[],
  body: string,
  header: string | undefined,
): boolean {
  if (!header) return false
  const given = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
  return secrets.some((secret) => {
    const expected = hmac(secret, body)
    return given.some((signature) => constantTimeEqual(expected, signature))
  })
}

/** A delivery id for senders that give none: the SHA-256 of the body (a redelivery is the same bytes). */
export const digest = (body: string) => createHash('sha256').update(body).digest('hex')
