/**
 * Webhook payloads of GitHub, GitLab, PagerDuty (V3) and Opsgenie mapped to engops events. The
 * mappers only translate: the events they return are validated by the same schemas as event
 * files, and identities are stable per provider, so a redelivered payload upserts the same rows.
 * Incident providers send one lifecycle step at a time; the mapper merges it into the incident
 * stored so far.
 */
import type { Incident } from '../model/types.js'

export type Provider = 'github' | 'gitlab' | 'pagerduty' | 'opsgenie'

export interface WebhookContext {
  /** The service a repository (by name) deploys, if the org file says. */
  serviceOfRepo: (repo: string) => string | undefined
  /** The service an alerting tool's service name or id means (id, name, or `onCall` match). */
  serviceOfName: (name: string) => string | undefined
  findIncident: (source: string, id: string) => Promise<Incident | undefined>
}

export interface Mapped {
  events: Record<string, unknown>[]
  /** Why nothing was stored, when nothing was. */
  ignored?: string
}

// Provider payloads are untyped JSON; every field read here is validated afterwards by the event schemas.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = Record<string, any>

const ignore = (why: string): Mapped => ({ events: [], ignored: why })
const ZERO_SHA = /^0+$/
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {})

/** GitLab writes "2021-04-14 12:55:16 UTC" and "2016-08-12 15:23:28 +0200" as well as ISO. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(value).toISOString()
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const text = value
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)/, '$1T$2')
    .replace(/\s*UTC$/, 'Z')
    .replace(/\s+([+-]\d{2}):?(\d{2})$/, '$1:$2')
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : new Date(at).toISOString()
}

function pushCommits(source: string, repo: string, before: unknown, commits: unknown): Json[] {
  const list = Array.isArray(commits) ? commits.map(obj) : []
  let parent = typeof before === 'string' && !ZERO_SHA.test(before) ? before : undefined
  return list.map((c) => {
    const author = obj(c.author)
    const event = {
      type: 'commit',
      source,
      repo,
      sha: c.id,
      // A push lists its commits in order: each one's parent is the one before (merges keep only that one).
      parents: parent ? [parent] : [],
      author: author.email || author.name || author.username,
      ...(author.email ? { authorEmail: author.email } : {}),
      authoredAt: isoTime(c.timestamp),
      committedAt: isoTime(c.timestamp),
      files: [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])],
    }
    parent = typeof c.id === 'string' ? c.id : parent
    return event
  })
}

export function mapGitHub(event: string, payload: Json, ctx: WebhookContext): Mapped {
  const repo: string | undefined = obj(payload.repository).name
  if (event === 'ping') return ignore('ping')
  switch (event) {
    case 'pull_request': {
      const pr = obj(payload.pull_request)
      return {
        events: [
          {
            type: 'pull_request',
            source: 'github',
            repo,
            number: pr.number,
            author: obj(pr.user).login,
            createdAt: pr.created_at,
            ...(pr.merged_at ? { mergedAt: pr.merged_at } : {}),
            ...(pr.closed_at ? { closedAt: pr.closed_at } : {}),
            ...(pr.merged && pr.merge_commit_sha ? { mergeSha: pr.merge_commit_sha } : {}),
            ...(obj(pr.head).sha ? { headSha: obj(pr.head).sha } : {}),
            ...(typeof pr.additions === 'number' ? { additions: pr.additions, deletions: pr.deletions } : {}),
            draft: Boolean(pr.draft),
            labels: Array.isArray(pr.labels) ? pr.labels.map((l: Json) => l.name) : [],
          },
        ],
      }
    }
    case 'push': {
      const commits = pushCommits('github', repo ?? '', payload.before, payload.commits)
      return commits.length > 0
        ? { events: commits }
        : ignore('a push without commits (a tag or a deleted branch)')
    }
    case 'deployment':
      return ignore('a deployment is recorded when its deployment_status says how it ended')
    case 'deployment_status': {
      const status = obj(payload.deployment_status)
      const deployment = obj(payload.deployment)
      const result =
        status.state === 'success'
          ? 'success'
          : status.state === 'failure' || status.state === 'error'
            ? 'failure'
            : null
      if (!result) return ignore(`deployment state "${status.state}" is not final`)
      return {
        events: [
          {
            type: 'deployment',
            source: 'github',
            id: String(deployment.id),
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: deployment.environment ?? status.environment,
            result,
            startedAt: deployment.created_at,
            finishedAt: status.created_at ?? status.updated_at,
            sha: deployment.sha,
          },
        ],
      }
    }
    case 'workflow_run': {
      const run = obj(payload.workflow_run)
      if (payload.action !== 'completed')
        return ignore(`workflow_run ${payload.action} (only completed runs count)`)
      const result =
        run.conclusion === 'success'
          ? 'success'
          : ['failure', 'timed_out', 'startup_failure'].includes(run.conclusion)
            ? 'failure'
            : run.conclusion === 'cancelled'
              ? 'cancelled'
              : null
      if (!result) return ignore(`workflow_run conclusion "${run.conclusion}" is neither success nor failure`)
      return {
        events: [
          {
            type: 'pipeline_run',
            source: 'github',
            id: String(run.id),
            attempt: run.run_attempt ?? 1,
            repo,
            workflow: run.name || run.display_title || String(run.workflow_id),
            result,
            ...(run.created_at ? { queuedAt: run.created_at } : {}),
            startedAt: run.run_started_at ?? run.created_at,
            finishedAt: run.updated_at,
          },
        ],
      }
    }
    case 'release': {
      const release = obj(payload.release)
      if (payload.action !== 'published' || release.draft || release.prerelease)
        return ignore(
          `release ${payload.action}${release.prerelease ? ' (pre-release)' : ''}: only published releases ship`,
        )
      return {
        events: [
          {
            type: 'deployment',
            source: 'github',
            id: `release-${release.id}`,
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: 'production',
            result: 'success',
            startedAt: release.published_at ?? release.created_at,
            finishedAt: release.published_at ?? release.created_at,
            sha: release.target_commitish,
            labels: ['release', release.tag_name].filter(Boolean),
          },
        ],
      }
    }
    default:
      return ignore(`GitHub event "${event}" is not used`)
  }
}

export function mapGitLab(event: string, payload: Json, ctx: WebhookContext): Mapped {
  const project = obj(payload.project)
  const repo: string | undefined = project.path ?? project.name
  const attrs = obj(payload.object_attributes)
  switch (event) {
    case 'Merge Request Hook':
      return {
        events: [
          {
            type: 'pull_request',
            source: 'gitlab',
            repo,
            number: attrs.iid,
            author: obj(payload.user).username,
            createdAt: isoTime(attrs.created_at),
            ...(attrs.state === 'merged' ? { mergedAt: isoTime(attrs.merged_at ?? attrs.updated_at) } : {}),
            ...(attrs.state === 'closed' ? { closedAt: isoTime(attrs.closed_at ?? attrs.updated_at) } : {}),
            ...(attrs.merge_commit_sha ? { mergeSha: attrs.merge_commit_sha } : {}),
            ...(obj(attrs.last_commit).id ? { headSha: obj(attrs.last_commit).id } : {}),
            draft: Boolean(attrs.draft ?? attrs.work_in_progress),
            labels: Array.isArray(payload.labels) ? payload.labels.map((l: Json) => l.title) : [],
          },
        ],
      }
    case 'Push Hook': {
      const commits = pushCommits('gitlab', repo ?? '', payload.before, payload.commits)
      return commits.length > 0 ? { events: commits } : ignore('a push without commits')
    }
    case 'Pipeline Hook': {
      const result =
        attrs.status === 'success'
          ? 'success'
          : attrs.status === 'failed'
            ? 'failure'
            : attrs.status === 'canceled'
              ? 'cancelled'
              : null
      if (!result || !attrs.finished_at) return ignore(`pipeline status "${attrs.status}" is not final`)
      return {
        events: [
          {
            type: 'pipeline_run',
            source: 'gitlab',
            id: String(attrs.id),
            repo,
            workflow: attrs.name ?? attrs.ref ?? 'pipeline',
            result,
            startedAt: isoTime(attrs.created_at),
            finishedAt: isoTime(attrs.finished_at),
          },
        ],
      }
    }
    case 'Deployment Hook': {
      const result = payload.status === 'success' ? 'success' : payload.status === 'failed' ? 'failure' : null
      if (!result) return ignore(`deployment status "${payload.status}" is not final`)
      const sha =
        typeof payload.commit_url === 'string' ? payload.commit_url.split('/').pop() : payload.short_sha
      const at = isoTime(payload.status_changed_at)
      return {
        events: [
          {
            type: 'deployment',
            source: 'gitlab',
            id: String(payload.deployment_id),
            service: (repo && ctx.serviceOfRepo(repo)) ?? repo,
            environment: payload.environment,
            result,
            startedAt: at,
            finishedAt: at,
            sha: sha ?? payload.short_sha,
          },
        ],
      }
    }
    default:
      return ignore(`GitLab event "${event}" is not used`)
  }
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

function severityOf(priority: string | undefined, urgency: string | undefined): string {
  const p = /P(\d)/i.exec(priority ?? '')
  if (p) return `SEV-${Math.min(4, Math.max(1, Number(p[1])))}`
  return urgency === 'high' ? 'SEV-2' : 'SEV-3'
}

function incidentEvent(source: string, base: Incident | undefined, fields: Json): Json {
  const merged: Json = base
    ? {
        services: base.services,
        severity: base.severity,
        detectedAt: new Date(base.detectedAt).toISOString(),
        ...(base.acknowledgedAt !== null
          ? { acknowledgedAt: new Date(base.acknowledgedAt).toISOString() }
          : {}),
        ...(base.resolvedAt !== null ? { resolvedAt: new Date(base.resolvedAt).toISOString() } : {}),
      }
    : {}
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) merged[key] = value
  return { type: 'incident', source, ...merged }
}

export async function mapPagerDuty(payload: Json, ctx: WebhookContext): Promise<Mapped> {
  const event = obj(payload.event)
  const data = obj(event.data)
  const type: string = event.event_type ?? ''
  if (!type.startsWith('incident.')) return ignore(`PagerDuty event "${type}" is not about an incident`)
  if (typeof data.id !== 'string') return { events: [{ type: 'incident', source: 'pagerduty' }] }
  const existing = await ctx.findIncident('pagerduty', data.id)
  const service = obj(data.service)
  const name = service.summary ?? service.id ?? 'unknown'
  const at = isoTime(event.occurred_at)
  const fields: Json = {
    id: data.id,
    ...(existing ? {} : { detectedAt: isoTime(data.created_at) ?? at }),
    services: existing?.services ?? [ctx.serviceOfName(name) ?? slug(String(name))],
    severity: severityOf(obj(data.priority).summary, data.urgency),
  }
  if (type === 'incident.acknowledged' && !existing?.acknowledgedAt) fields.acknowledgedAt = at
  if (type === 'incident.resolved') fields.resolvedAt = at
  if (type === 'incident.reopened') fields.resolvedAt = undefined
  const mapped = incidentEvent('pagerduty', existing, fields)
  if (type === 'incident.reopened') delete mapped.resolvedAt
  return { events: [mapped] }
}

export async function mapOpsgenie(payload: Json, ctx: WebhookContext): Promise<Mapped> {
  const alert = obj(payload.alert)
  const action: string = payload.action ?? ''
  if (!['Create', 'Acknowledge', 'Close', 'UnAcknowledge', 'EscalateNext', 'AddNote'].includes(action))
    return ignore(`Opsgenie action "${action}" is not used`)
  if (typeof alert.alertId !== 'string') return { events: [{ type: 'incident', source: 'opsgenie' }] }
  const existing = await ctx.findIncident('opsgenie', alert.alertId)
  const tags: string[] = Array.isArray(alert.tags) ? alert.tags : []
  const tagged = tags.find((t) => t.startsWith('service:'))?.slice('service:'.length)
  const name = tagged ?? alert.entity ?? alert.source ?? 'unknown'
  const at = isoTime(alert.updatedAt) ?? isoTime(alert.createdAt)
  const fields: Json = {
    id: alert.alertId,
    ...(existing ? {} : { detectedAt: isoTime(alert.createdAt) ?? at }),
    services: existing?.services ?? [ctx.serviceOfName(String(name)) ?? slug(String(name))],
    severity: severityOf(alert.priority, undefined),
  }
  if (action === 'Acknowledge' && !existing?.acknowledgedAt) fields.acknowledgedAt = at
  if (action === 'Close') fields.resolvedAt = at
  return { events: [incidentEvent('opsgenie', existing, fields)] }
}
