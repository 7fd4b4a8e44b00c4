/** GitLab (gitlab.com and self-managed): webhooks. */
import type { Connector } from '../connector.js'
import { digest, tokenValid } from '../signatures.js'
import { type GitLabOptions, gitlabOptions, syncGitLab } from './sync.js'
import { mapGitLab } from './webhook.js'

export const gitlab: Connector<GitLabOptions> = {
  kind: 'gitlab',
  title: 'GitLab',
  reads:
    'sync: merge requests with their commits and notes (approvals as reviews), deployments, pipelines, releases, incident issues; webhooks: merge requests, pushes, pipelines, deployments',
  options: gitlabOptions,
  sync: syncGitLab,
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
