/** PagerDuty: incidents through the REST API (`engops sync`) and V3 webhooks. */
import type { Connector } from '../connector.js'
import { digest, pagerDutySignatureValid } from '../signatures.js'
import { type PagerDutyOptions, pagerdutyOptions, syncPagerDuty } from './sync.js'
import { mapPagerDuty } from './webhook.js'

export const pagerduty: Connector<PagerDutyOptions> = {
  kind: 'pagerduty',
  title: 'PagerDuty',
  reads:
    'incidents (REST API v2, in 30-day windows from the cursor): created → detected, the first acknowledgement in the log entries → acknowledged, resolved; P1–P4 → SEV-1–4 (P5 → SEV-4), else urgency (high → SEV-2, low → SEV-3); the PagerDuty service → a service through `serviceMap` (id or name), else its id, name or `onCall`; the on-call shifts of the `schedules` named (`/oncalls`: schedule id → service), so pages are divided by the people on the rota; V3 webhooks: incident triggered, acknowledged, resolved, reopened',
  access:
    'a read-only REST API key (`tokenEnv`, default `PAGERDUTY_TOKEN`); for webhooks a V3 subscription with its signing secret',
  options: pagerdutyOptions,
  read: syncPagerDuty,
  webhook: {
    secretEnv: 'ENGOPS_PAGERDUTY_SECRET',
    proof: '`X-PagerDuty-Signature` (`v1=` HMAC-SHA256; any of several)',
    accepts:
      'V3 `incident.*`: triggered, acknowledged, resolved, reopened merge into one incident; P1–P4 → SEV-1–4, else urgency',
    verify: (secrets, body, headers) =>
      pagerDutySignatureValid(secrets, body, headers('x-pagerduty-signature')),
    deliveryId: (payload, body) => {
      const event = payload.event as { id?: unknown } | undefined
      return typeof event?.id === 'string' ? event.id : digest(body)
    },
    map: (payload, _headers, org) => mapPagerDuty(payload, org),
  },
}
