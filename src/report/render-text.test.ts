import { describe, expect, test } from 'vitest'
import { KPI_BY_ID } from '../metrics/kpi-catalog.js'
import { evaluateKpi, type KpiResult } from '../metrics/kpi-status.js'
import { changeText } from './blocks.js'
import { type Report, section } from './model.js'
import { renderMarkdown, renderTerminal } from './render-text.js'

function sample(): Report {
  const dora = section('dora', 'DORA metrics', '📊')
  dora.lines.push(
    { signal: 'elite', label: 'Deploy Frequency', value: '2.3/day', context: 'Elite' },
    {
      signal: 'act',
      label: 'Change Fail Rate',
      value: '24%',
      context: 'Low, target: < 15%',
      change: 'up 4% from 23% last month',
    },
  )
  dora.tables.push({ columns: ['Team', 'Lead time'], rows: [['Alpha | A', '1.0 d']], signals: ['watch'] })
  const cost = section('cost', 'Cost', '💰')
  cost.missing = 'no cost events'
  return {
    kind: 'monthly',
    title: 'Engineering Metrics — March 2025',
    org: 'Acme',
    scope: 'Acme',
    period: { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z', label: 'March 2025' },
    asOf: '2025-04-01T00:00:00.000Z',
    asOfDate: '2025-04-01',
    summary: ['1 KPI to act on.'],
    sections: [dora, cost],
  }
}

describe('text renderers', () => {
  test('plain terminal text: words for signals, aligned tables, missing data said', () => {
    expect(renderTerminal(sample(), { rich: false })).toBe(
      [
        'Engineering Metrics — March 2025',
        'Acme · March 2025 · as of 2025-04-01',
        '1 KPI to act on.',
        '',
        'DORA METRICS',
        '[ok]    Deploy Frequency: 2.3/day (Elite)',
        '[act]   Change Fail Rate: 24% (Low, target: < 15%, up 4% from 23% last month)',
        '',
        // The first column is as wide as its widest cell ("[watch] Alpha | A", 17), then two spaces.
        '        Team       Lead time',
        '─────────────────  ─────────',
        '[watch] Alpha | A  1.0 d',
        '',
        'COST',
        'No data: no cost events',
        '',
      ].join('\n'),
    )
  })

  test('a terminal gets the seed symbols and colour; Markdown escapes table pipes', () => {
    const rich = renderTerminal(sample(), { rich: true })
    expect(rich).toContain('✅ Deploy Frequency: \x1b[32m2.3/day\x1b[0m (Elite)')
    expect(rich).toContain('🔴 Change Fail Rate: \x1b[31m24%\x1b[0m')
    const md = renderMarkdown(sample())
    expect(md).toContain('## 📊 DORA metrics')
    expect(md).toContain('- 🔴 Change Fail Rate: 24% (Low, target: &lt; 15%, up 4% from 23% last month)')
    expect(md).toContain('| 🟡 Alpha \\| A | 1.0 d |')
    expect(md).toContain('_No data: no cost events_')
  })
})

test('Markdown never passes HTML from names through', () => {
  const report = sample()
  const hostile = '<img src=x onerror=alert(1)> & <script>alert(2)</script>'
  report.scope = hostile
  report.title = hostile
  report.summary = [hostile]
  const [dora, cost] = report.sections
  if (!dora || !cost) throw new Error('the sample has two sections')
  dora.title = hostile
  dora.lines[0] = { signal: 'good', label: hostile, value: hostile }
  dora.tables[0] = { title: hostile, columns: [hostile, 'x'], rows: [[hostile, hostile]] }
  dora.notes.push(hostile)
  cost.missing = hostile
  const md = renderMarkdown(report)
  expect(md).not.toMatch(/<img|<script/)
  expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;')
})

describe('change in words', () => {
  const cfr = KPI_BY_ID.get('change_failure_rate')
  const kpi = (value: number, previous: number): KpiResult => {
    if (!cfr) throw new Error('change_failure_rate is in the catalog')
    return evaluateKpi(cfr, { value, n: 12 }, { value: previous, n: 10 })
  }

  test('a rise from zero is a rise, not "flat"', () => {
    expect(changeText(kpi(1 / 6, 0), 'month')).toBe('up from 0.0% last month')
    expect(changeText(kpi(0, 0), 'month')).toBe('flat vs last month')
    expect(changeText(kpi(0.2, 0.1), 'month')).toBe('up 100% from 10.0% last month')
  })
})
