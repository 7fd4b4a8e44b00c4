import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { SLACK_LIMITS, slackPayload, TEAMS_LIMIT_BYTES, teamsPayload } from './formats.js'
import type { Message } from './message.js'

const base: Message = {
  subject: 's',
  kind: 'report',
  title: 'Weekly engineering status — week ending 2026-03-30 · Acme',
  summary: ['Deploys up 10%.'],
  sections: [],
  links: [{ label: 'Full report', url: 'https://engops.example.com/api/reports/weekly?format=html' }],
  data: {},
}

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] }

describe('Slack', () => {
  test('names are escaped for mrkdwn: a team called <!here> & co cannot ping anyone', () => {
    const payload = slackPayload({
      ...base,
      sections: [{ title: 'Teams <b>', lines: [{ signal: 'act', text: 'Team <!here> & co: 31 h' }] }],
    })
    const section = (payload.blocks as Block[])[2]!
    expect(section.text?.text).toBe('*Teams &lt;b&gt;*\n🔴 Team &lt;!here&gt; &amp; co: 31 h')
    expect(JSON.stringify(payload)).not.toContain('<!here>')
  })

  test('a long report keeps to 50 blocks and 3,000 characters a section, and links the rest', () => {
    const sections = Array.from({ length: 80 }, (_, i) => ({
      title: `Section ${i}`,
      lines: Array.from({ length: 200 }, (_, j) => ({ text: `line ${j} of section ${i}` })),
    }))
    const blocks = slackPayload({ ...base, sections }).blocks as Block[]
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks)
    for (const block of blocks) expect((block.text?.text ?? '').length).toBeLessThanOrEqual(3000)
    expect(blocks[2]!.text?.text).toMatch(/\n… \d+ more$/)
    const more = blocks.at(-2)!.text!.text
    expect(more).toMatch(
      /^… \d+ more sections in the full report: <https:\/\/engops\.example\.com\/api\/reports\/weekly\?format=html\|Full report>$/,
    )
  })

  test('any message fits Slack and Teams (property)', () => {
    const line = fc.record({ text: fc.string({ maxLength: 400 }) })
    const section = fc.record({
      title: fc.string({ maxLength: 200 }),
      lines: fc.array(line, { maxLength: 60 }),
    })
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(section, { maxLength: 70 }), (title, sections) => {
        const message = { ...base, title, sections }
        const blocks = slackPayload(message).blocks as Block[]
        expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks)
        for (const block of blocks) {
          const limit = block.type === 'header' ? SLACK_LIMITS.headerText : SLACK_LIMITS.sectionText
          expect((block.text?.text ?? '').length).toBeLessThanOrEqual(limit)
        }
        expect(Buffer.byteLength(JSON.stringify(teamsPayload(message)))).toBeLessThanOrEqual(
          TEAMS_LIMIT_BYTES,
        )
      }),
      { numRuns: 60 },
    )
  })
})

describe('Teams', () => {
  test('an Adaptive Card with Markdown marks in names escaped, and the links as actions', () => {
    const card = teamsPayload({
      ...base,
      sections: [{ title: 'SLOs', lines: [{ signal: 'watch', text: 'checkout_*availability* [prod]' }] }],
    })
    const content = card.attachments[0]!.content
    expect(content.type).toBe('AdaptiveCard')
    expect(content.body[3]).toMatchObject({
      type: 'TextBlock',
      text: '🟡 checkout\\_\\*availability\\* \\[prod\\]',
    })
    expect(content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Full report', url: base.links[0]!.url },
    ])
  })

  test('a card over 28 KB keeps its first sections and says how many are in the full report', () => {
    const sections = Array.from({ length: 40 }, (_, i) => ({
      title: `Section ${i}`,
      lines: Array.from({ length: 30 }, (_, j) => ({ text: `line ${j} of section ${i}` })),
    }))
    const card = teamsPayload({ ...base, sections })
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(TEAMS_LIMIT_BYTES)
    const body = card.attachments[0]!.content.body as { text: string }[]
    expect(body.at(-1)!.text).toMatch(/^… \d+ more sections in the full report$/)
  })
})
