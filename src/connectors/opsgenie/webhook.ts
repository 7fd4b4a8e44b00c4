/** Opsgenie alert webhook payloads: each action merged into the incident so far. */
import { ignore, isoTime, type Json, type Mapped, type OrgView, obj } from '../connector.js'
import { incidentEvent, severityOf, slug } from '../incidents.js'

export async function mapOpsgenie(payload: Json, ctx: OrgView): Promise<Mapped> {
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
