/**
 * CDEvents (v0.4 and v0.5, the CD Foundation's event vocabulary) as engops events. A CDEvent is
 * `{context: {id, source, type, timestamp}, subject: {id, content}, customData}`; its type names
 * the subject and predicate (`dev.cdevents.service.deployed.0.2.0`). Read:
 *
 * - `service.deployed` / `service.upgraded` → a successful deployment; `service.rolledback` → a
 *   rollback. CDEvents name an artifact, not a commit: the commit comes from `customData.sha` (or
 *   `commit`), else the artifact id stands in, so frequency counts but lead time cannot follow it.
 * - `change.merged` → a merged pull request, when `customData` names its `author` (and `number`,
 *   `createdAt`); without an author there is nothing to attribute, and it is skipped with why.
 * - `pipelinerun.finished` → a CI run (outcome success / failure / error / cancel).
 * - `incident.detected` / `incident.reported` → an incident, `incident.resolved` → its resolution,
 *   merged into what came before (`customData.severity`, else SEV-3).
 * - `ticket.created` → a work item to do, `ticket.closed` → done (merged into the created one).
 *
 * `subject.content.service.id` or `subject.id` names the service, matched to the org file's ids,
 * names and `onCall`; `environment.id` is the environment.
 */
import { ignore, isoTime, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { incidentEvent, slug } from '../incidents.js'

export const SOURCE = 'cdevents'

/** What came before an event of the same identity: in the same batch, else in the store. */
export interface Earlier {
  incident: (id: string) => Promise<Json | undefined>
  workItem: (id: string) => Promise<Json | undefined>
}

/** `service.deployed` from `dev.cdevents.service.deployed.0.2.0`. */
export function cdeventKind(type: unknown): string | undefined {
  const match = /^dev\.cdevents\.([A-Za-z]+)\.([A-Za-z]+)\.\d+\.\d+\.\d+(?:-.*)?$/.exec(String(type ?? ''))
  return match ? `${match[1]?.toLowerCase()}.${match[2]?.toLowerCase()}` : undefined
}

/** Whether a JSON value is a CDEvent (a context with a CDEvents type, and a subject). */
export function isCDEvent(value: unknown): value is Json {
  const event = obj(value)
  return cdeventKind(obj(event.context).type) !== undefined && typeof event.subject === 'object'
}

export async function mapCDEvent(event: Json, org: OrgView, earlier: Earlier): Promise<Mapped> {
  const context = obj(event.context)
  const subject = obj(event.subject)
  const content = obj(subject.content)
  const custom = obj(event.customData)
  const kind = cdeventKind(context.type)
  const at = isoTime(context.timestamp)
  const serviceOf = (name: unknown) => {
    const text = String(name ?? 'unknown')
    return org.serviceOfName(text) ?? slug(text)
  }
  switch (kind) {
    case 'service.deployed':
    case 'service.upgraded':
    case 'service.rolledback':
      return {
        events: [
          {
            type: 'deployment',
            source: SOURCE,
            id: context.id,
            service: serviceOf(subject.id),
            environment: obj(content.environment).id ?? custom.environment,
            result: 'success',
            startedAt: isoTime(custom.startedAt) ?? at,
            finishedAt: at,
            sha: custom.sha ?? custom.commit ?? content.artifactId,
            kind: kind === 'service.rolledback' ? 'rollback' : 'regular',
          },
        ],
      }
    case 'change.merged': {
      if (!custom.author) return ignore('change.merged without customData.author: nobody to attribute it to')
      const repository = String(obj(content.repository).id ?? custom.repo ?? '')
      return {
        events: [
          {
            type: 'pull_request',
            source: SOURCE,
            id: subject.id,
            repo: repository.split('/').at(-1) ?? repository,
            number: custom.number ?? Number(/\d+$/.exec(String(subject.id))?.[0] ?? 0),
            author: custom.author,
            createdAt: isoTime(custom.createdAt) ?? at,
            mergedAt: at,
            ...(custom.sha ? { mergeSha: custom.sha } : {}),
          },
        ],
      }
    }
    case 'pipelinerun.finished': {
      const outcome = String(content.outcome ?? '').toLowerCase()
      return {
        events: [
          {
            type: 'pipeline_run',
            source: SOURCE,
            id: subject.id,
            repo: custom.repo ?? content.pipelineName,
            workflow: content.pipelineName ?? subject.id,
            result: outcome === 'success' ? 'success' : outcome === 'cancel' ? 'cancelled' : 'failure',
            startedAt: isoTime(custom.startedAt) ?? at,
            finishedAt: at,
          },
        ],
      }
    }
    case 'incident.detected':
    case 'incident.reported':
    case 'incident.resolved': {
      const before = await earlier.incident(String(subject.id))
      const fields: Json = {
        id: subject.id,
        services: before?.services ?? [serviceOf(obj(content.service).id ?? subject.id)],
        severity: before?.severity ?? custom.severity ?? 'SEV-3',
        detectedAt: before?.detectedAt ?? at,
        ...(kind === 'incident.resolved' ? { resolvedAt: at } : {}),
      }
      return { events: [{ ...before, ...incidentEvent(SOURCE, undefined, fields) }] }
    }
    case 'ticket.created':
    case 'ticket.closed': {
      const before = await earlier.workItem(String(subject.id))
      const created = before?.createdAt ?? isoTime(custom.createdAt) ?? at
      const changes: Json[] = Array.isArray(before?.statusChanges)
        ? before.statusChanges
        : [{ status: 'todo', at: created }]
      return {
        events: [
          {
            ...before,
            type: 'work_item',
            source: SOURCE,
            id: subject.id,
            key: subject.id,
            team: before?.team ?? custom.team ?? content.group,
            itemType: before?.itemType ?? itemType(content.ticketType),
            createdAt: created,
            statusChanges: kind === 'ticket.closed' ? [...changes, { status: 'done', at }] : changes,
          },
        ],
      }
    }
    default:
      return ignore(`CDEvent ${String(context.type)} is not used`)
  }
}

function itemType(ticketType: unknown): string {
  const type = String(ticketType ?? '').toLowerCase()
  if (type === 'bug' || type === 'incident') return type
  if (type === 'story' || type === 'feature' || type === 'enhancement') return 'story'
  return 'task'
}
