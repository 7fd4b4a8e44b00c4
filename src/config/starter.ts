/** The commented starter `engops.yaml` written by `engops init`. A test keeps it valid. */
export const STARTER_CONFIG = `# engops.yaml — your organization as code.
# Validate with "engops validate"; editors autocomplete it with the schema from "engops schema".
# Every reference (a team, a person, a service) must exist: a dangling one is an error.

org:
  name: Acme
  timezone: UTC                 # IANA zone used for days, weeks, months and quarters
  benchmarkProfile: default     # default | dora-2021 | dora-2023
  productionEnvironments: [production, prod]
  dora:
    incidentWindowHours: 24     # an incident with no known cause is blamed on a deploy this recent
    firstDeploymentLookbackDays: 14

people:
  # emails (and aliases) map git authors to people
  - { id: ana, name: Ana Lima, emails: [ana@example.com], team: web, role: tech-lead }
  - { id: raj, name: Raj Patel, emails: [raj@example.com], team: web, manager: ana }

teams:
  # type: stream-aligned | platform | enabling | complicated-subsystem
  - id: web
    name: Web
    type: stream-aligned
    wipLimit: 4

services:
  # exactly one owner team; tier 1 (most critical) to 4
  - id: storefront
    owner: web
    tier: 1
    repositories: [shop]        # repository names: the directory name given to "engops ingest git"
    runbook: https://wiki.example.com/runbooks/storefront
  # a service inside a monorepo lists the paths that belong to it:
  # - { id: checkout, owner: web, tier: 2, repositories: [{ name: mono, paths: [services/checkout/] }] }

slos:
  - { id: storefront-availability, service: storefront, objective: 99.9, window: 30d }
`
