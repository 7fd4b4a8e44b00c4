/**
 * PagerDuty's incident export as CSV (`engops import pagerduty-csv`, or a `pagerduty-csv` source):
 * the Insights incident report, whose columns are the fields of the Analytics API's raw incidents
 * (`AnalyticsRawIncident` in PagerDuty's OpenAPI description: `id`, `incident_number`,
 * `created_at`, `resolved_at`, `seconds_to_first_ack`, `service_id`, `service_name`, `urgency`,
 * `priority_name`, …), or the older incidents report (`Created On`, `Resolved On`). Rows become
 * incidents by the same rules as the REST sync, under the same source and id, so an export and a
 * later sync are one history.
 */
import type { Connector } from '../connector.js'
import { type CsvOptions, csvDuration, csvIncidents, csvOptions, csvTime } from '../incident-csv.js'
import { severityOf } from '../incidents.js'
import { serviceOf } from './sync.js'

const COLUMNS = {
  id: ['id', 'incident id', 'incident number'],
  created: ['created at', 'created on', 'created'],
  service: ['service name', 'service id', 'service'],
}

export const pagerdutyCsv: Connector<CsvOptions> = {
  kind: 'pagerduty-csv',
  title: 'PagerDuty CSV export',
  reads:
    "PagerDuty's incident export as CSV (`paths`, `engops import pagerduty-csv`), columns by name in any case or spacing: `id` (else `incident_number`), `created_at` / `Created On` → detected, `seconds_to_first_ack` (or `acknowledged_at`) → acknowledged, `resolved_at` / `Resolved On` → resolved (unless `status` says otherwise), `priority_name` P1–P4 → SEV-1–4, else `urgency`; `service_id` / `service_name` through `serviceMap`, else a service's id, name or `onCall`",
  access: 'files on disk (`paths`): an export from PagerDuty Insights (Incident Activity → Download CSV)',
  options: csvOptions,
  read: (ctx) =>
    csvIncidents(
      ctx,
      [
        { what: 'incident id', names: COLUMNS.id },
        { what: 'creation time', names: COLUMNS.created },
        { what: 'service', names: COLUMNS.service },
      ],
      (row, unmapped) => {
        const detectedAt = csvTime(row.cell(...COLUMNS.created))
        const ackAfter = csvDuration(row.cell('seconds to first ack'), 1000)
        const acknowledgedAt =
          csvTime(row.cell('acknowledged at', 'first acknowledged at')) ??
          (detectedAt && ackAfter !== undefined
            ? new Date(Date.parse(detectedAt) + ackAfter).toISOString()
            : undefined)
        const status = row.cell('status')?.toLowerCase()
        const resolvedAt =
          status === undefined || status === 'resolved'
            ? csvTime(row.cell('resolved at', 'resolved on', 'resolved'))
            : undefined
        const service = serviceOf(ctx, {
          id: row.cell('service id'),
          summary: row.cell('service name', 'service'),
        })
        if (!service.mapped) unmapped.add(service.name)
        return {
          type: 'incident',
          source: 'pagerduty',
          id: row.cell(...COLUMNS.id),
          services: [service.id],
          severity: severityOf(row.cell('priority name', 'priority'), row.cell('urgency')?.toLowerCase()),
          detectedAt,
          ...(acknowledgedAt ? { acknowledgedAt } : {}),
          ...(resolvedAt ? { resolvedAt } : {}),
        }
      },
      (names) =>
        `PagerDuty services that map to no service of the org file (add them to serviceMap, or set a service's onCall): ${names}`,
    ),
}
