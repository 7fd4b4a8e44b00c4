/**
 * The `engops` command line: a thin shell over the engine. Argument parsing lives here; every
 * number comes from `engine/`. User mistakes are printed by one error printer, without a stack.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { orgJsonSchema } from '../config/json-schema.js'
import { CONFIG_FILE_NAME, loadConfigFile } from '../config/load-config.js'
import { STARTER_CONFIG } from '../config/starter.js'
import { generateDemo } from '../demo/generate.js'
import { doraJson, Engine, ROLE_IDS } from '../engine/engine.js'
import { familySummary, METRIC_FAMILIES, type MetricFamily } from '../engine/families.js'
import {
  cdeventsSource,
  filesSource,
  gitSource,
  incidentExport,
  statuspageArchive,
} from '../engine/ingest.js'
import type { Period } from '../metrics/calendar.js'
import { EngopsError, formatDetail } from '../model/errors.js'
import { registerDoctorCommand } from './doctor-command.js'
import { renderDora, renderDoraExplanation } from './dora-view.js'
import { registerCatalogImports } from './import-command.js'
import { describeCounts, describeGitIngest, ingestOne, ingestWithProgress } from './ingest-view.js'
import { renderKpis, renderScorecard } from './kpi-view.js'
import { registerOperatingCommands } from './operating-commands.js'
import { formatCount, styleFor } from './output.js'
import { registerPeopleCommand } from './people-command.js'
import { registerReportCommand } from './report-command.js'
import { registerRitualCommands } from './ritual-commands.js'
import { registerServerCommands } from './server-commands.js'
import { type GlobalOptions, json, out, withEngine } from './shell.js'
import { registerSyncCommand } from './sync-command.js'

interface ScopeOptions {
  team?: string
  service?: string
  from?: string
  to?: string
  json?: boolean
}

function isoPeriod(period: Period) {
  return { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('engops')
    .version(packageVersion(), '-V, --version', 'print the version of engops')
    .description('Engineering operating system: DORA and delivery metrics joined with your organization.')
    .option('--config <file>', `org file (default: ./${CONFIG_FILE_NAME})`)
    .option('--no-alerts', 'do not judge the alert rules after a command that wrote data')
    .option(
      '--db <file|url>',
      'the store: a SQLite file or a postgres:// URL (default: ENGOPS_DB, else .engops/engops.db beside the org file)',
    )
    .showHelpAfterError()

  program
    .command('init')
    .description(`write a commented starter ${CONFIG_FILE_NAME}`)
    .option('--force', 'overwrite an existing file')
    .action((options: { force?: boolean }, command: Command) => {
      const file = resolve(command.optsWithGlobals<GlobalOptions>().config ?? CONFIG_FILE_NAME)
      if (existsSync(file) && !options.force) {
        throw new EngopsError('USAGE', `${file} already exists (use --force to overwrite)`)
      }
      writeFileSync(file, STARTER_CONFIG)
      out(`wrote ${file}\nnext: edit it, then "engops validate" and "engops ingest git <repo>"`)
    })

  program
    .command('schema')
    .description(`print the JSON Schema of ${CONFIG_FILE_NAME}`)
    .action(() => json(orgJsonSchema()))

  program
    .command('validate [file]')
    .description(`check an org file (default: ./${CONFIG_FILE_NAME})`)
    .action((file: string | undefined, _options: unknown, command: Command) => {
      const target = file ?? command.optsWithGlobals<GlobalOptions>().config ?? CONFIG_FILE_NAME
      const { org } = loadConfigFile(target)
      out(
        `${target}: valid — ${org.teams.length} teams, ${org.people.length} people, ${org.services.length} services, ${org.slos.length} SLOs, ${org.okrs.length} OKRs${org.catalog ? ` (with the Backstage catalog ${org.catalog.backstage})` : ''}`,
      )
    })

  const ingest = program
    .command('ingest')
    .description(
      'load git history or event files into the store (validated before anything is stored; a rerun stores nothing twice)',
    )

  ingest
    .command('git <paths...>')
    .description('read commits (branches and tags, not refs/pull/*) and release tags; incremental')
    .option('--repo <name>', 'repository name (default: the directory name)')
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], options: { repo?: string; json?: boolean }, command: Command) => {
      if (options.repo && paths.length > 1)
        throw new EngopsError('USAGE', '--repo names one repository; give one path with it')
      await withEngine(command, async (engine) => {
        const sources = paths.map((path) => gitSource(path, { repo: options.repo }))
        const summaries = await ingestWithProgress(engine, sources)
        if (options.json) return json(summaries)
        for (const s of summaries) out(describeGitIngest(s))
      })
    })

  ingest
    .command('events <files...>')
    .description('load NDJSON, JSON or CSV event files (deployments, incidents, PRs, commits, work items, …)')
    .option('--source <name>', 'source of events that do not name one (default: events)')
    .option(
      '--format <format>',
      'engops (the event formats below) or cdevents (CDEvents v0.4 / v0.5)',
      'engops',
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (
        files: string[],
        options: { source?: string; format: string; json?: boolean },
        command: Command,
      ) => {
        await withEngine(command, async (engine) => {
          if (options.format !== 'engops' && options.format !== 'cdevents')
            throw new EngopsError('USAGE', `--format: "${options.format}" is not engops or cdevents`)
          const entry =
            options.format === 'cdevents' ? cdeventsSource(files) : filesSource(files, options.source)
          const summary = await ingestOne(engine, entry)
          if (options.json) return json(summary)
          const notes = summary.notes.map((note) => `; ${note}`).join('')
          out(
            `stored ${describeCounts(summary.events)} from ${files.length} file${files.length === 1 ? '' : 's'}${notes}`,
          )
        })
      },
    )

  ingest
    .command('tags <path>')
    .description(
      'treat release tags as successful production deployments of a service: by default every version tag (v1.2.3, 4.17.1) but pre-releases',
    )
    .requiredOption('--service <id>', 'the service the tags deploy')
    .option('--pattern <glob>', 'a glob release tags match (repeat for several; braces work)', collect)
    .option('--exclude <glob>', 'a glob of tags that are not releases (repeatable)', collect)
    .option('--any-tag', 'every tag the patterns match, not only versions')
    .option('--prereleases', 'count pre-release versions (-rc.1, -beta.2) as releases too')
    .option('--repo <name>', 'repository name (default: the directory name)')
    .action(
      async (
        path: string,
        options: {
          service: string
          pattern?: string[]
          exclude?: string[]
          anyTag?: boolean
          prereleases?: boolean
          repo?: string
        },
        command: Command,
      ) => {
        await withEngine(command, async (engine) => {
          engine.resolveScope({ service: options.service })
          const releaseTags = {
            service: options.service,
            patterns: options.pattern ?? [],
            exclude: options.exclude ?? [],
            semver: !options.anyTag,
            prereleases: options.prereleases ?? false,
          }
          const s = await ingestOne(engine, gitSource(path, { repo: options.repo, releaseTags }))
          out([`${s.streams[0]}: ${formatCount(s.events.commit ?? 0)} new commits`, ...s.notes].join('; '))
        })
      },
    )

  const imports = program
    .command('import')
    .description("read another tool's export: into the store (incidents), or into engops.yaml (catalogs)")
  registerCatalogImports(imports)
  imports
    .command('statuspage <paths...>')
    .description(
      "archived Statuspage incidents: files or folders of {page, incident} documents or the list endpoint's JSON",
    )
    .option('--default-service <id>', 'the service of components that map to none')
    .option('--json', 'print the summary as JSON')
    .action(
      async (paths: string[], options: { defaultService?: string; json?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          const summary = await ingestOne(engine, statuspageArchive(paths, options))
          if (options.json) return json(summary)
          out([`stored ${describeCounts(summary.events)}`, ...summary.notes].join('; '))
        })
      },
    )

  for (const [kind, product] of [
    ['pagerduty-csv', 'PagerDuty'],
    ['opsgenie-csv', 'Opsgenie'],
  ] as const)
    imports
      .command(`${kind} <files...>`)
      .description(`${product}'s incident export as CSV: its rows into the store as incidents`)
      .option(
        '--map <name=service...>',
        `a ${product} service or alert source (by id or name) → an engops service`,
        collect,
      )
      .option('--json', 'print the summary as JSON')
      .action(async (files: string[], options: { map?: string[]; json?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          const summary = await ingestOne(engine, incidentExport(kind, files, serviceMapOf(options.map)))
          if (options.json) return json(summary)
          out([`stored ${describeCounts(summary.events)}`, ...summary.notes].join('; '))
        })
      })

  const metrics = program.command('metrics').description('compute metrics')
  metrics
    .command('dora')
    .description('deployment frequency, lead time, change failure rate, time to restore, rework rate')
    .option('--team <id>', 'services owned by this team')
    .option('--service <id>', 'one service')
    .option('--from <date>', 'period start (YYYY-MM-DD in the org time zone, or ISO time)')
    .option('--to <date>', 'period end, exclusive (default: the last 30 days up to today)')
    .addOption(
      new Option('--profile <name>', 'benchmark profile').choices(['default', 'dora-2021', 'dora-2023']),
    )
    .option('--explain', 'list the deployments, changes and incidents behind each number')
    .option('--json', 'print JSON (a stable contract: seconds, fractions, tiers)')
    .action(
      async (
        options: {
          team?: string
          service?: string
          from?: string
          to?: string
          profile?: string
          explain?: boolean
          json?: boolean
        },
        command: Command,
      ) => {
        await withEngine(command, async (engine) => {
          const answer = await engine.dora(options)
          if (options.json) {
            return json(doraJson(answer, options.explain))
          }
          const style = styleFor(process.stdout, engine.org.org.timezone)
          out(renderDora(answer, engine.org.org.name, style))
          if (options.explain) out(renderDoraExplanation(answer, style))
        })
      },
    )

  const scopeOptions = (command: Command) =>
    command
      .option('--team <id>', 'a team and its services')
      .option('--service <id>', 'one service')
      .option('--from <date>', 'period start (YYYY-MM-DD in the org time zone, or ISO time)')
      .option('--to <date>', 'period end, exclusive (default: the last 30 days up to today)')
      .option('--json', 'print JSON (seconds, fractions, n)')

  for (const [family, description] of Object.entries(METRIC_FAMILIES)) {
    scopeOptions(metrics.command(family).description(description))
      .option('--explain', 'show how each number is judged: n, owner, cadence, pairing')
      .action(async (options: ScopeOptions & { explain?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          const answer = await engine.kpis(options)
          const kpis = answer.kpis.filter((kpi) => kpi.family === family)
          if (options.json) {
            return json({
              scope: answer.scope,
              period: isoPeriod(answer.period),
              family,
              summary: familySummary(answer.board, family as MetricFamily),
              // The period before, so every figure (DX survey questions included) has its trend.
              previous: familySummary(answer.previousBoard, family as MetricFamily),
              kpis,
            })
          }
          out(
            renderKpis(
              { ...answer, kpis },
              engine.org.org.name,
              `${description[0]!.toUpperCase()}${description.slice(1)}`,
              styleFor(process.stdout, engine.org.org.timezone),
              options.explain,
            ),
          )
        })
      })
  }

  scopeOptions(
    program.command('kpis').description('every KPI with its target, status and trend (the KPI catalog)'),
  )
    .option('--role <role>', `only the KPIs of a role's scorecard (${ROLE_IDS.join(', ')})`)
    .option('--explain', 'show n, owner, cadence and pairing of each KPI')
    .action(async (options: ScopeOptions & { role?: string; explain?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const answer = await engine.kpis(options)
        if (options.json)
          return json({ scope: answer.scope, period: isoPeriod(answer.period), kpis: answer.kpis })
        out(
          renderKpis(
            answer,
            engine.org.org.name,
            'Engineering KPIs',
            styleFor(process.stdout, engine.org.org.timezone),
            options.explain,
          ),
        )
      })
    })

  scopeOptions(
    program
      .command('scorecard <role>')
      .description(`a role's KPIs and definition of done (${ROLE_IDS.join(', ')})`),
  ).action(async (role: string, options: ScopeOptions, command: Command) => {
    await withEngine(command, async (engine) => {
      const card = await engine.scorecard(role, options)
      const scope = engine.resolveScope(options)
      const period = engine.resolvePeriod(options)
      if (options.json) return json({ scope, period: isoPeriod(period), ...card })
      out(
        renderScorecard(
          card,
          { scope, period },
          engine.org.org.name,
          styleFor(process.stdout, engine.org.org.timezone),
        ),
      )
    })
  })

  program
    .command('rebuild')
    .description('derive every fact kept at ingest (shipped changes, failure links, …) again from the events')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const started = Date.now()
        const summary = await engine.rebuild()
        const seconds = (Date.now() - started) / 1000
        if (options.json) return json({ ...summary, seconds })
        out(
          `derived ${formatCount(summary.services)} services again: ${formatCount(summary.shippedDeployments)} production deployments (${seconds.toFixed(1)} s)`,
        )
      })
    })

  program
    .command('demo')
    .description('generate a realistic demo organization, ingest it and show its DORA summary')
    .option('--dir <dir>', 'where to write it', 'engops-demo')
    .addOption(new Option('--scale <scale>', 'size').choices(['small', 'large']).default('small'))
    .option('--seed <n>', 'random seed', '42')
    .option('--end <date>', 'last day of history (default: today)')
    .option('--quiet', 'do not print the summary')
    .action(
      async (
        options: {
          dir: string
          scale: 'small' | 'large'
          seed: string
          end?: string
          quiet?: boolean
        },
        command: Command,
      ) => {
        const seed = Number(options.seed)
        if (!Number.isInteger(seed))
          throw new EngopsError('USAGE', `--seed must be an integer, got "${options.seed}"`)
        const dir = resolve(options.dir)
        const demo = generateDemo({ dir, scale: options.scale, seed, end: options.end })
        const engine = await Engine.open({
          config: demo.configFile,
          db: command.optsWithGlobals<GlobalOptions>().db,
        })
        try {
          // The demo's store holds only the demo: start it afresh so yesterday's history does not linger.
          await engine.startDemoStore()
          const summary = await engine.ingestEvents(demo.eventFiles, 'demo')
          process.stderr.write(
            `demo organization in ${dir}: ${demo.teams} teams, ${demo.people} people, ${demo.services} services; ${describeCounts(summary.events)}\n`,
          )
          if (options.quiet) return
          const answer = await engine.dora({ now: demo.now })
          out(renderDora(answer, engine.org.org.name, styleFor(process.stdout, engine.org.org.timezone)))
          out(
            `Try: npx engops --config ${relative(process.cwd(), demo.configFile)} metrics dora --team beta --explain`,
          )
        } finally {
          await engine.close()
        }
      },
    )

  registerOperatingCommands(program)
  registerReportCommand(program)
  registerServerCommands(program)
  registerRitualCommands(program)
  registerSyncCommand(program)
  registerPeopleCommand(program)
  registerDoctorCommand(program)
  return program
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process too. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  program.exitOverride()
  try {
    await program.parseAsync(argv)
    // Commands that report a failed check set the exit code instead of throwing.
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    return reportError(error)
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help / version text).
    return error.exitCode === 0 ? 0 : 2
  }
  if (error instanceof EngopsError) {
    process.stderr.write(`engops: ${error.message}\n`)
    for (const detail of error.details) process.stderr.write(`  ${formatDetail(detail)}\n`)
    // One rule: a flag or a name the user typed (a team, service, role, report…) that is wrong is a usage mistake.
    return error.code === 'USAGE' || error.code === 'NOT_FOUND' ? 2 : 1
  }
  process.stderr.write(
    `engops: internal error — please report it\n${(error as Error)?.stack ?? String(error)}\n`,
  )
  return 70
}

/** `--map "Shop Frontend=storefront"`, given once per entry. */
function serviceMapOf(entries: readonly string[] = []): Record<string, string> {
  const map: Record<string, string> = {}
  for (const entry of entries) {
    const at = entry.lastIndexOf('=')
    if (at <= 0 || at === entry.length - 1)
      throw new EngopsError(
        'USAGE',
        `--map: "${entry}" is not name=service (e.g. "Shop Frontend=storefront")`,
      )
    map[entry.slice(0, at).trim()] = entry.slice(at + 1).trim()
  }
  return map
}

/** The version in package.json (dist/cli/main.js is two folders below it). */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

/** A repeatable option's values, in the order given. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
