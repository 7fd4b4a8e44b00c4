/**
 * The dashboard's API client: the token printed by `engops serve` arrives in the URL fragment
 * (#token=…), moves to session storage and leaves the address bar; every request sends it.
 */
import type { ErrorResponse } from '../../src/server/api-types'

const TOKEN_KEY = 'engops-token'

export function captureToken(): void {
  // The token may come alone (#token=…) or after a route (#/dora?team=beta&token=…).
  const match = /[#?&]token=([^&]+)/.exec(window.location.hash)
  if (!match) return
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]!))
  const rest = window.location.hash
    .replace(/^#/, '')
    .replace(/(^|[?&])token=[^&]+/, '$1')
    .replace(/[?&]$/, '')
    .replace('?&', '?')
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${rest || '/'}`)
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Requests started before the app was evaluated (see start.ts), handed to the first `get` of the same URL. */
const early = new Map<string, Promise<Response>>()

const send = (url: string) => {
  const token = sessionStorage.getItem(TOKEN_KEY)
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
}

export function prefetch(url: string): void {
  early.set(url, send(url))
}

/** Once the early request `first` answers, starts the request its answer names (if any). */
export function prefetchAfter<T>(first: string, next: (answer: T) => string | null): void {
  early
    .get(first)
    // A clone: the app reads the body of the original.
    ?.then((response) => (response.ok ? (response.clone().json() as Promise<T>) : null))
    .then((answer) => {
      const url = answer === null ? null : next(answer)
      if (url !== null && !early.has(url)) prefetch(url)
    })
    .catch(() => undefined)
}

type Params = Record<string, string | number | undefined>

/** The URL `get` asks for: empty parameters are left out. */
export function urlOf(path: string, params: Params = {}): string {
  const query = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&')
  return `${path}${query ? `?${query}` : ''}`
}

export async function get<T>(path: string, params: Params = {}): Promise<T> {
  const url = urlOf(path, params)
  const started = early.get(url)
  early.delete(url)
  const response = await (started ?? send(url))
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorResponse | null
    throw new ApiError(
      response.status,
      body?.error.code ?? 'HTTP',
      body?.error.message ?? `${response.status} ${response.statusText}`,
    )
  }
  return (await response.json()) as T
}
