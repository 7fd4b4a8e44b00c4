/** Opsgenie: alerts through the Alert API (`engops sync`) and alert webhooks. */
import type { Connector } from '../connector.js'
import { digest, tokenValid } from '../signatures.js'
import { type OpsgenieOptions, opsgenieOptions, syncOpsgenie } from './sync.js'
import { mapOpsgenie } from './webhook.js'

export const opsgenie: Connector<OpsgenieOptions> = {
  kind: 'opsgenie',
  title: 'Opsgenie',
  reads:
    "alerts (Alert API v2, updated in 30-day windows from the cursor, each as it stands): created → detected, the report's `ackTime` / `closeTime` after creation → acknowledged / resolved; P1–P5 → SEV-1–4; the service from a `service:<id>` tag, else the alert's source or integration through `serviceMap`, else a service's id, name or `onCall`; alert webhooks: create, acknowledge, close",
  access:
    'an API integration key with read access (`tokenEnv`, default `OPSGENIE_API_KEY`); for webhooks an outgoing webhook integration with a custom header holding the secret',
  options: opsgenieOptions,
  read: syncOpsgenie,
  webhook: {
    secretEnv: 'ENGOPS_OPSGENIE_TOKEN',
    proof: '`X-Engops-Webhook-Token` (set as a custom header)',
    accepts: 'Create, Acknowledge, Close; service from a `service:<id>` tag or the entity',
    verify: (secrets, _body, headers) => tokenValid(secrets, headers('x-engops-webhook-token')),
    deliveryId: (_payload, body) => digest(body),
    map: (payload, _headers, org) => mapOpsgenie(payload, org),
  },
}
