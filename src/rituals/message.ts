/**
 * What schedules and alerts send, before any destination lays it out: a title, a summary, sections
 * of lines with their status, and links. Each destination's format (Slack, Teams, email, a signed
 * webhook) is made from this one structure, so a report or an alert reads the same everywhere.
 */
import type { Report, Signal } from '../report/model.js'
import { lineText } from '../report/render-text.js'

export type { Signal }

export interface MessageLine {
  signal?: Signal
  text: string
}

export interface MessageSection {
  title: string
  lines: MessageLine[]
}

export interface Message {
  /** What is sent: `schedule weekly-status 2026-11-30T08:00Z`, `alert kpi-status:review_pickup:team:payments`. */
  subject: string
  kind: 'report' | 'alert' | 'resolved'
  title: string
  summary: string[]
  sections: MessageSection[]
  links: { label: string; url: string }[]
  /** For email and webhooks: the whole body in the schedule's format (a report's full rendering). */
  body?: { format: 'md' | 'html' | 'json'; text: string }
  /** The structured payload a webhook receives besides the text. */
  data: Record<string, unknown>
}

/** Table rows shown per table before "… and N more". */
const TABLE_ROWS = 8

/** A report as a message: each section's lines, its tables' first rows, its notes. */
export function reportMessage(
  report: Report,
  options: { subject: string; links: Message['links']; body?: Message['body'] },
): Message {
  const sections = report.sections.map((section): MessageSection => {
    if (section.missing)
      return { title: section.title, lines: [{ signal: 'none', text: `No data: ${section.missing}` }] }
    const lines: MessageLine[] = section.lines.map((line) => ({
      signal: line.signal,
      text: lineText({ ...line, signal: line.signal }, '').trim(),
    }))
    for (const table of section.tables) {
      const shown = table.rows.slice(0, TABLE_ROWS)
      shown.forEach((row, i) => {
        const cells = row
          .slice(1)
          .map((cell, j) => (table.columns[j + 1] ? `${table.columns[j + 1]}: ${cell}` : cell))
        lines.push({
          ...(table.signals?.[i] ? { signal: table.signals[i] } : {}),
          text: `${row[0]}${cells.length > 0 ? ` — ${cells.join(', ')}` : ''}`,
        })
      })
      if (table.rows.length > shown.length)
        lines.push({ text: `… and ${table.rows.length - shown.length} more` })
    }
    for (const note of section.notes) lines.push({ text: note })
    return { title: section.title, lines }
  })
  return {
    subject: options.subject,
    kind: 'report',
    title: `${report.title} · ${report.scope}`,
    summary: report.summary,
    sections,
    links: options.links,
    ...(options.body ? { body: options.body } : {}),
    data: { report: report.kind, period: report.period, asOf: report.asOf, scope: report.scope },
  }
}

/** The message as plain text (an email's text part, a Markdown body's fallback). */
export function messageText(message: Message, symbol: (signal: Signal) => string): string {
  const out = [message.title, '', ...message.summary]
  for (const section of message.sections) {
    out.push('', section.title.toUpperCase())
    for (const line of section.lines)
      out.push(`${line.signal ? `${symbol(line.signal)} ` : '  '}${line.text}`)
  }
  if (message.links.length > 0) out.push('', ...message.links.map((link) => `${link.label}: ${link.url}`))
  return `${out.join('\n')}\n`
}
