/**
 * Text renderers: the terminal (the seed dashboard's emoji and colour on a terminal, bracketed
 * words when piped) and Markdown (emoji and GFM tables: pastes cleanly into docs and chat).
 */
import type { Report, ReportLine, ReportSection, ReportTable, Signal } from './model.js'

const EMOJI: Record<Signal, string> = { elite: '✅', good: '🟢', watch: '🟡', act: '🔴', none: '⚪' }
// Piped, the target status in words (README "Status words"); 🟢 (a good trend, no target) is ok too.
const WORD: Record<Signal, string> = {
  elite: '[ok]   ',
  good: '[ok]   ',
  watch: '[watch]',
  act: '[act]  ',
  none: '[n/a]  ',
}

export function signalSymbol(signal: Signal, rich: boolean): string {
  return rich ? EMOJI[signal] : WORD[signal]
}

/** ANSI colours of the signals on a terminal: the value is coloured, the symbol says it too. */
const COLOUR: Record<Signal, string> = {
  elite: '\x1b[32m',
  good: '\x1b[32m',
  watch: '\x1b[33m',
  act: '\x1b[31m',
  none: '\x1b[2m',
}

export function lineText(line: ReportLine, symbol: string, colour = false): string {
  const extra = [line.context, line.change].filter(Boolean).join(', ')
  const value = colour ? `${COLOUR[line.signal]}${line.value}\x1b[0m` : line.value
  return `${symbol} ${line.label}: ${value}${extra ? ` (${extra})` : ''}`
}

const width = (text: string) => [...text].length

function tableText(table: ReportTable, rich: boolean): string[] {
  const rows = table.rows.map((row, i) => {
    const signal = table.signals?.[i]
    return signal ? [`${signalSymbol(signal, rich)} ${row[0]}`, ...row.slice(1)] : row
  })
  const indent = table.signals ? ' '.repeat(width(signalSymbol('none', rich)) + 1) : ''
  const head = [`${indent}${table.columns[0]}`, ...table.columns.slice(1)]
  const all = [head, ...rows]
  const widths = head.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))))
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '─'.repeat(w)).join('  ')
  return [...(table.title ? [table.title] : []), line(head), rule, ...rows.map(line)]
}

export interface TerminalStyle {
  rich: boolean
}

export function renderTerminal(report: Report, style: TerminalStyle): string {
  const b = (t: string) => (style.rich ? `\x1b[1m${t}\x1b[0m` : t)
  const d = (t: string) => (style.rich ? `\x1b[2m${t}\x1b[0m` : t)
  const out: string[] = [
    b(report.title),
    d(`${report.scope} · ${report.period.label} · as of ${report.asOfDate}`),
  ]
  for (const line of report.summary) out.push(line)
  for (const s of report.sections) {
    out.push('', b(`${style.rich && s.icon ? `${s.icon} ` : ''}${s.title.toUpperCase()}`))
    out.push(...sectionBody(s, style.rich, d))
  }
  return `${out.join('\n')}\n`
}

function sectionBody(s: ReportSection, rich: boolean, dim: (t: string) => string): string[] {
  if (s.missing) return [dim(`No data: ${s.missing}`)]
  const out: string[] = []
  for (const line of s.lines) out.push(lineText(line, signalSymbol(line.signal, rich), rich))
  for (const table of s.tables) {
    if (out.length > 0) out.push('')
    out.push(...tableText(table, rich))
  }
  for (const note of s.notes) out.push(dim(note))
  return out
}

/**
 * Markdown passes HTML through, and names and titles come from users: `<`, `>` and `&` are written
 * as entities (which Markdown renderers and Slack's mrkdwn show as the characters themselves).
 */
const noHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const mdEscape = (text: string) => noHtml(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderMarkdown(report: Report): string {
  const out: string[] = [
    `# ${noHtml(report.title)}`,
    '',
    `_${noHtml(`${report.scope} · ${report.period.label} · as of ${report.asOfDate}`)}_`,
  ]
  if (report.summary.length > 0) out.push('', ...report.summary.map((s) => `> ${noHtml(s)}`))
  for (const s of report.sections) {
    out.push('', `## ${s.icon ? `${s.icon} ` : ''}${noHtml(s.title)}`, '')
    if (s.missing) {
      out.push(`_No data: ${noHtml(s.missing)}_`)
      continue
    }
    for (const line of s.lines) out.push(`- ${noHtml(lineText(line, EMOJI[line.signal]))}`)
    for (const table of s.tables) {
      if (s.lines.length > 0 || table !== s.tables[0]) out.push('')
      if (table.title) out.push(`**${noHtml(table.title)}**`, '')
      out.push(
        `| ${table.columns.map(mdEscape).join(' | ')} |`,
        `|${table.columns.map(() => '---').join('|')}|`,
      )
      table.rows.forEach((row, i) => {
        const signal = table.signals?.[i]
        const cells = signal ? [`${EMOJI[signal]} ${row[0]}`, ...row.slice(1)] : row
        out.push(`| ${cells.map(mdEscape).join(' | ')} |`)
      })
    }
    if (s.charts.length > 0)
      out.push('', `_Charts (${noHtml(s.charts.map((c) => c.title).join(', '))}) are in the HTML report._`)
    for (const note of s.notes) out.push('', `_${noHtml(note)}_`)
  }
  return `${out.join('\n')}\n`
}
