/** GitLab (gitlab.com and self-managed): webhooks. */
import { createHash } from 'node:crypto'
import type { Connector } from '../connector.js'
import { tokenValid } from '../signatures.js'
import { mapGitLab } from './webhook.js'

const digest = (body: string) => createHash('sha256').update(body).digest('hex')

export const gitlab: Connector = {
  kind: 'gitlab',
  title: 'GitLab',
  reads: 'webhooks: merge requests, pushes, pipelines, deployments',
  webhook: {
    secretEnv: 'ENGOPS_GITLAB_TOKEN',
    proof: '`X-Gitlab-Token`',
    accepts: 'Merge Request, Push, Pipeline (finished), Deployment (success/failed) hooks',
    verify: (secrets, _body, headers) => tokenValid(secrets, headers('x-gitlab-token')),
    deliveryId: (_payload, body, headers) =>
      headers('x-gitlab-event-uuid') ?? headers('idempotency-key') ?? digest(body),
    map: (payload, headers, org) => mapGitLab(headers('x-gitlab-event') ?? '', payload, org),
  },
}
