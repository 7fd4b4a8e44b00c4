/**
 * RACI: who is Accountable, Responsible, Consulted and Informed for the core responsibilities.
 * The default is the 17 × 9 matrix of the engineering-roles seed (`004_…`); `engops.yaml` can
 * replace rows, add rows and roles. Validation follows the golden rule: exactly one A per row, at
 * least one R, every role known, one letter per cell except A together with R.
 */
import type { RaciConfig } from '../model/org.js'

export type RaciLetter = 'A' | 'R' | 'C' | 'I'

export const DEFAULT_RACI_ROLES = ['cto', 'hoe', 'hop', 'tl', 'pm', 'sre', 'data', 'staff', 'eng'] as const

export const RACI_ROLE_NAMES: Record<string, string> = {
  cto: 'CTO',
  hoe: 'Head of Engineering / VP Eng',
  hop: 'Head of Platform',
  tl: 'Tech Lead',
  pm: 'Product Manager',
  sre: 'SRE Lead / SRE',
  data: 'Data Lead',
  staff: 'Staff / Principal Engineer',
  eng: 'Software Engineers',
}

/** RACI role → the `role` values of people in `engops.yaml` who hold it. */
export const RACI_PERSON_ROLES: Record<string, string[]> = {
  cto: ['cto'],
  hoe: ['head-of-engineering', 'vp-engineering', 'vp-eng'],
  hop: ['head-of-platform'],
  tl: ['tech-lead', 'team-lead'],
  pm: ['pm', 'product-manager'],
  sre: ['sre', 'sre-lead'],
  data: ['data', 'data-lead', 'analytics-engineer'],
  staff: ['staff', 'principal', 'staff-engineer', 'principal-engineer'],
  eng: ['engineer', 'software-engineer'],
}

/** The seed's matrix, row by row, in the column order of DEFAULT_RACI_ROLES. */
const DEFAULT_ROWS: [string, string][] = [
  ['Org topology & team design', 'A R I I I I I C I'],
  ['Quality bars policy (flags/telemetry/rollback/SLOs)', 'C A R R C R I C R'],
  ['Service ownership (catalog, on-call, SLO dashboards)', 'I A I R I C I C R'],
  ['Platform (templates, CI/CD, previews, obs)', 'I C A C I C I C R'],
  ['SLOs & incident management', 'I C C R I A I C R'],
  ['Stream portfolio & WIP ≤2', 'C C I R A I I I R'],
  ['Release gates & ringed deploys', 'I C C A C R I C R'],
  ['Error-budget governance', 'C C I R I A I C R'],
  ['Metrics & experimentation standards', 'C I I R R I A C R'],
  ['Security & privacy posture', 'A R R R I R C C R'],
  ['Change calendar & freeze rules', 'I A C R C C I I R'],
  ['Deprecations & migrations (platform/libs)', 'I C A R I C I R R'],
  ['Contracts & interfaces (provider/consumer tests)', 'C C I R I C I A R'],
  ['Cost & FinOps (build mins, env hours, queries)', 'A R R I C I C C I'],
  ['Hiring & onboarding (engineering)', 'C A C R I I I C R'],
  ['Service catalog hygiene', 'I A I R I C I I R'],
  ['Paved-road adoption', 'I A R R I I I C R'],
]

export interface RaciRow {
  responsibility: string
  /** Role → letters, e.g. { cto: ['A'], hoe: ['R'] }; roles with no part are absent. */
  cells: Record<string, RaciLetter[]>
  /** Whether the row comes from engops.yaml. */
  configured: boolean
}

export interface RaciMatrix {
  roles: string[]
  rows: RaciRow[]
}

export interface RaciProblem {
  responsibility: string
  role: string | null
  severity: 'error' | 'warning'
  message: string
}

/** Parses a cell: "A", "R", "A/R", "AR", "-" or "" (no part). Unknown letters are returned apart. */
export function parseCell(text: string): { letters: RaciLetter[]; invalid: string[] } {
  const letters: RaciLetter[] = []
  const invalid: string[] = []
  for (const part of text.toUpperCase().replace(/[\s/,+-]/g, '')) {
    if (part === 'A' || part === 'R' || part === 'C' || part === 'I') {
      if (!letters.includes(part)) letters.push(part)
    } else invalid.push(part)
  }
  return { letters, invalid }
}

export interface BuiltRaci {
  matrix: RaciMatrix
  /** Cells that could not be read (unknown letters), reported by validation. */
  unreadable: RaciProblem[]
}

