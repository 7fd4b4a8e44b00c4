/**
 * One error envelope for every failure the server reports:
 * `{ "error": { "code": "NOT_FOUND", "message": "…", "details": [{ "file", "line", "path", "message" }] } }`.
 * User mistakes are 4xx with the engine's own message; anything else is a 500 without internals.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { EngopsError, type ErrorCode, type ErrorDetail } from '../model/errors.js'

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: ErrorDetail[] }
}

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  USAGE: 400,
  NOT_FOUND: 404,
  CONFIG_NOT_FOUND: 500,
  CONFIG_INVALID: 500,
  EVENTS_INVALID: 422,
  GIT_FAILED: 500,
  STORE: 500,
  BUSY: 503,
  DEPENDENCY_MISSING: 501,
  DELIVERY_FAILED: 502,
  SOURCE_FAILED: 502,
}

export function envelope(code: string, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } }
}

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: ErrorDetail[],
) {
  return c.json(envelope(code, message, details), status)
}

/** The app's error handler: EngopsErrors keep their message; other errors are logged, not shown. */
export function handleError(error: Error, c: Context) {
  if (error instanceof EngopsError) {
    if (error.code === 'BUSY') c.header('retry-after', '5')
    return errorResponse(c, STATUS[error.code], error.code, error.message, error.details)
  }
  const status = (error as { status?: number }).status
  if (status === 413) return errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', error.message)
  if (typeof status === 'number' && status >= 400 && status < 500)
    return errorResponse(c, status as ContentfulStatusCode, 'BAD_REQUEST', error.message)
  console.error(error)
  return errorResponse(c, 500, 'INTERNAL', 'internal error (logged on the server)')
}
