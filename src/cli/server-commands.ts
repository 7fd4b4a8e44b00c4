/**
 * `engops serve` and `engops token`: the HTTP API and dashboard of the current store, and the
 * API tokens that let people and CI in.
 */
import type { Command } from 'commander'
import { Engine } from '../engine/engine.js'
import { EngopsError } from '../model/errors.js'
import { startServer } from '../server/serve.js'
import { type GlobalOptions, json, out, withEngine } from './shell.js'

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (and dashboard) of the store; prints the URL and a session token')
    .option('--port <n>', 'port (0: a free one)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--no-auth', 'no token needed (local demos only)')
    .action(async (options: { port: string; host: string; auth: boolean }, command: Command) => {
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new EngopsError('USAGE', `--port must be 0–65535, got "${options.port}"`)
      const globals = command.optsWithGlobals<GlobalOptions>()
      const engine = await Engine.open({ config: globals.config, db: globals.db })
      const serving = await startServer(engine, { port, host: options.host, auth: options.auth, log: out })
      out(`engops serving ${engine.org.org.name} at ${serving.url}`)
      if (serving.token) {
        out(`dashboard: ${serving.url}/#token=${serving.token}`)
        out(`API:       curl -H "Authorization: Bearer ${serving.token}" ${serving.url}/api/kpis`)
      } else out(`dashboard: ${serving.url}/ (no auth)`)
      await serving.ready
      out('ready')
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await serving.close()
      await engine.close()
    })

  const token = program.command('token').description('API tokens (viewer, ingest, admin), stored hashed')
  token
    .command('create')
    .description('create a token; it is shown once')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci or grafana')
    .option('--role <role>', 'viewer (read), ingest (POST /api/events), admin (everything)', 'viewer')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; role: string; json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const created = await engine.createToken(options.name, options.role)
        if (options.json) return json({ ...created, name: options.name, role: options.role })
        out(
          `${created.token}\n(token ${created.id}, ${options.role}, "${options.name}"; shown once: store it now)`,
        )
      })
    })
  token
    .command('list')
    .description('tokens by id, name and role (never the secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const tokens = await engine.listTokens()
        if (options.json) return json(tokens)
        if (tokens.length === 0) return out('no tokens (engops token create --name NAME --role viewer)')
        for (const t of tokens)
          out(
            `${t.id}  ${t.role.padEnd(7)}  ${t.name}  created ${new Date(t.createdAt).toISOString().slice(0, 10)}${t.revokedAt ? '  revoked' : ''}`,
          )
      })
    })
  token
    .command('revoke <id>')
    .description('revoke a token')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withEngine(command, async (engine) => {
        await engine.revokeToken(id)
        out(`revoked ${id}`)
      })
    })
}
