/**
 * Delivery against a local receiver: retries with backoff on 5xx and timeouts, a dead letter after
 * the last try, no retry on a refusal, and the counters /metrics shows. The Deliverer runs in this
 * process with short waits (the CLI uses the same code with DEFAULT_RETRY).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Engine } from '../src/engine/engine.js'
import type { Destination } from '../src/model/org.js'
import { Deliverer } from '../src/rituals/delivery.js'
import type { Message } from '../src/rituals/message.js'
import { deliveryExposition } from '../src/server/prometheus.js'
import { MINIMAL_CONFIG, storeFor, tempDir } from './helpers.js'
import { type HttpReceiver, httpReceiver } from './receivers.js'

let temp: ReturnType<typeof tempDir>
let engine: Engine
let http: HttpReceiver

const message: Message = {
  subject: 'alert test',
  kind: 'alert',
  title: 'Review pickup turned red · beta',
  summary: ['Review pickup is 31 h (target: < 24 h)'],
  sections: [],
  links: [],
  data: {},
}

beforeAll(async () => {
  temp = tempDir('engops-delivery-')
  writeFileSync(join(temp.dir, 'engops.yaml'), MINIMAL_CONFIG)
  engine = await Engine.open({ config: join(temp.dir, 'engops.yaml'), db: storeFor(temp.dir) })
  http = await httpReceiver()
})

afterAll(async () => {
  await engine?.close()
  await http?.close()
  temp?.cleanup()
})

const slack = (id: string, env: string, path: string): Destination => {
  process.env[env] = `${http.url}${path}`
  return { id, kind: 'slack', urlEnv: env }
}

describe('delivery', () => {
  test('a 5xx is tried again after 10, 20, 40 ms until it passes', async () => {
    http.answer('/flaky', { failFirst: 2 })
    const deliverer = new Deliverer(engine, undefined, { attempts: 4, baseDelayMs: 10, timeoutMs: 2_000 })
    const started = Date.now()
    const result = await deliverer.deliver(slack('flaky', 'ENGOPS_T_FLAKY', '/flaky'), message)
    expect(result).toEqual({ destination: 'flaky', ok: true, attempts: 3 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(30)
    expect(http.received.filter((r) => r.path === '/flaky')).toHaveLength(1)
    expect(deliverer.counters.entries()).toEqual([
      { destination: 'flaky', kind: 'slack', outcome: 'retried', n: 2 },
      { destination: 'flaky', kind: 'slack', outcome: 'sent', n: 1 },
    ])
  })

  test('after the last try: a dead letter with the message, and the counter', async () => {
    http.answer('/down', { status: 502 })
    const deliverer = new Deliverer(engine, undefined, { attempts: 3, baseDelayMs: 5, timeoutMs: 2_000 })
    const result = await deliverer.deliver(slack('down', 'ENGOPS_T_DOWN', '/down'), message)
    expect(result).toMatchObject({ destination: 'down', ok: false, attempts: 3 })
    expect(result.error).toMatch(/answered 502: no$/)
    const letters = (await engine.ledger.deadLetters()).filter((l) => l.destination === 'down')
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({ id: result.deadLetter, subject: 'alert test', attempts: 3 })
    expect(JSON.parse(letters[0]!.payload)).toMatchObject({ title: 'Review pickup turned red · beta' })
    expect(deliveryExposition(deliverer.counters)).toContain(
      'engops_deliveries_total{destination="down",kind="slack",outcome="dead_letter"} 1',
    )
    expect(deliveryExposition(deliverer.counters)).toContain(
      'engops_deliveries_total{destination="down",kind="slack",outcome="retried"} 2',
    )
  })

  test('a refusal (4xx) is not tried again; a receiver that does not answer in time is', async () => {
    http.answer('/refuse', { status: 403 })
    const deliverer = new Deliverer(engine, undefined, { attempts: 3, baseDelayMs: 5, timeoutMs: 300 })
    const refused = await deliverer.deliver(slack('refuse', 'ENGOPS_T_REFUSE', '/refuse'), message)
    expect(refused).toMatchObject({ ok: false, attempts: 1 })
    http.answer('/hang', { hang: true })
    const slow = await deliverer.deliver(slack('slow', 'ENGOPS_T_SLOW', '/hang'), message)
    expect(slow).toMatchObject({ ok: false, attempts: 3 })
    expect(slow.error).toMatch(/: no answer within 0.3 s$/)
    // A port nobody listens on: the connection is refused, which may pass (a restart): retried.
    process.env.ENGOPS_T_NOWHERE = 'http://127.0.0.1:9/hook'
    const nowhere = await deliverer.deliver(
      { id: 'nowhere', kind: 'webhook', urlEnv: 'ENGOPS_T_NOWHERE' },
      message,
    )
    expect(nowhere).toMatchObject({ ok: false, attempts: 3 })
  })
})
