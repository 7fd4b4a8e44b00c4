/** Builders for metric tests: readable events at hour offsets from a fixed instant. */
import type { WorkItemEvent } from '../model/events.js'
import type { Deployment, Incident, PullRequest } from '../model/types.js'

export const T0 = Date.parse('2025-03-03T00:00:00Z') // a Monday
export const HOUR = 3_600_000
export const DAY = 24 * HOUR
export const at = (hours: number) => T0 + hours * HOUR

export function item(
  key: string,
  changes: [status: WorkItemEvent['statusChanges'][number]['status'], hours: number][],
  fields: Partial<WorkItemEvent> = {},
): WorkItemEvent {
  return {
    type: 'work_item',
    team: 'web',
    key,
    itemType: 'story',
    points: 3,
    createdAt: at(changes[0]?.[1] ?? 0),
    statusChanges: changes.map(([status, hours]) => ({ status, at: at(hours) })),
    ...fields,
  } as WorkItemEvent
}

export function pullRequest(number: number, fields: Partial<PullRequest>): PullRequest {
  return {
    source: 't',
    id: `shop#${number}`,
    repo: 'shop',
    number,
    author: 'ana',
    createdAt: at(0),
    mergedAt: null,
    closedAt: null,
    mergeSha: null,
    headSha: null,
    commits: [],
    reviews: [],
    additions: null,
    deletions: null,
    draft: false,
    labels: [],
    ...fields,
  }
}

/** A successful production deployment of `api` started at `start`, finished an hour later. */
export function deployment(id: string, start: number, fields: Partial<Deployment> = {}): Deployment {
  return {
    source: 't',
    id,
    service: 'api',
    environment: 'production',
    result: 'success',
    startedAt: start,
    finishedAt: start + HOUR,
    sha: id,
    kind: 'regular',
    labels: [],
    regression: false,
    ...fields,
  }
}

/** A SEV-2 incident on `api`, detected at `detectedAt` unless the fields say otherwise. */
export function incident(id: string, detectedAt: number, fields: Partial<Incident> = {}): Incident {
  return {
    source: 't',
    id,
    services: ['api'],
    severity: 'SEV-2',
    detectedAt,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    causeDeployment: null,
    causeSha: null,
    roles: [],
    statusUpdates: [],
    postmortem: null,
    ...fields,
  }
}

/** A value for each KPI fed by `measurement` events, for the catalog tests. */
export const MEASURED: Record<string, number> = {
  preview_env_p95: 240,
  dev_nps: 45,
  alert_precision: 0.93,
  backup_restore: 1,
  metric_spec_coverage: 0.9,
  data_freshness: 0.995,
  data_tests_pass: 0.97,
  data_mttr: 1800,
  semantic_layer_usage: 0.7,
  hot_path_p95: 0.9,
  rollback_time: 180,
  kr_delta_per_week: 1.1,
  activation: 0.95,
  idea_to_decision: 864000,
  cfr_post_release_delta: 0.01,
  dev_env_setup: 600,
  context_switching: 0.8,
  dependency_risk_index: 0.2,
  manager_effectiveness: 4.1,
  stakeholder_satisfaction: 4.3,
}
