/**
 * The operating-model commands: okr, initiatives, deps, raci, topology, maturity, check,
 * experiment, audit, risks, insights. Each has --json; the static ones (raci, audit, check
 * without a store) read only the org file.
 */
import { relative } from 'node:path'
import { type Command, Option } from 'commander'
import { CONFIG_FILE_NAME, type LoadedConfig, loadConfigFile } from '../config/load-config.js'
import { hasDataFor } from '../engine/engine.js'
import {
  audits,
  dependencyMap,
  experiments,
  gates,
  initiatives,
  insights,
  maturity,
  okrLint,
  okrTree,
  raciOf,
  recordCheckIn,
  risks,
  staticGates,
  topology,
} from '../engine/operating.js'
import { parseBoundary } from '../metrics/calendar.js'
import { EngopsError } from '../model/errors.js'
import { dependenciesDot, dependenciesMermaid } from '../operating/dependencies.js'
import type { GateResult } from '../operating/gates.js'
import { flattenOkrs, lintOkrs } from '../operating/okrs.js'
import {
  findResponsibility,
  RACI_PERSON_ROLES,
  RACI_ROLE_NAMES,
  raciCsv,
  raciMarkdown,
  rolesWith,
} from '../operating/raci.js'
import { topologyMermaid } from '../operating/topology.js'
import {
  renderAudit,
  renderChecks,
  renderDeps,
  renderExperiments,
  renderInitiatives,
  renderInsights,
  renderLint,
  renderMaturity,
  renderOkrStatus,
  renderOkrTree,
  renderRaci,
  renderRisks,
  renderTopology,
  type Where,
} from './operating-view.js'
import { styleFor } from './output.js'
import { type GlobalOptions, json, out, withEngine } from './shell.js'

interface AtOptions {
  at?: string
  json?: boolean
}

function configOf(command: Command): LoadedConfig {
  return loadConfigFile(command.optsWithGlobals<GlobalOptions>().config ?? CONFIG_FILE_NAME)
}

function nowOf(at: string | undefined, timeZone: string): number {
  if (at === undefined) return Date.now()
  const epoch = parseBoundary(at, timeZone)
  if (epoch === undefined)
    throw new EngopsError('USAGE', `--at "${at}" is not a date (YYYY-MM-DD) or an ISO 8601 time`)
  return epoch
}

/** file:line of a path in the org file, for findings. */
function whereIn(config: LoadedConfig): Where {
  const file = relative(process.cwd(), config.file) || config.file
  return (path) => {
    if (!path) return null
    const line = config.lineOf(path)
    return line === undefined ? file : `${file}:${line}`
  }
}

const atOption = (command: Command) =>
  command.option('--at <date>', 'judge as of this date or time (default: now)').option('--json', 'print JSON')

