/**
 * A small GitLab REST v4 client: `PRIVATE-TOKEN` auth and `X-Next-Page` pagination over the
 * connectors' REST requests (http.ts: rate limits waited out visibly, faults retried, 401 and 404
 * stop with the source and the URL). Why not `@gitbeaker/rest`: engops reads seven list endpoints
 * page by page with cursors, and needs the waits reported on its progress line; gitbeaker's
 * pagination collects whole lists in memory and its rate-limit handling is not observable. This is
 * smaller than the dependency would be.
 */
import type { Json } from '../connector.js'
import { restClient } from '../http.js'

export interface GitLabClient {
  /** One list endpoint, page by page (100 a page), following `X-Next-Page`. */
  pages: (path: string, params?: Record<string, string>) => AsyncGenerator<Json[]>
  /** The number of requests sent (for the benchmark and the tests). */
  readonly sent: number
}

export function gitlabClient(options: {
  apiUrl: string
  token: string
  source: string
  progress: (text: string) => void
  fetch?: typeof fetch
}): GitLabClient {
  const base = options.apiUrl.replace(/\/$/, '')
  const rest = restClient({
    product: 'GitLab',
    source: options.source,
    headers: { 'PRIVATE-TOKEN': options.token, accept: 'application/json' },
    unauthorized: 'check the token in its tokenEnv (scope read_api)',
    progress: options.progress,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })

  async function* pages(path: string, params: Record<string, string> = {}): AsyncGenerator<Json[]> {
    let page = '1'
    for (;;) {
      const query = new URLSearchParams({ ...params, per_page: '100', page })
      const response = await rest.get(`${base}${path}?${query}`)
      yield (await response.json()) as Json[]
      const next = response.headers.get('x-next-page')
      if (!next) return
      page = next
    }
  }

  return {
    pages,
    get sent() {
      return rest.sent
    },
  }
}
