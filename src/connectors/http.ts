/**
 * The REST requests of the pull connectors that have no client of their own (GitLab, PagerDuty):
 * their products' rate-limit and fault answers handled one way. 429 (or 403 with Retry-After):
 * wait as told, visibly on the progress line, and ask again; 5xx and network errors: retry with
 * backoff, then stop; 401 and 404: stop at once, naming the source and the URL, so that nothing of
 * the failed batch is stored.
 */
import { EngopsError } from '../model/errors.js'

const RETRIES = 4

export interface RestOptions {
  /** The product, for messages ("GitLab answered 502 at …"). */
  product: string
  /** The source's id, for messages. */
  source: string
  headers: Record<string, string>
  /** What a 401 should make the user check (the token's variable and its scopes). */
  unauthorized: string
  progress: (text: string) => void
  fetch?: typeof fetch
  /** The first retry's wait; doubled at each retry (tests shorten it). */
  backoffMs?: number
}

export interface RestClient {
  /** A GET answered 2xx (faults retried, rate limits waited out). */
  get: (url: string) => Promise<Response>
  /** The number of requests sent (for the benchmark and the tests). */
  readonly sent: number
}

/**
 * How long a rate-limited answer asks to wait (ms): `Retry-After` in seconds, else a reset header
 * holding either seconds to wait (PagerDuty's `ratelimit-reset`) or an epoch time in seconds
 * (GitLab's `RateLimit-Reset`); a second at least.
 */
export function rateLimitWait(headers: Headers, now = Date.now()): number {
  const after = Number(headers.get('retry-after'))
  if (Number.isFinite(after) && after > 0) return after * 1000
  const reset = Number(headers.get('ratelimit-reset'))
  if (!Number.isFinite(reset) || reset <= 0) return 1000
  return Math.max(1000, reset > 1e9 ? reset * 1000 - now : reset * 1000)
}

export function restClient(options: RestOptions): RestClient {
  const doFetch = options.fetch ?? fetch
  const backoffMs = options.backoffMs ?? 1000
  const { product } = options
  let sent = 0
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const fail = (message: string) => new EngopsError('SOURCE_FAILED', `source ${options.source}: ${message}`)

  async function get(url: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        sent++
        response = await doFetch(url, { headers: options.headers })
      } catch (error) {
        if (attempt >= RETRIES) throw fail(`cannot reach ${url}: ${(error as Error).message}`)
        await sleep(backoffMs * 2 ** attempt)
        continue
      }
      if (response.status === 401)
        throw fail(`${product} refused the token (401) at ${url}: ${options.unauthorized}`)
      if (response.status === 404)
        throw fail(`not found (404) at ${url}: check the names in the source and the token's access`)
      if (response.status === 429 || (response.status === 403 && response.headers.get('retry-after'))) {
        const waitMs = rateLimitWait(response.headers)
        options.progress(
          `${product} rate limit on ${url}: waiting until ${new Date(Date.now() + waitMs).toISOString().slice(11, 19)} UTC`,
        )
        await sleep(waitMs)
        attempt = -1
        continue
      }
      if (response.status >= 500) {
        if (attempt >= RETRIES)
          throw fail(`${product} answered ${response.status} at ${url}, ${RETRIES + 1} times`)
        await sleep(backoffMs * 2 ** attempt)
        continue
      }
      if (!response.ok) throw fail(`${product} answered ${response.status} at ${url}`)
      return response
    }
  }

  return {
    get,
    get sent() {
      return sent
    },
  }
}