export function registerOperatingCommands(program: Command): void {
  const okr = program.command('okr').description('OKRs: status, the cascade, lint and check-ins')

  atOption(
    okr
      .command('status')
      .description('every objective and key result: progress, expected, status, escalation'),
  )
    .option('--team <id>', 'only objectives owned by this team')
    .action(async (options: AtOptions & { team?: string }, command: Command) => {
      await withEngine(command, async (engine) => {
        const now = nowOf(options.at, engine.org.org.timezone)
        const all = flattenOkrs(await okrTree(engine, now))
        const shown = options.team ? all.filter((o) => o.owner === options.team) : all
        if (options.json)
          return json({ at: new Date(now).toISOString(), objectives: shown.map(({ children, ...o }) => o) })
        out(
          renderOkrStatus(shown, engine.org.org.name, now, styleFor(process.stdout, engine.org.org.timezone)),
        )
      })
    })

  atOption(okr.command('tree').description('the company → department → team cascade, with rolled-up status'))
    .addOption(new Option('--format <format>', 'output').choices(['text', 'mermaid']).default('text'))
    .action(async (options: AtOptions & { format: string }, command: Command) => {
      await withEngine(command, async (engine) => {
        const now = nowOf(options.at, engine.org.org.timezone)
        const roots = await okrTree(engine, now)
        if (options.json) return json({ at: new Date(now).toISOString(), tree: roots })
        out(
          renderOkrTree(
            roots,
            options.format === 'mermaid',
            styleFor(process.stdout, engine.org.org.timezone),
          ),
        )
      })
    })

  atOption(
    okr.command('lint').description('the anti-patterns of the seeds’ OKR tables; exit 1 when any is found'),
  )
    .option('--static', 'only the rules the org file alone decides (no check-ins)')
    .action(async (options: AtOptions & { static?: boolean }, command: Command) => {
      const config = configOf(command)
      const now = nowOf(options.at, config.org.org.timezone)
      const findings =
        options.static || !(await hasData(command, config))
          ? lintOkrs(config.org)
          : await withEngine(command, (engine) => okrLint(engine, now))
      const where = whereIn(config)
      if (options.json) json({ findings: findings.map((f) => ({ ...f, where: where(f.path) })) })
      else out(renderLint(findings, where, styleFor(process.stdout, config.org.org.timezone)))
      if (findings.length > 0) process.exitCode = 1
    })

  okr
    .command('checkin <kr>')
    .description('record a check-in for a key result (value, confidence, comment)')
    .option('--value <n>', 'the current value', Number)
    .addOption(new Option('--confidence <c>', 'how it looks').choices(['on-track', 'at-risk', 'off-track']))
    .option('--comment <text>', 'what changed, what is needed')
    .option('--by <person>', 'who checks in')
    .option('--at <time>', 'when (default: now)')
    .option('--json', 'print JSON')
    .action(
      async (
        kr: string,
        options: {
          value?: number
          confidence?: string
          comment?: string
          by?: string
          at?: string
          json?: boolean
        },
        command: Command,
      ) => {
        if (options.value !== undefined && Number.isNaN(options.value))
          throw new EngopsError('USAGE', '--value must be a number')
        if (options.value === undefined && !options.confidence && options.comment === undefined)
          throw new EngopsError('USAGE', 'give --value, --confidence or --comment')
        await withEngine(command, async (engine) => {
          const saved = await recordCheckIn(engine, {
            kr,
            value: options.value,
            confidence: options.confidence,
            comment: options.comment,
            by: options.by,
            at: options.at ? nowOf(options.at, engine.org.org.timezone) : undefined,
          })
          if (options.json) return json({ ...saved, at: new Date(saved.at).toISOString() })
          out(
            `checked in ${kr}: ${[
              saved.value !== null ? `value ${saved.value}` : '',
              saved.confidence ? `confidence ${saved.confidence}` : '',
              saved.comment ? `"${saved.comment}"` : '',
            ]
              .filter(Boolean)
              .join(', ')} at ${new Date(saved.at).toISOString()}`,
          )
        })
      },
    )

  atOption(
    program
      .command('initiatives')
      .description('the initiative tracker with health from milestones and linked OKRs'),
  ).action(async (options: AtOptions, command: Command) => {
    await withEngine(command, async (engine) => {
      const now = nowOf(options.at, engine.org.org.timezone)
      const list = await initiatives(engine, now)
      if (options.json) return json({ at: new Date(now).toISOString(), initiatives: list })
      out(renderInitiatives(list, styleFor(process.stdout, engine.org.org.timezone)))
    })
  })

  program
    .command('deps')
    .description('the dependency matrix: aging, need-by, escalation, cycles, hub teams, strategies')
    .option('--at <date>', 'judge as of this date (default: now)')
    .addOption(
      new Option('--format <format>', 'output').choices(['text', 'mermaid', 'dot', 'json']).default('text'),
    )
    .option('--json', 'print JSON (same as --format json)')
    .action((options: { at?: string; format: string; json?: boolean }, command: Command) => {
      const config = configOf(command)
      const now = nowOf(options.at, config.org.org.timezone)
      const map = dependencyMap(config.org, now)
      if (options.json || options.format === 'json') return json({ at: new Date(now).toISOString(), ...map })
      if (options.format === 'mermaid') return out(dependenciesMermaid(map, config.org))
      if (options.format === 'dot') return out(dependenciesDot(map, config.org))
      out(renderDeps(map, styleFor(process.stdout, config.org.org.timezone)))
    })

  program
    .command('raci')
    .description('the RACI matrix (default: the 17 × 9 of the roles seed, overridable in engops.yaml)')
    .option('--check', 'validate: exactly one A and at least one R per row, known roles; exit 1 on errors')
    .option('--who <question>', 'ask, e.g. --who "accountable for the change calendar"')
    .addOption(
      new Option('--format <format>', 'output').choices(['text', 'md', 'csv', 'json']).default('text'),
    )
    .option('--json', 'print JSON (same as --format json)')
    .action(
      (options: { check?: boolean; who?: string; format: string; json?: boolean }, command: Command) => {
        const config = configOf(command)
        const { built, problems } = raciOf(config.org)
        const asJson = options.json || options.format === 'json'
        if (options.who !== undefined) {
          const row = findResponsibility(built.matrix, options.who)
          if (!row)
            throw new EngopsError(
              'NOT_FOUND',
              `no responsibility matches "${options.who}" (see "engops raci")`,
            )
          const people = (role: string) =>
            config.org.people
              .filter((p) => p.role && (RACI_PERSON_ROLES[role] ?? [role]).includes(p.role))
              .map((p) => p.name)
          const answer = Object.fromEntries(
            (['A', 'R', 'C', 'I'] as const).map((letter) => [
              letter,
              rolesWith(row, letter).map((role) => ({
                role,
                name: RACI_ROLE_NAMES[role] ?? role,
                people: people(role),
              })),
            ]),
          )
          if (asJson) return json({ responsibility: row.responsibility, ...answer })
          const line = (label: string, list: { name: string; people: string[] }[]) =>
            `${label.padEnd(12)} ${list.map((r) => (r.people.length > 0 ? `${r.name} (${r.people.join(', ')})` : r.name)).join('; ') || '—'}`
          return out(
            [
              row.responsibility,
              line('Accountable', answer.A!),
              line('Responsible', answer.R!),
              line('Consulted', answer.C!),
              line('Informed', answer.I!),
            ].join('\n'),
          )
        }
        const errors = problems.filter((p) => p.severity === 'error')
        if (options.check && errors.length > 0) process.exitCode = 1
        if (asJson) return json({ roles: built.matrix.roles, rows: built.matrix.rows, problems })
        if (options.format === 'md') return out(raciMarkdown(built.matrix))
        if (options.format === 'csv') return out(raciCsv(built.matrix))
        const where = whereIn(config)
        out(
          renderRaci(
            built.matrix,
            options.check ? problems : [],
            (name) => where(['raci', 'responsibilities', name]),
            styleFor(process.stdout, config.org.org.timezone),
          ),
        )
      },
    )

  atOption(
    program
      .command('topology')
      .description('team shapes, interactions, org anti-patterns and the career ladder'),
  )
    .addOption(new Option('--format <format>', 'output').choices(['text', 'mermaid']).default('text'))
    .action(async (options: AtOptions & { format: string }, command: Command) => {
      await withEngine(command, async (engine) => {
        const now = nowOf(options.at, engine.org.org.timezone)
        const result = await topology(engine, now)
        if (options.json) return json({ at: new Date(now).toISOString(), ...result })
        if (options.format === 'mermaid') return out(topologyMermaid(engine.org, result))
        out(renderTopology(result, styleFor(process.stdout, engine.org.org.timezone)))
      })
    })

  atOption(
    program.command('maturity').description('incident management and agile maturity (1–5) from evidence'),
  ).action(async (options: AtOptions, command: Command) => {
    await withEngine(command, async (engine) => {
      const now = nowOf(options.at, engine.org.org.timezone)
      const result = await maturity(engine, now)
      if (options.json) return json({ at: new Date(now).toISOString(), assessments: result })
      out(renderMaturity(result, styleFor(process.stdout, engine.org.org.timezone)))
    })
  })

  program
    .command('check')
    .description('policy gates for CI; exit 1 when a gate of severity error fails')
    .option('--at <date>', 'judge as of this date (default: now)')
    .option('--static', 'only the gates the org file decides (the default when there is no store)')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json', 'junit']).default('text'))
    .option('--json', 'print JSON (same as --format json)')
    .action(
      async (
        options: { at?: string; static?: boolean; format: string; json?: boolean },
        command: Command,
      ) => {
        const config = configOf(command)
        const now = nowOf(options.at, config.org.org.timezone)
        const results: GateResult[] =
          options.static || !(await hasData(command, config))
            ? staticGates(config.org, now)
            : await withEngine(command, (engine) => gates(engine, now))
        const where = whereIn(config)
        const failed = results.some((r) => r.status === 'fail' && r.severity === 'error')
        if (options.json || options.format === 'json') {
          json({
            at: new Date(now).toISOString(),
            passed: !failed,
            gates: results.map((r) => ({
              ...r,
              findings: r.findings.map((f) => ({ ...f, where: where(f.path) })),
            })),
          })
        } else if (options.format === 'junit') out(junit(results, where))
        else out(renderChecks(results, where, styleFor(process.stdout, config.org.org.timezone)))
        if (failed) process.exitCode = 1
      },
    )

  program
    .command('experiment [id]')
    .description('evaluate the process experiments of engops.yaml: effect size, Mann–Whitney U, verdict')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        if (id && !engine.org.experiments.some((x) => x.id === id)) {
          const known = engine.org.experiments.map((x) => x.id).join(', ') || 'none'
          throw new EngopsError('NOT_FOUND', `unknown experiment "${id}" (experiments: ${known})`)
        }
        const results = (await experiments(engine)).filter((r) => !id || r.id === id)
        if (options.json) return json({ experiments: results })
        out(renderExperiments(results, styleFor(process.stdout, engine.org.org.timezone)))
      })
    })

  program
    .command('audit <kind>')
    .description('meetings (hours, yearly cost, keep / reduce / kill) or tools (cost, overlaps)')
    .option('--json', 'print JSON')
    .action((kind: string, options: { json?: boolean }, command: Command) => {
      if (kind !== 'meetings' && kind !== 'tools')
        throw new EngopsError('USAGE', `audit meetings or audit tools, not "${kind}"`)
      const config = configOf(command)
      const result = audits(config.org)
      if (options.json) return json(kind === 'meetings' ? result.meetings : result.tools)
      out(
        renderAudit(kind, result, config.org.org.currency, styleFor(process.stdout, config.org.org.timezone)),
      )
    })

  atOption(
    program.command('risks').description('the risk register: declared risks plus those the data shows'),
  ).action(async (options: AtOptions, command: Command) => {
    await withEngine(command, async (engine) => {
      const now = nowOf(options.at, engine.org.org.timezone)
      const list = await risks(engine, now)
      if (options.json) return json({ at: new Date(now).toISOString(), risks: list })
      out(renderRisks(list, styleFor(process.stdout, engine.org.org.timezone)))
    })
  })

  atOption(
    program
      .command('insights')
      .description('diagnoses with evidence: lead time, OKRs at risk, budgets, dependencies'),
  ).action(async (options: AtOptions, command: Command) => {
    await withEngine(command, async (engine) => {
      const now = nowOf(options.at, engine.org.org.timezone)
      const list = await insights(engine, now)
      if (options.json) return json({ at: new Date(now).toISOString(), insights: list })
      out(renderInsights(list, styleFor(process.stdout, engine.org.org.timezone)))
    })
  })
}

