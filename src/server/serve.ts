/**
 * Puts the app on a port. With auth on, a session token valid for this process is minted and
 * returned for the CLI to print (it is kept only as a hash); API tokens from `engops token
 * create` work as well.
 */
import type { AddressInfo } from 'node:net'
import { serve as listen } from '@hono/node-server'
import type { Engine } from '../engine/engine.js'
import { mintToken } from '../engine/tokens.js'
import { createApp } from './app.js'
import { secretsFromEnv } from './webhooks.js'

export interface Serving {
  url: string
  /** The session token (admin), when auth is on. */
  token: string | null
  close: () => Promise<void>
}

export async function startServer(
  engine: Engine,
  options: { port: number; host: string; auth: boolean },
): Promise<Serving> {
  const session = options.auth ? mintToken() : null
  const app = createApp({
    engine,
    auth: options.auth,
    sessionToken: session ? { id: session.id, hash: session.hash, role: 'admin' } : undefined,
    webhooks: secretsFromEnv(),
  })
  const server = await new Promise<ReturnType<typeof listen>>((resolve, reject) => {
    const s = listen({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: session?.token ?? null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
