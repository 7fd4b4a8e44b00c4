/** GitLab (gitlab.com and self-managed): webhooks. */
import type { Connector } from '../connector.js'
import { digest, tokenValid } from '../signatures.js'
import { type GitLabOptions, gitlabOptions, syncGitLab } from './sync.js'
import { mapGitLab } from './webhook.js'

export const gitlab: Connector<GitLabOptions> = {
  kind: 'gitlab',
  title: 'GitLab',
  reads:
    "merge requests (updated since the cursor) with their notes as reviews (an approval is GitLab's system note \"approved this merge request\", other people's comments are comments) and, for merged ones, their commits; deployments per environment (success / failed); pipelines with their jobs, every retry an attempt; releases; incident issues with GitLab's severity (critical → SEV-1 … low → SEV-4)",
  access: 'a personal, group or project access token with `read_api`',
  options: gitlabOptions,
  read: syncGitLab,
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
