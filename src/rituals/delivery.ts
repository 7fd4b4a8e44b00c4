/**
 * Sending a message to a destination: the secrets from the environment, the destination's layout,
 * retries with exponential backoff on what may pass (a 5xx, a 429, a timeout, a refused
 * connection, an SMTP 4xx), and a dead letter in the store after the last try. Every outcome is
 * counted per destination for Prometheus.
 */
import { createHmac, randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { Engine } from '../engine/engine.js'
import { EngopsError } from '../model/errors.js'
import type { Destination } from '../model/org.js'
import { signalSymbol } from '../report/render-text.js'
import { messageHtml, slackPayload, teamsPayload, webhookPayload } from './formats.js'
import { type Message, messageText } from './message.js'

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  /** The wait before the second try; it doubles for each try after. */
  baseDelayMs: number
  /** How long one try may take. */
  timeoutMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 2_000, timeoutMs: 15_000 }

/** For alerts judged at the end of a data command (an ingest): the user waits, so it gives up sooner. */
export const QUICK_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, timeoutMs: 10_000 }

export type DeliveryOutcome = 'sent' | 'retried' | 'dead_letter'

/** A try that failed: `transient` failures are tried again. */
class SendFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message)
  }
}

export interface DeliveryResult {
  destination: string
  ok: boolean
  attempts: number
  error?: string
  /** The dead letter's id when the last try failed. */
  deadLetter?: string
}

/** Counts per destination and outcome, for `engops_deliveries_total`. */
export class DeliveryCounters {
  private readonly counts = new Map<
    string,
    { destination: string; kind: string; outcome: DeliveryOutcome; n: number }
  >()

  add(destination: Destination, outcome: DeliveryOutcome): void {
    const key = `${destination.id}\0${outcome}`
    const entry = this.counts.get(key) ?? {
      destination: destination.id,
      kind: destination.kind,
      outcome,
      n: 0,
    }
    entry.n += 1
    this.counts.set(key, entry)
  }

  entries() {
    return [...this.counts.values()].sort(
      (a, b) => a.destination.localeCompare(b.destination) || a.outcome.localeCompare(b.outcome),
    )
  }
}

function secret(name: string, destination: Destination): string {
  const value = process.env[name]
  if (!value)
    throw new SendFailure(`destination ${destination.id}: the environment variable ${name} is not set`, false)
  return value
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const cause =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (error as Error).message
    throw new SendFailure(`${new URL(url).origin}: ${cause}`, true)
  }
  if (response.ok) {
    await response.body?.cancel()
    return
  }
  const text = (await response.text()).slice(0, 200)
  throw new SendFailure(
    `${new URL(url).origin} answered ${response.status}${text ? `: ${text}` : ''}`,
    response.status >= 500 || response.status === 429 || response.status === 408,
  )
}

