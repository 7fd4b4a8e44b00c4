/** GitHub (github.com and GitHub Enterprise Server): webhooks, and `engops sync` from its APIs. */
import type { Connector } from '../connector.js'
import { digest, githubSignatureValid } from '../signatures.js'
import { type GitHubOptions, githubOptions, syncGitHub } from './sync.js'
import { mapGitHub } from './webhook.js'

export const github: Connector<GitHubOptions> = {
  kind: 'github',
  title: 'GitHub',
  reads:
    'pull requests with author, created / merged / closed times, merge commit, head sha, commit shas (so squash merges attribute), reviews, line counts, draft flag and labels — through GraphQL, 49 per query; GitHub Deployments with their final status; Actions workflow runs with every attempt (a failure retried green is a flaky run); releases; issues with the incident label',
  access:
    "a fine-grained token with read access to the repositories' contents, pull requests, deployments, actions, issues and metadata (a classic token: `repo`; for `org:` also `read:org`)",
  options: githubOptions,
  read: syncGitHub,
  webhook: {
    secretEnv: 'ENGOPS_GITHUB_SECRET',
    proof: '`X-Hub-Signature-256` (HMAC-SHA256)',
    accepts:
      '`pull_request`, `push` (commits; parents from the push order), `deployment_status` (final states; `deployment` alone waits for it), `workflow_run` (completed), `release` (published)',
    verify: (secrets, body, headers) => githubSignatureValid(secrets, body, headers('x-hub-signature-256')),
    deliveryId: (_payload, body, headers) => headers('x-github-delivery') ?? digest(body),
    map: (payload, headers, org) => mapGitHub(headers('x-github-event') ?? '', payload, org),
  },
}