function hasData(command: Command, config: LoadedConfig): Promise<boolean> {
  const options = command.optsWithGlobals<GlobalOptions>()
  return hasDataFor(config.file, options.db)
}

/**
 * Text for XML 1.0: markup escaped, and the characters XML 1.0 forbids (control characters other
 * than tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF) replaced by U+FFFD,
 * because an org-file string may hold them and a CI parser rejects the whole report otherwise.
 */
const xml = (text: string) =>
  text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

/** JUnit XML: one test case per gate; error gates that fail are failures, warnings go to system-out. */
export function junit(results: readonly GateResult[], where: Where): string {
  const failures = results.filter((r) => r.status === 'fail' && r.severity === 'error').length
  const skipped = results.filter((r) => r.status === 'skipped').length
  const cases = results.map((r) => {
    const name = xml(`${r.id}: ${r.title}`)
    const detail = xml(
      r.findings
        .map((f) => `${where(f.path) ? `${where(f.path)}: ` : ''}${f.subject}: ${f.message}`)
        .join('\n'),
    )
    if (r.status === 'skipped')
      return `    <testcase classname="engops.check" name="${name}"><skipped message="${xml(r.reason ?? '')}"/></testcase>`
    if (r.status === 'fail' && r.severity === 'error')
      return `    <testcase classname="engops.check" name="${name}"><failure type="policy" message="${r.findings.length} finding(s)">${detail}</failure></testcase>`
    if (r.status === 'fail')
      return `    <testcase classname="engops.check" name="${name}"><system-out>warning:\n${detail}</system-out></testcase>`
    return `    <testcase classname="engops.check" name="${name}"/>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="engops check" tests="${results.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="policy gates" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n')
}
