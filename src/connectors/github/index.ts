/** GitHub (github.com and GitHub Enterprise Server): webhooks, and `engops sync` from its APIs. */
import type { Connector } from '../connector.js'
import { digest, githubSignatureValid } from '../signatures.js'
import { type GitHubOptions, githubOptions, syncGitHub } from './sync.js'
import { mapGitHub } from './webhook.js'

export const github: Connector<GitHubOptions> = {
  kind: 'github',
  title: 'GitHub',
  reads:
    'sync: pull requests with reviews and commits (GraphQL), deployments with statuses, Actions runs (every attempt), releases, labelled issues as incidents; webhooks: pull requests, pushes, deployment statuses, workflow runs, releases',
  options: githubOptions,
  sync: syncGitHub,
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
