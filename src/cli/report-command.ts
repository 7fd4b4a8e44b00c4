/**
 * `engops report <name>`: build a report from the data, render it (terminal, Markdown, HTML,
 * JSON or PDF), write it to a file and/or post it to a chat webhook.
 */
import { writeFileSync } from 'node:fs'
import { type Command, Option } from 'commander'
import { parseBoundary } from '../metrics/calendar.js'
import { EngopsError } from '../model/errors.js'
import { buildReport, REPORT_FORMATS, REPORTS, type ReportFormat, renderReport } from '../report/catalog.js'
import { postToWebhook, printPdf } from '../report/deliver.js'
import { renderHtml } from '../report/render-html.js'
import { renderMarkdown } from '../report/render-text.js'
import { styleFor } from './output.js'
import { out, withEngine } from './shell.js'

interface ReportOptions {
  period?: string
  team?: string
  at?: string
  format: ReportFormat
  json?: boolean
  out?: string
  post?: string
}

export function registerReportCommand(program: Command): void {
  const list = Object.entries(REPORTS)
    .map(([name, kind]) => `  ${name}${kind.argument ? ` <${kind.argument}>` : ''}: ${kind.description}`)
    .join('\n')
  program
    .command('report <name> [argument]')
    .description(
      'build a report: monthly, weekly, qbr, reliability-huddle, wip-deps-sweep, eng-finance, eng-product, baseline, team <id>, scorecard <role>',
    )
    .addHelpText('after', `\nReports:\n${list}`)
    .option(
      '--period <p>',
      'a month (2026-05), ISO week (2026-W20), quarter (2026-Q2) or range (2026-05-01..2026-06-01); default: the last complete one',
    )
    .option('--team <id>', 'scope the report to one team (monthly, weekly, qbr, scorecard)')
    .option('--at <date>', 'judge as of this date (default: now)')
    .addOption(new Option('--format <format>', 'output').choices([...REPORT_FORMATS]).default('terminal'))
    .option('--json', 'print JSON (same as --format json)')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--post <url>', 'also send the Markdown to a Slack-compatible incoming webhook')
    .action(async (name: string, argument: string | undefined, options: ReportOptions, command: Command) => {
      const format: ReportFormat = options.json ? 'json' : options.format
      if (format === 'pdf' && !options.out)
        throw new EngopsError('USAGE', '--format pdf needs --out FILE.pdf')
      await withEngine(command, async (engine) => {
        const zone = engine.org.org.timezone
        const now = options.at === undefined ? Date.now() : parseBoundary(options.at, zone)
        if (now === undefined)
          throw new EngopsError(
            'USAGE',
            `--at "${options.at}" is not a date (YYYY-MM-DD) or an ISO 8601 time`,
          )
        const report = await buildReport(engine, {
          name,
          argument,
          period: options.period,
          team: options.team,
          now,
        })
        if (format === 'pdf') {
          await printPdf(renderHtml(report), options.out!)
          process.stderr.write(`wrote ${options.out}\n`)
        } else {
          const rich = format === 'terminal' && !options.out && styleFor(process.stdout, 'UTC').rich
          const text = renderReport(report, format, rich)
          if (options.out) {
            writeFileSync(options.out, text)
            process.stderr.write(`wrote ${options.out}\n`)
          } else out(text)
        }
        if (options.post) {
          await postToWebhook(options.post, renderMarkdown(report))
          process.stderr.write(`posted to ${new URL(options.post).origin}\n`)
        }
      })
    })
}
