/** PagerDuty V3 webhook payloads: each incident.* step merged into the incident so far. */
import { ignore, isoTime, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { incidentEvent, severityOf, slug } from '../incidents.js'

export async function mapPagerDuty(payload: Json, ctx: OrgView): Promise<Mapped> {
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
