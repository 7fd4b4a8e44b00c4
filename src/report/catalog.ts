/**
 * The reports engops produces, with their cadence (which period they cover by default) and their
 * builder; and rendering to the requested format.
 */
import type { Engine } from '../engine/engine.js'
import { EngopsError } from '../model/errors.js'
import type { ReportName } from '../model/org.js'
import type { Report } from './model.js'
import { engFinanceReport, monthlyReport, type ReportContext } from './monthly.js'
import { type Cadence, parseReportPeriod } from './periods.js'
import { baselineReport, qbrReport, scorecardReport, teamReport } from './quarterly.js'
import { renderHtml } from './render-html.js'
import { renderMarkdown, renderTerminal } from './render-text.js'
import { engProductSync, reliabilityHuddle, weeklyReport, wipDepsSweep } from './weekly.js'

interface ReportKind {
  cadence: Cadence
  description: string
  /** Names the argument the report needs (a team id, a role), if any. */
  argument?: 'team' | 'role'
  build: (ctx: ReportContext & { argument?: string }) => Promise<Report>
}

export const REPORTS: Record<ReportName, ReportKind> = {
  monthly: {
    cadence: 'month',
    description: 'the "Engineering Metrics — <Month Year>" dashboard',
    build: monthlyReport,
  },
  weekly: { cadence: 'week', description: 'the weekly status mail to the CTO/CEO', build: weeklyReport },
  qbr: {
    cadence: 'quarter',
    description: 'the quarterly business review engineering section',
    build: qbrReport,
  },
  'reliability-huddle': {
    cadence: 'week',
    description: 'SLOs and budgets, incidents, postmortems due, pages, burn alerts',
    build: reliabilityHuddle,
  },
  'wip-deps-sweep': {
    cadence: 'week',
    description: 'WIP against limits per team, dependencies by age and risk',
    build: wipDepsSweep,
  },
  'eng-finance': {
    cadence: 'month',
    description: 'headcount against plan, cloud variance, tooling, unit costs',
    build: engFinanceReport,
  },
  'eng-product': {
    cadence: 'week',
    description: 'roadmap, capacity by investment, blockers, the next four weeks',
    build: engProductSync,
  },
  baseline: {
    cadence: 'trailing-30',
    description: "a new leader's 30-day assessment and first risk register",
    build: baselineReport,
  },
  team: {
    cadence: 'trailing-30',
    description: "one team's page for its outcome review",
    argument: 'team',
    build: (ctx) => teamReport({ ...ctx, team: ctx.argument! }),
  },
  scorecard: {
    cadence: 'trailing-30',
    description: "a role's KPIs and definition of done",
    argument: 'role',
    build: (ctx) => scorecardReport({ ...ctx, role: ctx.argument! }),
  },
}

export const REPORT_FORMATS = ['terminal', 'md', 'html', 'json', 'pdf'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface ReportRequest {
  name: string
  argument?: string
  period?: string
  team?: string
  now: number
}

export async function buildReport(engine: Engine, request: ReportRequest): Promise<Report> {
  const kind = Object.hasOwn(REPORTS, request.name) ? REPORTS[request.name as ReportName] : undefined
  if (!kind) {
    throw new EngopsError(
      'USAGE',
      `unknown report "${request.name}" (reports: ${Object.keys(REPORTS).join(', ')})`,
    )
  }
  if (kind.argument && !request.argument) {
    throw new EngopsError(
      'USAGE',
      `report ${request.name} needs a ${kind.argument}: engops report ${request.name} <${kind.argument}>`,
    )
  }
  if (kind.argument === 'team') engine.resolveScope({ team: request.argument })
  if (kind.argument === 'role') engine.resolveRole(request.argument!)
  if (request.team) engine.resolveScope({ team: request.team })
  const org = engine.org.org
  const period = parseReportPeriod(
    request.period,
    kind.cadence,
    request.now,
    org.timezone,
    org.fiscalYearStartMonth,
  )
  return kind.build({ engine, period, now: request.now, team: request.team, argument: request.argument })
}

/** Text formats; PDF is printed from the HTML by the caller. */
export function renderReport(report: Report, format: Exclude<ReportFormat, 'pdf'>, rich = false): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(report, { rich })
    case 'md':
      return renderMarkdown(report)
    case 'html':
      return renderHtml(report)
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
  }
}
