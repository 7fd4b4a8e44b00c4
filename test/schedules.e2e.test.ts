/**
 * Scheduled reports end to end: the real CLI on a demo store in Europe/Berlin, sending to a local
 * HTTP receiver (Slack, Teams, a signed webhook) and a local SMTP server. The clock is the `--at`
 * of `engops run-schedules --once`.
 */

import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN, cliEnv, engops, engopsAsync, storeRows, tempDir } from './helpers.js'
import { type HttpReceiver, httpReceiver, smtpReceiver } from './receivers.js'

let temp: ReturnType<typeof tempDir>
let demo: string
let http: HttpReceiver
let smtp: Awaited<ReturnType<typeof smtpReceiver>>
let env: NodeJS.ProcessEnv
const SECRET = 'hook-secret'

beforeAll(async () => {
  temp = tempDir('engops-schedules-')
  demo = join(temp.dir, 'demo')
  const made = engops(['demo', '--dir', demo, '--seed', '7', '--end', '2026-04-25', '--quiet'], temp.dir)
  expect(made.code, made.stderr).toBe(0)
  http = await httpReceiver()
  smtp = await smtpReceiver()
  const config = join(demo, 'engops.yaml')
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replace('timezone: UTC', 'timezone: Europe/Berlin')
      .replace(/^org:\n/m, 'org:\n  dashboardUrl: https://engops.example.com\n'),
  )
  appendFileSync(
    config,
    `
schedules:
  - { id: weekly-status, report: weekly, cron: "0 9 * * MON", format: md, to: [slack-leads, hook] }
  - { id: monthly, report: monthly, cron: "0 8 1 * *", format: html, to: [email-staff] }
  - { id: huddle, report: reliability-huddle, team: beta, cron: "30 9 * * TUE", to: [teams-eng] }
destinations:
  - { id: slack-leads, kind: slack, urlEnv: SLACK_LEADS_WEBHOOK }
  - { id: teams-eng, kind: msteams, urlEnv: TEAMS_WEBHOOK }
  - { id: email-staff, kind: email, smtpUrlEnv: SMTP_URL, to: [staff@example.com] }
  - { id: hook, kind: webhook, urlEnv: ALERT_HOOK, secretEnv: ALERT_HOOK_SECRET }
`,
  )
  env = {
    SLACK_LEADS_WEBHOOK: `${http.url}/slack`,
    TEAMS_WEBHOOK: `${http.url}/teams`,
    ALERT_HOOK: `${http.url}/hook`,
    ALERT_HOOK_SECRET: SECRET,
    SMTP_URL: smtp.url,
  }
}, 120_000)

afterAll(async () => {
  await http?.close()
  await smtp?.close()
  temp?.cleanup()
})

// Asynchronous: the receivers answer from this process, which a synchronous run would block.
const run = (at: string, extra: NodeJS.ProcessEnv = {}) =>
  engopsAsync(['run-schedules', '--once', '--at', at, '--json'], demo, { ...env, ...extra })

const slots = async (schedule: string) =>
  (
    await storeRows(
      demo,
      `select slot, status from schedule_runs where schedule = '${schedule}' order by slot`,
    )
  ).map((row) => ({ slot: new Date(Number(row.slot)).toISOString(), status: row.status }))

/** A mail's subject, its RFC 2047 encoded words decoded. */
const subject = (mail: { raw: string }) =>
  (mail.raw.match(/^Subject: (.*)$/m)?.[1] ?? '').replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_, word: string) =>
    decodeURIComponent(word.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, '%$1')),
  )

