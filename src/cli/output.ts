/**
 * Terminal presentation shared by every command: the seed dashboard's status symbols and colour
 * on a terminal, plain ASCII when piped, and human durations.
 */
import type { Tier } from '../metrics/benchmarks.js'
import { dayKey } from '../metrics/calendar.js'

/** How a view shows things: colour and symbols on a terminal, and dates in the org's time zone. */
export interface Style {
  rich: boolean
  timeZone: string
}

export function styleFor(stream: NodeJS.WriteStream, timeZone: string): Style {
  return { rich: Boolean(stream.isTTY) && !process.env.NO_COLOR, timeZone }
}

/** The org-local calendar day of an instant (`—` for none): the date a user typed or reads on a wall calendar. */
export function localDay(epoch: number | null, style: Style): string {
  return epoch === null ? '—' : dayKey(epoch, style.timeZone)
}

const SYMBOLS: Record<Tier | 'none', [rich: string, plain: string]> = {
  elite: ['✅', '[elite] '],
  high: ['🟢', '[high]  '],
  medium: ['🟡', '[medium]'],
  low: ['🔴', '[low]   '],
  none: ['⚪', '[n/a]   '],
}

const COLOURS: Record<Tier | 'none', string> = {
  elite: '\x1b[32m',
  high: '\x1b[32m',
  medium: '\x1b[33m',
  low: '\x1b[31m',
  none: '\x1b[2m',
}

export function tierSymbol(tier: Tier | null, style: Style): string {
  const [rich, plain] = SYMBOLS[tier ?? 'none']
  return style.rich ? rich : plain
}

export function tierName(tier: Tier | null, style: Style): string {
  const name = tier ? tier[0]!.toUpperCase() + tier.slice(1) : 'n/a'
  return style.rich ? `${COLOURS[tier ?? 'none']}${name}\x1b[0m` : name
}

export function bold(text: string, style: Style): string {
  return style.rich ? `\x1b[1m${text}\x1b[0m` : text
}

export function dim(text: string, style: Style): string {
  return style.rich ? `\x1b[2m${text}\x1b[0m` : text
}

export { formatCount, formatDuration, formatPercent, formatRate } from '../report/format.js'
