/** Terminal views of KPIs, metric families and scorecards, with the seed dashboard's symbols. */
import type { KpiAnswer, Scorecard } from '../engine/engine.js'
import type { KpiResult, Status } from '../metrics/kpi-status.js'
import { formatTarget, formatValue, trendText } from '../report/format.js'
import { bold, dim, localDay, type Style } from './output.js'

/** The target status, as every view writes it (README "Status words"). */
const STATUS: Record<Status, [rich: string, plain: string]> = {
  green: ['✅', '[ok]    '],
  yellow: ['🟡', '[watch] '],
  red: ['🔴', '[act]   '],
  'no-data': ['⚪', '[n/a]   '],
}

export function statusSymbol(status: Status, style: Style): string {
  const [rich, plain] = STATUS[status]
  return style.rich ? rich : plain
}

export function kpiLine(kpi: KpiResult, style: Style): string {
  const value = kpi.status === 'no-data' && kpi.note ? dim(kpi.note, style) : formatValue(kpi.value, kpi.unit)
  const target = formatTarget(kpi.target, kpi.unit, kpi.direction)
  return `${statusSymbol(kpi.status, style)} ${kpi.name.padEnd(44)} ${value.padEnd(style.rich ? 22 : 14)} ${dim(`target ${target}`.padEnd(30), style)} ${dim(trendText(kpi), style)}`.trimEnd()
}

const FAMILY_TITLES: Record<string, string> = {
  dora: 'DORA',
  flow: 'Flow',
  reviews: 'Code review',
  delivery: 'Delivery',
  quality: 'Quality',
  slo: 'SLOs and error budgets',
  reliability: 'Incidents and on-call',
  release: 'Release',
  capacity: 'Capacity allocation',
  platform: 'Platform',
  security: 'Security',
  'team-health': 'Team health',
  hiring: 'Hiring',
  cost: 'Cost',
  dx: 'Developer experience',
  measured: 'Fed by measurements',
}

function header(
  answer: Pick<KpiAnswer, 'scope' | 'period'>,
  title: string,
  orgName: string,
  style: Style,
): string[] {
  const scope =
    answer.scope.kind === 'org' ? `${orgName} (organization)` : `${answer.scope.kind} ${answer.scope.id}`
  const from = localDay(answer.period.from, style)
  const to = localDay(answer.period.to, style)
  return [
    bold(`${title} — ${scope}`, style),
    dim(`${from} → ${to} (to exclusive) · trends against the period before`, style),
  ]
}

export function renderKpis(
  answer: KpiAnswer,
  orgName: string,
  title: string,
  style: Style,
  explain = false,
): string {
  const lines = header(answer, title, orgName, style)
  const families = [...new Set(answer.kpis.map((kpi) => kpi.family))]
  for (const family of families) {
    lines.push('', bold(FAMILY_TITLES[family] ?? family, style))
    for (const kpi of answer.kpis.filter((k) => k.family === family)) {
      lines.push(kpiLine(kpi, style))
      if (explain) {
        lines.push(
          dim(
            `     ${kpi.id}: n=${kpi.n}, owner ${kpi.owner}, reviewed ${kpi.frequency}${kpi.paired ? `, paired with ${kpi.paired}` : ''}`,
            style,
          ),
        )
      }
    }
  }
  const word: Record<Status, string> = { green: 'ok', yellow: 'watch', red: 'act', 'no-data': 'n/a' }
  const counts = (['green', 'yellow', 'red', 'no-data'] as const).map(
    (s) => `${answer.kpis.filter((k) => k.status === s).length} ${word[s]}`,
  )
  lines.push('', dim(counts.join(' · '), style))
  return `${lines.join('\n')}\n`
}

export function renderScorecard(
  card: Scorecard,
  answer: Pick<KpiAnswer, 'scope' | 'period'>,
  orgName: string,
  style: Style,
): string {
  const lines = header(answer, `Scorecard: ${card.name}`, orgName, style)
  lines.push(
    dim(`North star: ${card.northStar}`, style),
    '',
    `${statusSymbol(card.status, style)} ${bold('KPIs', style)}`,
  )
  for (const kpi of card.kpis) lines.push(kpiLine(kpi, style))
  lines.push('', bold('Definition of done (what the data can check)', style))
  for (const item of card.definitionOfDone) {
    lines.push(
      `${statusSymbol(item.met ? 'green' : 'red', style)} ${item.item.padEnd(52)} ${dim(item.evidence, style)}`,
    )
  }
  return `${lines.join('\n')}\n`
}
