/**
 * Typed errors with stable codes. Every user mistake (bad file, bad flag, unknown team) is an
 * `EngopsError`; the CLI prints its message without a stack trace and exits non-zero, the
 * server maps it to the JSON error envelope. Anything else is a bug and keeps its stack.
 */
export type ErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'EVENTS_INVALID'
  | 'GIT_FAILED'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'STORE'
  /** The store stayed busy with another writer beyond the wait budget: try again shortly. */
  | 'BUSY'
  /** A system program a feature needs (Chromium for PDF) is not installed. */
  | 'DEPENDENCY_MISSING'
  /** A report could not be delivered (webhook unreachable or refusing). */
  | 'DELIVERY_FAILED'
  /** A source's API refused or failed a sync (bad token, unknown repository, server errors). */
  | 'SOURCE_FAILED'

export interface ErrorDetail {
  file?: string
  line?: number
  path?: string
  message: string
}

export class EngopsError extends Error {
  readonly code: ErrorCode
  readonly details: ErrorDetail[]

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'EngopsError'
    this.code = code
    this.details = details
  }
}

/** `file:line: path: message`, the one way a located problem is written everywhere. */
export function formatDetail(detail: ErrorDetail): string {
  const where = [detail.file, detail.line].filter((part) => part !== undefined).join(':')
  const head = [where, detail.path].filter(Boolean).join(': ')
  return head ? `${head}: ${detail.message}` : detail.message
}

/** `teams[2].members[0]`: a zod / YAML path as people write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out
}
