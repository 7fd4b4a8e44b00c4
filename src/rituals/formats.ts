/**
 * Each destination's layout of a message, within its size limits, with names escaped for its
 * format: Slack's Block Kit (mrkdwn: `&`, `<`, `>` as entities; 50 blocks, 3,000 characters per
 * section, 150 per header), a Teams Adaptive Card (Markdown escaped; 28 KB per message), an
 * email's text and HTML parts, and the JSON a webhook receives. A message longer than a chat
 * allows keeps its first sections and points to the full report.
 */
import { signalSymbol } from '../report/render-text.js'
import type { Message, MessageLine, MessageSection } from './message.js'

const emoji = (line: MessageLine) => (line.signal ? `${signalSymbol(line.signal, true)} ` : '')

/** Cuts `lines` so that they fit `limit` characters joined, saying how many were left out. */
function fitLines(lines: string[], limit: number, more: (left: number) => string): string {
  const kept: string[] = []
  let length = 0
  for (const [i, line] of lines.entries()) {
    const left = lines.length - i
    const reserve = left > 1 ? more(left).length + 1 : 0
    if (length + line.length + 1 + reserve > limit) {
      kept.push(more(left))
      return kept.join('\n')
    }
    kept.push(line)
    length += line.length + 1
  }
  return kept.join('\n')
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`
}

// ---- Slack -------------------------------------------------------------------------------

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, totalText: 12_000 }

export const slackEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const slackLink = (link: { label: string; url: string }) =>
  `<${link.url.replace(/[|>]/g, encodeURIComponent)}|${slackEscape(link.label).replace(/\|/g, '¦')}>`

const fullReport = (message: Message) => message.links[0]

function slackSectionText(section: MessageSection, limit: number): string {
  const lines = section.lines.map((line) => `${emoji(line)}${slackEscape(line.text)}`)
  return fitLines([`*${slackEscape(section.title)}*`, ...lines], limit, (left) => `… ${left} more`)
}

/** An incoming webhook's Block Kit payload, with `text` as the notification's fallback. */
export function slackPayload(message: Message): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(message.title, SLACK_LIMITS.headerText), emoji: true },
    },
  ]
  if (message.summary.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fitLines(message.summary.map(slackEscape), SLACK_LIMITS.sectionText, (n) => `… ${n} more`),
      },
    })
  // Room for the header, the summary, a "more" line and the links.
  const room = SLACK_LIMITS.blocks - blocks.length - 2
  let budget = SLACK_LIMITS.totalText
  let shown = 0
  for (const section of message.sections) {
    if (shown === room || budget < 200) break
    const text = slackSectionText(section, Math.min(SLACK_LIMITS.sectionText, budget))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
    budget -= text.length
    shown += 1
  }
  const left = message.sections.length - shown
  if (left > 0) {
    const link = fullReport(message)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `… ${left} more section${left === 1 ? '' : 's'}${link ? ` in the full report: ${slackLink(link)}` : ''}`,
      },
    })
  }
  if (message.links.length > 0)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: message.links.map(slackLink).join(' · ') }],
    })
  const fallback = [message.title, ...message.summary.slice(0, 3)].join(' — ')
  return { text: slackEscape(truncate(fallback, 3000)), blocks }
}

// ---- Microsoft Teams ----------------------------------------------------------------------

export const TEAMS_LIMIT_BYTES = 28_000

/**
 * Adaptive Card text is a small Markdown (emphasis, lists, links): its marks in names are escaped
 * with a backslash; with the brackets escaped no link can form, so parentheses stay as they are.
 */
export const teamsEscape = (text: string) => text.replace(/[\\`*_[\]]/g, (ch) => `\\${ch}`)

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

function teamsCard(body: unknown[], links: Message['links']) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })),
        },
      },
    ],
  }
}

/** A Teams (Workflows or Office 365 connector) incoming webhook's Adaptive Card message. */
export function teamsPayload(message: Message): ReturnType<typeof teamsCard> {
  const text = (value: string, extra: Record<string, unknown> = {}) => ({
    type: 'TextBlock',
    text: value,
    wrap: true,
    ...extra,
  })
  const head = [text(teamsEscape(message.title), { weight: 'Bolder', size: 'Medium' })]
  if (message.summary.length > 0) head.push(text(message.summary.map(teamsEscape).join('\n\n')))
  const sections = message.sections.map((section) => [
    text(teamsEscape(section.title), { weight: 'Bolder', spacing: 'Medium' }),
    text(section.lines.map((line) => `${emoji(line)}${teamsEscape(line.text)}`).join('\n\n')),
  ])
  // Keep as many whole sections as fit, leaving room for the "more" line.
  let kept = sections.length
  const build = (count: number) => {
    const left = sections.length - count
    const more =
      left > 0
        ? [text(`… ${left} more section${left === 1 ? '' : 's'} in the full report`, { isSubtle: true })]
        : []
    return teamsCard([...head, ...sections.slice(0, count).flat(), ...more], message.links)
  }
  while (kept > 0 && bytes(build(kept)) > TEAMS_LIMIT_BYTES) kept -= 1
  return build(kept)
}

// ---- Email ---------------------------------------------------------------------------------

const htmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The message as a small HTML page (alerts; reports sent as HTML use the report's own page). */
export function messageHtml(message: Message): string {
  const sections = message.sections
    .map(
      (section) =>
        `<h3>${htmlEscape(section.title)}</h3>\n<ul>${section.lines.map((line) => `<li>${emoji(line)}${htmlEscape(line.text)}</li>`).join('')}</ul>`,
    )
    .join('\n')
  const links = message.links
    .map((link) => `<a href="${htmlEscape(link.url)}">${htmlEscape(link.label)}</a>`)
    .join(' · ')
  return `<!doctype html>\n<html><body style="font-family: sans-serif">\n<h2>${htmlEscape(message.title)}</h2>\n${message.summary.map((s) => `<p>${htmlEscape(s)}</p>`).join('\n')}\n${sections}\n${links ? `<p>${links}</p>` : ''}\n</body></html>\n`
}

// ---- Webhook -------------------------------------------------------------------------------

/** What a webhook receives: the message's parts, its structured data and, if any, its body. */
export function webhookPayload(message: Message): Record<string, unknown> {
  return {
    kind: message.kind,
    subject: message.subject,
    title: message.title,
    summary: message.summary,
    sections: message.sections,
    links: message.links,
    data: message.data,
    ...(message.body ? { body: message.body } : {}),
  }
}
