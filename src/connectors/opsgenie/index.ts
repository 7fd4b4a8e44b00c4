/** Opsgenie: alert webhooks. */
import type { Connector } from '../connector.js'
import { digest, tokenValid } from '../signatures.js'
import { mapOpsgenie } from './webhook.js'

export const opsgenie: Connector = {
  kind: 'opsgenie',
  title: 'Opsgenie',
  reads: 'alert webhooks: create, acknowledge, close',
  access: 'an outgoing webhook integration with a custom header holding the secret',
  webhook: {
    secretEnv: 'ENGOPS_OPSGENIE_TOKEN',
    proof: '`X-Engops-Webhook-Token` (set as a custom header)',
    accepts: 'Create, Acknowledge, Close; service from a `service:<id>` tag or the entity',
    verify: (secrets, _body, headers) => tokenValid(secrets, headers('x-engops-webhook-token')),
    deliveryId: (_payload, body) => digest(body),
    map: (payload, _headers, org) => mapOpsgenie(payload, org),
  },
}
