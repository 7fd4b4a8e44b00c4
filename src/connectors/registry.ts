/**
 * Every connector engops has, in one list: `engops sync`, the server's `/webhooks/<kind>` routes,
 * the `sources:` schema and the README's source table all come from it.
 */

import { cdevents } from './cdevents/index.js'
import type { Connector } from './connector.js'
import { files } from './files/index.js'
import { git } from './git/index.js'
import { github } from './github/index.js'
import { gitlab } from './gitlab/index.js'
import { jira } from './jira/index.js'
import { opsgenieCsv } from './opsgenie/csv.js'
import { opsgenie } from './opsgenie/index.js'
import { pagerdutyCsv } from './pagerduty/csv.js'
import { pagerduty } from './pagerduty/index.js'
import { statuspage } from './statuspage/index.js'

// Each connector declares its own options type; the registry holds them side by side.
// biome-ignore lint/suspicious/noExplicitAny: the list is heterogeneous by design
export const CONNECTORS: readonly Connector<any>[] = [
  git,
  files,
  github,
  gitlab,
  jira,
  pagerduty,
  opsgenie,
  pagerdutyCsv,
  opsgenieCsv,
  statuspage,
  cdevents,
]

// biome-ignore lint/suspicious/noExplicitAny: as above
export function connectorOf(kind: string): Connector<any> | undefined {
  return CONNECTORS.find((c) => c.kind === kind)
}

/** The connectors that receive webhooks, with their route ids. */
export const WEBHOOK_KINDS = CONNECTORS.filter((c) => c.webhook).map((c) => c.kind)

/** The README's webhook table, made from the registry (a test keeps the README equal to it). */
export function webhookTable(): string {
  const rows = CONNECTORS.flatMap((c) =>
    c.webhook
      ? [
          `| \`/webhooks/${c.kind}\` | \`${c.webhook.secretEnv}\` | ${c.webhook.proof} | ${c.webhook.accepts} |`,
        ]
      : [],
  )
  return ['| route | secret (environment) | authenticity | events used |', '|---|---|---|---|', ...rows].join(
    '\n',
  )
}

/** The README's source table, made from the registry (a test keeps the README equal to it). */
export function sourceTable(): string {
  const rows = CONNECTORS.map((c) => {
    const how = [c.read ? '`engops sync`' : '', c.webhook ? `webhook \`/webhooks/${c.kind}\`` : '']
      .filter(Boolean)
      .join(', ')
    return `| \`${c.kind}\` | ${how} | ${c.reads} | ${c.access} |`
  })
  return ['| kind | read by | what it reads | access |', '|---|---|---|---|', ...rows].join('\n')
}
