/** PagerDuty: V3 webhooks. */
import type { Connector } from '../connector.js'
import { digest, pagerDutySignatureValid } from '../signatures.js'
import { mapPagerDuty } from './webhook.js'

export const pagerduty: Connector = {
  kind: 'pagerduty',
  title: 'PagerDuty',
  reads: 'V3 webhooks: incident triggered, acknowledged, resolved, reopened',
  access: 'a webhook subscription (V3) with its signing secret',
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
