/**
 * The eng-ops seed's audits. Meetings: hours per person per week and their yearly cost at the
 * loaded rate, with the seed's keep / reduce / kill reasoning (a status sync is Slack's job; a
 * long, large, frequent meeting shrinks; planning, decisions and alignment stay). Tools: total and
 * per-engineer cost, overlapping categories ("do we need both Jira AND Linear?"), unused seats.
 */
import type { Meeting, OrgFile, Tool } from '../model/org.js'

const PER_WEEK: Record<Meeting['frequency'], number> = {
  daily: 5,
  weekly: 1,
  biweekly: 0.5,
  monthly: 12 / 52,
  quarterly: 4 / 52,
}

/** Working hours in a year: the loaded cost per engineer divided by this is the hourly rate. */
export const WORK_HOURS_PER_YEAR = 52 * 40

export function attendeeCount(meeting: Meeting, org: Pick<OrgFile, 'teams'>): number {
  if (typeof meeting.attendees === 'number') return meeting.attendees
  return meeting.attendees.reduce((n, id) => n + (org.teams.find((t) => t.id === id)?.members.length ?? 1), 0)
}

/** Person-hours per week the meeting costs. */
export function meetingHoursPerWeek(meeting: Meeting, org: Pick<OrgFile, 'teams'>): number {
  return PER_WEEK[meeting.frequency] * (meeting.durationMinutes / 60) * attendeeCount(meeting, org)
}

/**
 * Average hours per person per week in recurring meetings: person-hours ÷ people. Null without
 * meeting data or people.
 */
export function meetingHoursPerPersonWeek(
  meetings: readonly Meeting[],
  org: Pick<OrgFile, 'teams' | 'people'>,
): number | null {
  if (meetings.length === 0 || org.people.length === 0) return null
  const total = meetings.reduce((sum, m) => sum + meetingHoursPerWeek(m, org), 0)
  return total / org.people.length
}

export type MeetingVerdict = 'keep' | 'reduce' | 'kill'

export interface MeetingLine {
  name: string
  frequency: Meeting['frequency']
  durationMinutes: number
  attendees: number
  purpose: string | null
  hoursPerWeek: number
  yearlyCost: number | null
  verdict: MeetingVerdict
  reason: string
  /** Yearly cost saved by following the verdict. */
  yearlySaving: number | null
  hoursSavedPerWeek: number
}

export interface MeetingAudit {
  meetings: MeetingLine[]
  hoursPerWeek: number
  hoursPerPersonWeek: number | null
  yearlyCost: number | null
  yearlySaving: number | null
  hourlyRate: number | null
}

export function judgeMeeting(
  meeting: Meeting,
  attendees: number,
): { verdict: MeetingVerdict; reason: string; keepShare: number } {
  if (meeting.kind === 'status') {
    return {
      verdict: 'kill',
      reason: 'a status update: share it async (Slack, a written update)',
      keepShare: 0,
    }
  }
  const frequent = meeting.frequency === 'daily' || meeting.frequency === 'weekly'
  const protectedKind =
    meeting.kind === 'alignment' || meeting.kind === 'planning' || meeting.kind === 'social'
  if (frequent && !protectedKind && meeting.durationMinutes >= 60 && attendees >= 10) {
    return {
      verdict: 'reduce',
      reason: `${attendees} people for ${meeting.durationMinutes} min ${meeting.frequency}: cut to 45 min or fewer attendees`,
      keepShare: 45 / meeting.durationMinutes,
    }
  }
  return {
    verdict: 'keep',
    reason: meeting.purpose ? `serves its purpose: ${meeting.purpose}` : 'no sign of waste',
    keepShare: 1,
  }
}

export function auditMeetings(org: Pick<OrgFile, 'meetings' | 'teams' | 'people' | 'org'>): MeetingAudit {
  const rate = org.org.loadedCostPerEngineer ? org.org.loadedCostPerEngineer / WORK_HOURS_PER_YEAR : null
  const meetings = org.meetings.map((meeting): MeetingLine => {
    const attendees = attendeeCount(meeting, org)
    const hoursPerWeek = meetingHoursPerWeek(meeting, org)
    const { verdict, reason, keepShare } = judgeMeeting(meeting, attendees)
    const hoursSavedPerWeek = hoursPerWeek * (1 - keepShare)
    return {
      name: meeting.name,
      frequency: meeting.frequency,
      durationMinutes: meeting.durationMinutes,
      attendees,
      purpose: meeting.purpose ?? null,
      hoursPerWeek,
      yearlyCost: rate === null ? null : hoursPerWeek * 52 * rate,
      verdict,
      reason,
      yearlySaving: rate === null ? null : hoursSavedPerWeek * 52 * rate,
      hoursSavedPerWeek,
    }
  })
  const hoursPerWeek = meetings.reduce((sum, m) => sum + m.hoursPerWeek, 0)
  return {
    meetings,
    hoursPerWeek,
    hoursPerPersonWeek: meetingHoursPerPersonWeek(org.meetings, org),
    yearlyCost: rate === null ? null : hoursPerWeek * 52 * rate,
    yearlySaving: rate === null ? null : meetings.reduce((sum, m) => sum + (m.yearlySaving ?? 0), 0),
    hourlyRate: rate,
  }
}

export interface ToolAudit {
  tools: Tool[]
  total: number
  perEngineer: number | null
  engineers: number
  overlaps: { category: string; tools: string[]; suggestion: string }[]
  unusedSeats: { tool: string; seats: number; engineers: number; suggestion: string }[]
  suggestions: string[]
}

export function auditTools(org: Pick<OrgFile, 'tools' | 'people'>): ToolAudit {
  const total = org.tools.reduce((sum, t) => sum + t.costPerYear, 0)
  const engineers = org.people.length
  const byCategory = new Map<string, string[]>()
  for (const tool of org.tools) {
    const key = tool.category.trim().toLowerCase()
    byCategory.set(key, [...(byCategory.get(key) ?? []), tool.name])
  }
  const overlaps = [...byCategory]
    .filter(([, tools]) => tools.length > 1)
    .map(([category, tools]) => ({
      category,
      tools,
      suggestion: `Consolidate: do we need both ${tools.slice(0, -1).join(', ')} AND ${tools.at(-1)}? (pick one)`,
    }))
  const unusedSeats = org.tools
    .filter((t) => t.seats !== undefined && engineers > 0 && t.seats > engineers * 1.1)
    .map((t) => ({
      tool: t.name,
      seats: t.seats!,
      engineers,
      suggestion: `Right-size: ${t.seats! - engineers} more seats than people`,
    }))
  const suggestions = [
    ...overlaps.map((o) => o.suggestion),
    ...unusedSeats.map((u) => `${u.tool}: ${u.suggestion}`),
  ]
  const big = org.tools.filter((t) => t.costPerYear >= 0.1 * total && total > 0)
  if (big.length > 0)
    suggestions.push(`Negotiate: annual prepay (often ~15% off) for ${big.map((t) => t.name).join(', ')}`)
  return {
    tools: [...org.tools],
    total,
    perEngineer: engineers > 0 ? total / engineers : null,
    engineers,
    overlaps,
    unusedSeats,
    suggestions,
  }
}
