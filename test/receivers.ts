/**
 * Local stand-ins for where engops sends messages: an HTTP receiver for Slack, Teams and signed
 * webhooks (each path answers as told: 200, a status, or a number of failures first), and an SMTP
 * server (the smtp-server package) that keeps every mail it is given.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
  json: Record<string, unknown>
}

export interface HttpReceiver {
  url: string
  received: Received[]
  /** How `path` answers: a status for every request, or `failFirst` 5xx before 200s. */
  answer: (path: string, how: { status?: number; failFirst?: number; hang?: boolean }) => void
  close: () => Promise<void>
}

export async function httpReceiver(): Promise<HttpReceiver> {
  const received: Received[] = []
  const plans = new Map<string, { status?: number; failFirst?: number; hang?: boolean; seen: number }>()
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      const path = request.url ?? '/'
      const plan = plans.get(path)
      const seen = plan ? plan.seen++ : 0
      if (plan?.hang) return
      const status = plan?.status ?? (plan?.failFirst !== undefined && seen < plan.failFirst ? 503 : 200)
      if (status === 200)
        received.push({
          path,
          headers: request.headers,
          body,
          json: JSON.parse(body) as Record<string, unknown>,
        })
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (path, how) => plans.set(path, { ...how, seen: 0 }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface Mail {
  from: string
  to: string[]
  raw: string
}

export async function smtpReceiver(): Promise<{ url: string; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8')
      })
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
