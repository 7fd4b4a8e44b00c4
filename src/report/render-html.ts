/**
 * Self-contained HTML: one file, inline CSS, charts as inline SVG drawn on the server, no
 * scripts and no external requests — it can be mailed, archived or printed to PDF as it is.
 * Every text from the data is escaped.
 */
import { chartSvg } from './charts.js'
import type { Report, ReportSection, ReportTable, Signal } from './model.js'

/** A badge per signal: colour and a distinct glyph (colour is never the only signal, and the
 * glyphs are in every font, unlike emoji). */
const GLYPH: Record<Signal, string> = { elite: '✓', good: '↗', watch: '!', act: '✕', none: '–' }
const LABEL: Record<Signal, string> = {
  elite: 'on target',
  good: 'good',
  watch: 'watch',
  act: 'act',
  none: 'no data',
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f3f4f6}
main{max-width:1120px;margin:0 auto;padding:24px}
header h1{margin:0 0 4px;font-size:24px}header p{margin:0;color:#4b5563}
.summary{margin:16px 0;padding:12px 16px;background:#fff;border-left:4px solid #2563eb;border-radius:6px}
.summary p{margin:4px 0}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
section h2{margin:0 0 12px;font-size:17px}
ul.lines{list-style:none;margin:0;padding:0}ul.lines li{padding:4px 0;border-bottom:1px solid #f3f4f6;overflow-wrap:anywhere}
.sig{display:inline-block;width:1.35em;height:1.35em;line-height:1.35em;margin-right:.45em;border-radius:50%;text-align:center;font-size:12px;font-weight:700;color:#fff;vertical-align:1px}
.sig.elite{background:#15803d}.sig.good{background:#65a30d}.sig.watch{background:#d97706}.sig.act{background:#dc2626}.sig.none{background:#9ca3af}
.ctx{color:#4b5563}
table{border-collapse:collapse;width:100%;margin:8px 0;table-layout:auto}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;background:#f9fafb}caption{text-align:left;font-weight:600;padding:4px 0}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}
figure{margin:0;flex:1 1 480px;max-width:100%;border:1px solid #e5e7eb;border-radius:6px;padding:4px;overflow:hidden}
figure svg{width:100%;height:auto;display:block}
.missing{color:#6b7280;font-style:italic}.note{color:#4b5563;font-size:13px}
footer{color:#6b7280;font-size:12px;margin:24px 0}
@media print{body{background:#fff}section{box-shadow:none;break-inside:avoid}}
`

function table(t: ReportTable): string {
  const head = t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')
  const rows = t.rows
    .map((row, i) => {
      const signal = t.signals?.[i]
      const cells = row.map((cell, j) => {
        const mark =
          j === 0 && signal
            ? `<span class="sig ${signal}" role="img" aria-label="${LABEL[signal]}">${GLYPH[signal]}</span>`
            : ''
        return `<td>${mark}${escapeHtml(cell)}</td>`
      })
      return `<tr>${cells.join('')}</tr>`
    })
    .join('\n')
  return `<table>${t.title ? `<caption>${escapeHtml(t.title)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`
}

function sectionHtml(s: ReportSection): string {
  const title = `<h2>${escapeHtml(s.title)}</h2>`
  if (s.missing)
    return `<section id="${escapeHtml(s.id)}">${title}<p class="missing">No data: ${escapeHtml(s.missing)}</p></section>`
  const lines =
    s.lines.length > 0
      ? `<ul class="lines">${s.lines
          .map((l) => {
            const extra = [l.context, l.change].filter(Boolean).join(', ')
            return `<li><span class="sig ${l.signal}" role="img" aria-label="${LABEL[l.signal]}">${GLYPH[l.signal]}</span><strong>${escapeHtml(l.label)}</strong>: ${escapeHtml(l.value)}${extra ? ` <span class="ctx">(${escapeHtml(extra)})</span>` : ''}</li>`
          })
          .join('\n')}</ul>`
      : ''
  const charts =
    s.charts.length > 0
      ? `<div class="charts">${s.charts
          .map(
            (c) =>
              `<figure aria-label="${escapeHtml(`${c.title} (${c.unit})`)}" data-chart="${escapeHtml(c.id)}">${chartSvg(c)}</figure>`,
          )
          .join('\n')}</div>`
      : ''
  const notes = s.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')
  return `<section id="${escapeHtml(s.id)}">${title}${lines}${s.tables.map(table).join('\n')}${charts}${notes}</section>`
}

export function renderHtml(report: Report): string {
  const summary =
    report.summary.length > 0
      ? `<div class="summary">${report.summary.map((s) => `<p>${escapeHtml(s)}</p>`).join('')}</div>`
      : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(report.title)}</h1><p>${escapeHtml(`${report.scope} · ${report.period.label} · as of ${report.asOfDate}`)}</p></header>
${summary}
${report.sections.map(sectionHtml).join('\n')}
<footer>Generated by engops from ${escapeHtml(report.org)}'s data. Status: ${(Object.keys(GLYPH) as Signal[]).map((k) => `<span class="sig ${k}" aria-hidden="true">${GLYPH[k]}</span>${LABEL[k]}`).join(' · ')}.</footer>
</main>
</body>
</html>
`
}
