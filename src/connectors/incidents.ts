/**
 * Incident tools send one lifecycle step at a time: the mappers merge each step into the incident
 * stored so far, and read severity from the tool's priority (P1–P4) or urgency.
 */
import type { Incident } from '../model/types.js'
import type { Json, OrgView } from './connector.js'

export const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

export function severityOf(priority: string | undefined, urgency: string | undefined): string {
  const p = /P(\d)/i.exec(priority ?? '')
  if (p) return `SEV-${Math.min(4, Math.max(1, Number(p[1])))}`
  return urgency === 'high' ? 'SEV-2' : 'SEV-3'
}

export function incidentEvent(source: string, base: Incident | undefined, fields: Json): Json {
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

/** What mapping a tool's service to an engops service needs: the source's `serviceMap` and the org. */
export interface ServiceMapping {
  source: { serviceMap: Record<string, string> }
  org: OrgView
}
