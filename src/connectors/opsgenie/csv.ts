/**
 * Opsgenie's alert export as CSV (`engops import opsgenie-csv`, or an `opsgenie-csv` source): the
 * columns are the fields of an alert and its report as Opsgenie's Alert API names them (`id`,
 * `tinyId`, `createdAt`, `status`, `priority`, `source`, `tags`, `integration`, and the report's
 * `ackTime` and `closeTime` in milliseconds after creation), or absolute `acknowledgedAt` /
 * `closedAt` times. Each row is read as the alert it describes and mapped by the REST sync's rules,
 * under the same source and id.
 */
import type { Connector } from '../connector.js'
import { type CsvOptions, csvDuration, csvIncidents, csvOptions, csvTime } from '../incident-csv.js'
import { incidentOf } from './sync.js'

const COLUMNS = { id: ['id', 'alert id', 'tiny id'], created: ['created at', 'created'] }

export const opsgenieCsv: Connector<CsvOptions> = {
  kind: 'opsgenie-csv',
  title: 'Opsgenie CSV export',
  reads:
    "Opsgenie's alert export as CSV (`paths`, `engops import opsgenie-csv`), columns by name in any case or spacing: `id` (else `tinyId`), `createdAt` → detected, `ackTime` / `closeTime` (ms after creation, or `acknowledgedAt` / `closedAt`) → acknowledged / resolved (resolved only when `status` is closed or absent), `priority` P1–P5 → SEV-1–4; the service from a `service:<id>` tag in `tags`, else `source` or `integration` through `serviceMap`, else a service's id, name or `onCall`",
  access: 'files on disk (`paths`): an export of the alert list or of a report',
  options: csvOptions,
  read: (ctx) =>
    csvIncidents(
      ctx,
      [
        { what: 'alert id', names: COLUMNS.id },
        { what: 'creation time', names: COLUMNS.created },
      ],
      (row, unmapped) => {
        const createdAt = csvTime(row.cell(...COLUMNS.created))
        const after = (absolute: string | undefined, ms: string | undefined) => {
          const at = csvTime(absolute)
          if (at && createdAt) return Date.parse(at) - Date.parse(createdAt)
          return csvDuration(ms, 1)
        }
        const closeTime = after(row.cell('closed at'), row.cell('close time'))
        const status = row.cell('status')?.toLowerCase() ?? (closeTime !== undefined ? 'closed' : 'open')
        const alert = {
          id: row.cell(...COLUMNS.id),
          createdAt,
          status,
          priority: row.cell('priority'),
          source: row.cell('source'),
          tags: (row.cell('tags') ?? '').split(/\s*,\s*/).filter(Boolean),
          ...(row.cell('integration name', 'integration')
            ? { integration: { name: row.cell('integration name', 'integration') } }
            : {}),
          report: {
            ackTime: after(row.cell('acknowledged at'), row.cell('ack time')),
            closeTime,
          },
        }
        return incidentOf(alert, ctx, unmapped)
      },
      (names) =>
        `Opsgenie alert sources that map to no service of the org file (add them to serviceMap, tag the alerts service:<id>, or set a service's onCall): ${names}`,
    ),
}