describe('engops schedules and run-schedules', () => {
  test('next runs are 09:00 in Berlin on either side of the DST change', () => {
    const listed = engops(['schedules', '--at', '2026-03-20T12:00:00Z', '--count', '3', '--json'], demo)
    expect(listed.code, listed.stderr).toBe(0)
    const weekly = (JSON.parse(listed.stdout) as { id: string; next: number[] }[]).find(
      (s) => s.id === 'weekly-status',
    )
    // 09:00 CET is 08:00Z; from 29 March, 09:00 CEST is 07:00Z.
    expect(weekly?.next.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ])
    const text = engops(['schedules', '--at', '2026-03-20T12:00:00Z'], demo)
    expect(text.stdout).toContain('weekly-status  weekly  "0 9 * * MON" (Europe/Berlin) → slack-leads, hook')
    expect(text.stdout).toContain('next: Mon 2026-03-23 09:00 GMT+1, Mon 2026-03-30 09:00 GMT+2')
    expect(text.stdout).toContain('last: never')
  })

  test('the weekly status goes to Slack (Block Kit) and a signed webhook at 09:00 local time, once', async () => {
    const early = await run('2026-03-30T06:59:00Z')
    expect(early.code, early.stderr).toBe(0)
    // 06:59Z is 08:59 CEST: last week's 09:00 CET slot is over an hour old and never ran: skipped.
    expect(JSON.parse(early.stdout).filter((o: { status: string }) => o.status !== 'skipped')).toEqual([])
    expect(http.received).toHaveLength(0)

    const due = await run('2026-03-30T07:00:00Z')
    expect(due.code, due.stderr).toBe(0)
    const outcomes = JSON.parse(due.stdout) as { schedule: string; status: string; slot: number }[]
    expect(outcomes.map((o) => [o.schedule, o.status, new Date(o.slot).toISOString()])).toEqual([
      ['weekly-status', 'sent', '2026-03-30T07:00:00.000Z'],
    ])
    const slack = http.received.filter((r) => r.path === '/slack')
    expect(slack).toHaveLength(1)
    const blocks = slack[0]!.json.blocks as { type: string; text?: { text: string } }[]
    expect(blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'Weekly engineering status — week ending 2026-03-30 · Acme',
        emoji: true,
      },
    })
    expect(blocks.length).toBeLessThanOrEqual(50)
    for (const block of blocks) expect((block.text?.text ?? '').length).toBeLessThanOrEqual(3000)
    const context = JSON.stringify(blocks.at(-1))
    expect(context).toContain(
      'https://engops.example.com/api/reports/weekly?format=html&at=2026-03-30T07%3A00%3A00.000Z',
    )

    const hook = http.received.filter((r) => r.path === '/hook')
    expect(hook).toHaveLength(1)
    const { headers, body } = hook[0]!
    const signed = `sha256=${createHmac('sha256', SECRET).update(`${headers['x-engops-timestamp']}.${body}`).digest('hex')}`
    expect(headers['x-engops-signature']).toBe(signed)
    expect(hook[0]!.json).toMatchObject({
      kind: 'report',
      subject: 'schedule weekly-status 2026-03-30T07:00:00.000Z',
      data: { report: 'weekly', period: { label: 'week ending 2026-03-30' } },
      body: { format: 'md' },
    })

    // The same instant again, and later that day: nothing more is sent.
    expect(JSON.parse((await run('2026-03-30T07:00:00Z')).stdout)).toEqual([])
    expect(JSON.parse((await run('2026-03-30T15:00:00Z')).stdout)).toEqual([])
    expect(http.received.filter((r) => r.path === '/slack')).toHaveLength(1)
  })

  test('three Mondays missed while down: one run, for the latest', async () => {
    const before = http.received.filter((r) => r.path === '/slack').length
    const back = await run('2026-04-21T05:00:00Z')
    expect(back.code, back.stderr).toBe(0)
    const outcomes = JSON.parse(back.stdout) as { schedule: string; status: string; slot: number }[]
    const weekly = outcomes.filter((o) => o.schedule === 'weekly-status')
    expect(weekly.map((o) => [o.status, new Date(o.slot).toISOString()])).toEqual([
      ['sent', '2026-04-20T07:00:00.000Z'],
    ])
    expect(http.received.filter((r) => r.path === '/slack')).toHaveLength(before + 1)
    // The monthly report of April 1 (08:00 CEST) was missed too: it runs now, once.
    expect(outcomes.find((o) => o.schedule === 'monthly')).toMatchObject({
      status: 'sent',
      slot: Date.parse('2026-04-01T06:00:00Z'),
    })
    expect(await slots('weekly-status')).toEqual([
      { slot: '2026-03-23T08:00:00.000Z', status: 'skipped' },
      { slot: '2026-03-30T07:00:00.000Z', status: 'sent' },
      { slot: '2026-04-20T07:00:00.000Z', status: 'sent' },
    ])
  })

  test('two processes on one store send a slot once', async () => {
    const before = http.received.filter((r) => r.path === '/slack').length
    const at = '2026-04-27T07:00:00Z'
    const both = await Promise.all([
      engopsAsync(['run-schedules', '--once', '--at', at, '--json'], demo, env),
      engopsAsync(['run-schedules', '--once', '--at', at, '--json'], demo, env),
    ])
    for (const r of both) expect(r.code, r.stderr).toBe(0)
    const statuses = both.flatMap((r) =>
      (JSON.parse(r.stdout) as { schedule: string; status: string }[])
        .filter((o) => o.schedule === 'weekly-status')
        .map((o) => o.status),
    )
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(1)
    expect(http.received.filter((r) => r.path === '/slack')).toHaveLength(before + 1)
  })

  test('the monthly report is mailed as HTML at 08:00 on the 1st; the huddle goes to Teams', async () => {
    // The April 1 run was caught up when the process came back on April 21 (the test above).
    expect(smtp.mails.map(subject)).toEqual(['Engineering Metrics — March 2026'])
    const at = await run('2026-05-01T06:00:00Z')
    expect(at.code, at.stderr).toBe(0)
    expect(smtp.mails.map(subject)).toEqual([
      'Engineering Metrics — March 2026',
      'Engineering Metrics — April 2026',
    ])
    const mail = smtp.mails[1]!
    expect(mail.to).toEqual(['staff@example.com'])
    expect(mail.raw).toContain('Content-Type: text/html')
    expect(mail.raw).toContain('Content-Type: text/plain')

    // The huddle ran on the Tuesdays the runs above passed (09:30 CEST is 07:30Z), once each.
    expect(await slots('huddle')).toEqual([
      { slot: '2026-03-24T08:30:00.000Z', status: 'skipped' },
      { slot: '2026-04-14T07:30:00.000Z', status: 'sent' },
      { slot: '2026-04-21T07:30:00.000Z', status: 'sent' },
      { slot: '2026-04-28T07:30:00.000Z', status: 'sent' },
    ])
    const teams = http.received.filter((r) => r.path === '/teams')
    expect(teams).toHaveLength(3)
    const attachment = (
      teams[0]!.json.attachments as { contentType: string; content: { body: { text: string }[] } }[]
    )[0]!
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(attachment.content.body[0]!.text).toContain('Reliability huddle')
    expect(Buffer.byteLength(teams[0]!.body)).toBeLessThanOrEqual(28_000)
  })

  test('a destination that refuses: a dead letter, the run failed, exit 1', async () => {
    http.answer('/gone', { status: 404 })
    const failed = await run('2026-05-04T07:00:00Z', { SLACK_LEADS_WEBHOOK: `${http.url}/gone` })
    expect(failed.code).toBe(1)
    const weekly = (JSON.parse(failed.stdout) as { schedule: string; status: string; detail: string }[]).find(
      (o) => o.schedule === 'weekly-status',
    )
    expect(weekly?.status).toBe('failed')
    expect(weekly?.detail).toMatch(
      /^slack-leads: http:\/\/127\.0\.0\.1:\d+ answered 404: no \(1 tries; dead letter [0-9a-f-]{36}\)$/,
    )
    const letters = engops(['dead-letters'], demo)
    expect(letters.stdout).toMatch(
      /slack-leads {2}schedule weekly-status 2026-05-04T07:00:00.000Z {2}after 1 tries: .* answered 404/,
    )
    const unset = await run('2026-05-11T07:00:00Z', { SLACK_LEADS_WEBHOOK: '' })
    expect(unset.code).toBe(1)
    expect(unset.stdout).toContain(
      'destination slack-leads: the environment variable SLACK_LEADS_WEBHOOK is not set',
    )
  })

  test('engops doctor names destinations without their secrets and the dead letters', () => {
    const result = engops(['doctor', '--json'], demo, { SLACK_LEADS_WEBHOOK: 'https://hooks.example.com/x' })
    const findings = (
      JSON.parse(result.stdout) as { findings: { check: string; status: string; message: string }[] }
    ).findings.filter((f) => f.check === 'destinations')
    expect(findings.map((f) => `${f.status} ${f.message.replace(/\(the last to .*\)$/, '(…)')}`)).toEqual([
      'warn destination teams-eng (msteams): TEAMS_WEBHOOK not set in this environment',
      'warn destination email-staff (email): SMTP_URL not set in this environment',
      'warn destination hook (webhook): ALERT_HOOK, ALERT_HOOK_SECRET not set in this environment',
      'warn 2 messages of schedules and alerts could not be delivered (…)',
    ])
  })

  test('dead letters are sent again with --retry, and removed once delivered', async () => {
    const before = http.received.filter((r) => r.path === '/slack').length
    const retried = await engopsAsync(['dead-letters', '--retry'], demo, env)
    expect(retried.code, retried.stderr).toBe(0)
    expect(retried.stdout).toMatch(
      /^[0-9a-f-]{36} {2}slack-leads: delivered\n[0-9a-f-]{36} {2}slack-leads: delivered\n$/,
    )
    const resent = http.received.filter((r) => r.path === '/slack').slice(before)
    expect(resent.map((r) => (r.json.blocks as { text?: { text: string } }[])[0]?.text?.text)).toEqual([
      'Weekly engineering status — week ending 2026-05-04 · Acme',
      'Weekly engineering status — week ending 2026-05-11 · Acme',
    ])
    expect(engops(['dead-letters'], demo).stdout).toBe('no dead letters\n')
    expect(engops(['dead-letters', '--retry', 'nope'], demo).code).toBe(2)
  })

  test('engops serve runs the schedules: a slot due at start is sent at once, and counted in /metrics', async () => {
    const config = join(demo, 'engops.yaml')
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace(
          'schedules:\n',
          'schedules:\n  - { id: pulse, report: weekly, cron: "* * * * *", to: [pulse-hook] }\n',
        )
        .replace(
          'destinations:\n',
          'destinations:\n  - { id: pulse-hook, kind: webhook, urlEnv: PULSE_HOOK }\n',
        ),
    )
    const args = ['serve', '--port', '0', '--no-auth']
    const server = spawn(process.execPath, [BIN, ...args], {
      cwd: demo,
      env: cliEnv(args, demo, { ...env, PULSE_HOOK: `${http.url}/pulse` }),
    })
    try {
      let output = ''
      await new Promise<void>((resolve, reject) => {
        server.stdout?.on('data', (chunk) => {
          output += chunk
          if (/^schedule pulse .*$/m.test(output)) resolve()
        })
        server.on('exit', () => reject(new Error(`serve exited: ${output}`)))
      })
      expect(output).toMatch(
        /^schedule pulse \(\w{3} \d{4}-\d\d-\d\d \d\d:\d\d GMT\+\d\): sent: sent to pulse-hook$/m,
      )
      expect(http.received.filter((r) => r.path === '/pulse')).toHaveLength(1)
      const url = /at (http:\/\/\S+)/.exec(output)?.[1]
      const metrics = await (await fetch(`${url}/metrics`)).text()
      expect(metrics).toContain(
        'engops_deliveries_total{destination="pulse-hook",kind="webhook",outcome="sent"} 1',
      )
    } finally {
      server.kill()
    }
  }, 60_000)

  test('schedules in engops.yaml are checked: unknown destination, bad cron', () => {
    const { dir, cleanup } = tempDir()
    try {
      writeFileSync(
        join(dir, 'engops.yaml'),
        `org: { name: Acme }
schedules:
  - { id: a, report: weekly, cron: "0 9 * * FOO", to: [nowhere] }
  - { id: b, report: weekly, cron: "0 9 * *", to: [nowhere] }
`,
      )
      const result = engops(['validate'], dir)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('engops.yaml:3')
      expect(result.stderr).toContain('schedules[0].cron')
      expect(result.stderr).toContain('schedules[1].cron: "0 9 * *" is not a five-field cron expression')
    } finally {
      cleanup()
    }
  })
})
