/**
 * What every command shares: the global options, printing, and an engine opened for the
 * command and closed after it.
 */
import type { Command } from 'commander'
import { Engine } from '../engine/engine.js'

export interface GlobalOptions {
  config?: string
  db?: string
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

export function json(value: unknown): void {
  out(JSON.stringify(value, null, 2))
}

export async function withEngine<T>(command: Command, work: (engine: Engine) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>()
  const engine = await Engine.open({ config: options.config, db: options.db })
  try {
    return await work(engine)
  } finally {
    await engine.close()
  }
}
