// The floor of the HTTP benchmarks: a bare Hono handler on @hono/node-server, the same stack as
// engops serve, that answers GET with a fixed body (the same bytes engops sent) and POST by
// reading the body and answering a small JSON.
import { readFileSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const body = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : '{}'
const app = new Hono()
app.get('/*', (c) => c.body(body, 200, { 'content-type': 'application/json' }))
app.post('/*', async (c) => {
  const text = await c.req.text()
  return c.json({ received: text.length })
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`at http://127.0.0.1:${info.port}\nready\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