export function buildRaci(config: RaciConfig | undefined): BuiltRaci {
  const roles = config?.roles ?? [...DEFAULT_RACI_ROLES]
  const unreadable: RaciProblem[] = []
  const rows: RaciRow[] = []
  if (!config?.replaceDefault) {
    for (const [responsibility, letters] of DEFAULT_ROWS) {
      const cells: Record<string, RaciLetter[]> = {}
      letters.split(' ').forEach((letter, i) => {
        cells[DEFAULT_RACI_ROLES[i]!] = [letter as RaciLetter]
      })
      rows.push({ responsibility, cells, configured: false })
    }
  }
  for (const [responsibility, given] of Object.entries(config?.responsibilities ?? {})) {
    const cells: Record<string, RaciLetter[]> = {}
    for (const [role, text] of Object.entries(given)) {
      const { letters, invalid } = parseCell(String(text))
      if (invalid.length > 0) {
        unreadable.push({
          responsibility,
          role,
          severity: 'error',
          message: `"${text}" is not a RACI cell (use A, R, C, I, A/R or -)`,
        })
      }
      if (letters.length > 0) cells[role] = letters
    }
    const existing = rows.findIndex(
      (row) => row.responsibility.toLowerCase() === responsibility.toLowerCase(),
    )
    const row = {
      responsibility: existing >= 0 ? rows[existing]!.responsibility : responsibility,
      cells,
      configured: true,
    }
    if (existing >= 0) rows[existing] = row
    else rows.push(row)
  }
  return { matrix: { roles, rows }, unreadable }
}

/** Exactly one A, at least one R, known roles, one letter per cell (A with R allowed), not too many C. */
export function validateRaci(built: BuiltRaci): RaciProblem[] {
  const problems = [...built.unreadable]
  const known = new Set(built.matrix.roles)
  for (const row of built.matrix.rows) {
    const with_ = (letter: RaciLetter) =>
      Object.keys(row.cells).filter((role) => row.cells[role]!.includes(letter))
    const accountable = with_('A')
    const responsible = with_('R')
    const consulted = with_('C')
    if (accountable.length !== 1) {
      problems.push({
        responsibility: row.responsibility,
        role: null,
        severity: 'error',
        message:
          accountable.length === 0
            ? 'no A: exactly one role must be accountable'
            : `${accountable.length} A's (${accountable.join(', ')}): exactly one role must be accountable`,
      })
    }
    if (responsible.length === 0) {
      problems.push({
        responsibility: row.responsibility,
        role: null,
        severity: 'error',
        message: 'no R: at least one role must be responsible for doing the work',
      })
    }
    for (const [role, letters] of Object.entries(row.cells)) {
      if (!known.has(role)) {
        problems.push({
          responsibility: row.responsibility,
          role,
          severity: 'error',
          message: `unknown role "${role}" (roles: ${built.matrix.roles.join(', ')})`,
        })
      }
      const combined =
        letters.length > 1 && !(letters.length === 2 && letters.includes('A') && letters.includes('R'))
      if (combined) {
        problems.push({
          responsibility: row.responsibility,
          role,
          severity: 'warning',
          message: `${letters.join('/')}: one letter per cell (only A with R combine)`,
        })
      }
    }
    if (consulted.length > Math.ceil(built.matrix.roles.length / 2)) {
      problems.push({
        responsibility: row.responsibility,
        role: null,
        severity: 'warning',
        message: `${consulted.length} roles consulted: too many C's slow decisions (inform instead)`,
      })
    }
  }
  return problems
}

const words = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1)

/**
 * The row a question is about: "who is accountable for the change calendar?" → "Change calendar &
 * freeze rules". Scores rows by shared words; null when nothing matches.
 */
export function findResponsibility(matrix: RaciMatrix, question: string): RaciRow | null {
  const stop = new Set([
    'who',
    'is',
    'are',
    'the',
    'for',
    'of',
    'and',
    'accountable',
    'responsible',
    'consulted',
    'informed',
    'owns',
    'what',
  ])
  const asked = words(question).filter((w) => !stop.has(w))
  let best: RaciRow | null = null
  let bestScore = 0
  for (const row of matrix.rows) {
    const have = words(row.responsibility)
    const score = asked.filter((w) =>
      have.some((h) => h === w || (w.length >= 4 && h.startsWith(w.slice(0, 4)))),
    ).length
    if (score > bestScore) {
      best = row
      bestScore = score
    }
  }
  return best
}

export function rolesWith(row: RaciRow, letter: RaciLetter): string[] {
  return Object.keys(row.cells).filter((role) => row.cells[role]!.includes(letter))
}

/** Markdown table: one row per responsibility, one column per role. */
export function raciMarkdown(matrix: RaciMatrix): string {
  const header = `| Responsibility | ${matrix.roles.map((r) => RACI_ROLE_NAMES[r] ?? r).join(' | ')} |`
  const rule = `|---|${matrix.roles.map(() => '---').join('|')}|`
  const rows = matrix.rows.map(
    (row) =>
      `| ${row.responsibility.replace(/\|/g, '\\|')} | ${matrix.roles.map((role) => row.cells[role]?.join('/') ?? '').join(' | ')} |`,
  )
  return `${[header, rule, ...rows].join('\n')}\n`
}

/** CSV (RFC 4180 quoting). */
export function raciCsv(matrix: RaciMatrix): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = [['responsibility', ...matrix.roles].map(quote).join(',')]
  for (const row of matrix.rows) {
    lines.push(
      [row.responsibility, ...matrix.roles.map((role) => row.cells[role]?.join('/') ?? '')]
        .map(quote)
        .join(','),
    )
  }
  return `${lines.join('\n')}\n`
}