/** The signature a webhook receiver checks: HMAC-SHA256 of `<timestamp>.<body>` with the shared secret. */
export function webhookSignature(secretValue: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secretValue).update(`${timestamp}.${body}`).digest('hex')}`
}

async function sendOnce(
  destination: Destination,
  message: Message,
  id: string,
  timeoutMs: number,
): Promise<void> {
  switch (destination.kind) {
    case 'slack':
      return post(
        secret(destination.urlEnv, destination),
        JSON.stringify(slackPayload(message)),
        {},
        timeoutMs,
      )
    case 'msteams':
      return post(
        secret(destination.urlEnv, destination),
        JSON.stringify(teamsPayload(message)),
        {},
        timeoutMs,
      )
    case 'webhook': {
      const body = JSON.stringify(webhookPayload(message))
      const timestamp = String(Math.floor(Date.now() / 1000))
      const headers: Record<string, string> = { 'x-engops-delivery': id, 'x-engops-timestamp': timestamp }
      if (destination.secretEnv)
        headers['x-engops-signature'] = webhookSignature(
          secret(destination.secretEnv, destination),
          timestamp,
          body,
        )
      return post(secret(destination.urlEnv, destination), body, headers, timeoutMs)
    }
    case 'email':
      return sendMail(destination, message, id, timeoutMs)
  }
}

async function sendMail(
  destination: Extract<Destination, { kind: 'email' }>,
  message: Message,
  id: string,
  timeoutMs: number,
): Promise<void> {
  const url = secret(destination.smtpUrlEnv, destination)
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  const text =
    message.body && message.body.format !== 'html'
      ? message.body.text
      : messageText(message, (s) => signalSymbol(s, false).trim())
  const html = message.body?.format === 'html' ? message.body.text : messageHtml(message)
  try {
    await transport.sendMail({
      from: destination.from,
      to: destination.to,
      subject: message.title,
      text,
      html,
      messageId: `<${id}@engops>`,
    })
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode
    // SMTP 4xx is "try again later"; 5xx is a refusal; no code: the connection failed.
    throw new SendFailure(
      `SMTP ${new URL(url).host}: ${(error as Error).message}`,
      code === undefined || (code >= 400 && code < 500),
    )
  } finally {
    transport.close()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class Deliverer {
  constructor(
    private readonly engine: Engine,
    readonly counters = new DeliveryCounters(),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Sends `message` to every destination at once; each retries on its own. */
  deliverAll(destinations: readonly Destination[], message: Message): Promise<DeliveryResult[]> {
    return Promise.all(destinations.map((destination) => this.deliver(destination, message)))
  }

  async deliver(destination: Destination, message: Message): Promise<DeliveryResult> {
    // One id for every try, so a receiver can drop a copy it already has.
    const id = randomUUID()
    let error = ''
    let attempts = 0
    for (; attempts < this.retry.attempts; ) {
      if (attempts > 0) {
        this.counters.add(destination, 'retried')
        await sleep(this.retry.baseDelayMs * 2 ** (attempts - 1))
      }
      attempts += 1
      try {
        await sendOnce(destination, message, id, this.retry.timeoutMs)
        this.counters.add(destination, 'sent')
        return { destination: destination.id, ok: true, attempts }
      } catch (failure) {
        error = (failure as Error).message
        if (!(failure instanceof SendFailure) || !failure.transient) break
      }
    }
    this.counters.add(destination, 'dead_letter')
    const deadLetter = await this.engine.ledger.addDeadLetter({
      destination: destination.id,
      subject: message.subject,
      attempts,
      error,
      payload: JSON.stringify(webhookPayload(message)),
      at: Date.now(),
    })
    return { destination: destination.id, ok: false, attempts, error, deadLetter }
  }
}

/**
 * Sends dead letters again (all, or the one with `id`) to their destinations as they were: a
 * letter delivered now is removed; one that fails again is replaced by a new letter with the new
 * error.
 */
export async function retryDeadLetters(
  engine: Engine,
  deliverer: Deliverer,
  id?: string,
): Promise<(DeliveryResult & { letter: string })[]> {
  const letters = (await engine.ledger.deadLetters()).filter((letter) => id === undefined || letter.id === id)
  if (id !== undefined && letters.length === 0)
    throw new EngopsError('NOT_FOUND', `no dead letter "${id}" (engops dead-letters lists them)`)
  const results: (DeliveryResult & { letter: string })[] = []
  for (const letter of letters) {
    const destination = engine.org.destinations.find((d) => d.id === letter.destination)
    if (!destination) {
      results.push({
        letter: letter.id,
        destination: letter.destination,
        ok: false,
        attempts: 0,
        error: `destination ${letter.destination} is no longer in engops.yaml`,
      })
      continue
    }
    const result = await deliverer.deliver(destination, JSON.parse(letter.payload) as Message)
    await engine.ledger.removeDeadLetter(letter.id)
    results.push({ letter: letter.id, ...result })
  }
  return results
}
