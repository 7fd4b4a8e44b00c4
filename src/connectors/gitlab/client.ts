/**
 * A small GitLab REST v4 client: `PRIVATE-TOKEN` auth, `X-Next-Page` pagination, and GitLab's
 * rate-limit and fault answers (429 with `Retry-After` / `RateLimit-Reset`: wait, visibly; 5xx and
 * network errors: retry with backoff; 401 and 404: stop with the source and the URL). Why not
 * `@gitbeaker/rest`: engops reads seven list endpoints page by page with cursors, and needs the
 * waits reported on its progress line; gitbeaker's pagination collects whole lists in memory and
 * its rate-limit handling is not observable. This is smaller than the dependency would be.
 */
import { EngopsError } from '../../model/errors.js'
import type { Json } from '../connector.js'

export interface GitLabClient {
  /** One list endpoint, page by page (100 a page), following `X-Next-Page`. */
  pages: (path: string, params?: Record<string, string>) => AsyncGenerator<Json[]>
  /** The number of requests sent (for the benchmark and the tests). */
  readonly sent: number
}

const RETRIES = 4

export function gitlabClient(options: {
  apiUrl: string
  token: string
  source: string
  progress: (text: string) => void
  fetch?: typeof fetch
}): GitLabClient {
  const base = options.apiUrl.replace(/\/$/, '')
  const doFetch = options.fetch ?? fetch
  let sent = 0
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  async function request(url: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        sent++
        response = await doFetch(url, {
          headers: { 'PRIVATE-TOKEN': options.token, accept: 'application/json' },
        })
      } catch (error) {
        if (attempt >= RETRIES) throw fail(`cannot reach ${url}: ${(error as Error).message}`)
        await sleep(1000 * 2 ** attempt)
        continue
      }
      if (response.status === 401)
        throw fail(
          `GitLab refused the token (401) at ${url}: check the token in its tokenEnv (scope read_api)`,
        )
      if (response.status === 404)
        throw fail(`not found (404) at ${url}: check the project or group and the token's access`)
      if (response.status === 429 || (response.status === 403 && response.headers.get('retry-after'))) {
        const after = Number(response.headers.get('retry-after'))
        const reset = Number(response.headers.get('ratelimit-reset'))
        const waitMs =
          Number.isFinite(after) && after > 0 ? after * 1000 : Math.max(1000, reset * 1000 - Date.now())
        options.progress(
          `GitLab rate limit on ${url}: waiting until ${new Date(Date.now() + waitMs).toISOString().slice(11, 19)} UTC`,
        )
        await sleep(waitMs)
        attempt = -1
        continue
      }
      if (response.status >= 500) {
        if (attempt >= RETRIES)
          throw fail(`GitLab answered ${response.status} at ${url}, ${RETRIES + 1} times`)
        await sleep(1000 * 2 ** attempt)
        continue
      }
      if (!response.ok) throw fail(`GitLab answered ${response.status} at ${url}`)
      return response
    }
  }

  const fail = (message: string) => new EngopsError('SOURCE_FAILED', `source ${options.source}: ${message}`)

  async function* pages(path: string, params: Record<string, string> = {}): AsyncGenerator<Json[]> {
    let page = '1'
    for (;;) {
      const query = new URLSearchParams({ ...params, per_page: '100', page })
      const response = await request(`${base}${path}?${query}`)
      yield (await response.json()) as Json[]
      const next = response.headers.get('x-next-page')
      if (!next) return
      page = next
    }
  }

  return {
    pages,
    get sent() {
      return sent
    },
  }
}
