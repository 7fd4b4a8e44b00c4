/**
 * The Jira requests engops makes, for Jira Cloud (REST v3, basic auth with an email and an API
 * token, the enhanced JQL search paged by `nextPageToken`) and Jira Data Center (REST v2, a
 * personal access token as bearer, search paged by `startAt`), over the connectors' REST requests
 * (http.ts: rate limits waited out visibly, faults retried, 401 and 404 stop with the source and
 * the URL). The Agile API (boards, sprints) is the same on both.
 * Why not `jira.js`: it speaks to Jira Cloud only, and engops reads Data Center too; its requests
 * neither wait out a 429 nor show the wait. Five list endpoints over http.ts are smaller.
 */
import type { Json } from '../connector.js'
import { obj } from '../connector.js'
import { restClient } from '../http.js'

export type JiraFlavor = 'cloud' | 'datacenter'

export interface JiraClient {
  flavor: JiraFlavor
  /** Issues of a JQL search with their changelogs (complete), a page at a time. */
  search: (jql: string, fields: readonly string[]) => AsyncGenerator<Json[]>
  /** One Agile API resource (`board/7`). */
  agile: (path: string) => Promise<Json>
  /** The values of an Agile API list (`/rest/agile/1.0/...`), all pages. */
  agileList: (path: string, params?: Record<string, string>) => Promise<Json[]>
  /** A platform REST resource (`field`, `status`, `myself`) of this flavor's API version. */
  platform: (path: string) => Promise<unknown>
  readonly sent: number
}

const PAGE = 100

export function jiraClient(options: {
  url: string
  flavor: JiraFlavor
  /** `Basic …` or `Bearer …`. */
  authorization: string
  source: string
  tokenHint: string
  progress: (text: string) => void
}): JiraClient {
  const base = options.url.replace(/\/$/, '')
  const api = `${base}/rest/api/${options.flavor === 'cloud' ? 3 : 2}`
  const rest = restClient({
    product: 'Jira',
    source: options.source,
    headers: { authorization: options.authorization, accept: 'application/json' },
    unauthorized: options.tokenHint,
    progress: options.progress,
  })
  const getJson = async (url: string): Promise<Json> => obj(await (await rest.get(url)).json())

  /** The search's changelog holds the latest histories only when there are many: read the rest. */
  async function completeChangelog(issue: Json): Promise<Json> {
    const changelog = obj(issue.changelog)
    const histories: Json[] = Array.isArray(changelog.histories) ? changelog.histories : []
    if (typeof changelog.total !== 'number' || changelog.total <= histories.length) return issue
    const all: Json[] = []
    if (options.flavor === 'cloud') {
      for (let startAt = 0; ; startAt += PAGE) {
        const page = await getJson(
          `${api}/issue/${encodeURIComponent(issue.key)}/changelog?startAt=${startAt}&maxResults=${PAGE}`,
        )
        const values: Json[] = Array.isArray(page.values) ? page.values : []
        all.push(...values)
        if (page.isLast !== false || values.length === 0) break
      }
    } else {
      const full = await getJson(
        `${api}/issue/${encodeURIComponent(issue.key)}?expand=changelog&fields=status`,
      )
      all.push(...(obj(full.changelog).histories ?? []))
    }
    return { ...issue, changelog: { startAt: 0, total: all.length, maxResults: all.length, histories: all } }
  }

  async function* search(jql: string, fields: readonly string[]): AsyncGenerator<Json[]> {
    const params = { jql, fields: fields.join(','), expand: 'changelog', maxResults: String(PAGE) }
    let nextPageToken: string | undefined
    for (let startAt = 0; ; ) {
      const query = new URLSearchParams(
        options.flavor === 'cloud'
          ? { ...params, ...(nextPageToken ? { nextPageToken } : {}) }
          : { ...params, startAt: String(startAt) },
      )
      const page = await getJson(`${api}/${options.flavor === 'cloud' ? 'search/jql' : 'search'}?${query}`)
      const issues: Json[] = Array.isArray(page.issues) ? page.issues : []
      const complete: Json[] = []
      for (const issue of issues) complete.push(await completeChangelog(issue))
      yield complete
      if (options.flavor === 'cloud') {
        if (page.isLast === true || typeof page.nextPageToken !== 'string' || issues.length === 0) return
        nextPageToken = page.nextPageToken
      } else {
        startAt += issues.length
        if (issues.length === 0 || startAt >= Number(page.total ?? 0)) return
      }
    }
  }

  async function agileList(path: string, params: Record<string, string> = {}): Promise<Json[]> {
    const all: Json[] = []
    for (let startAt = 0; ; ) {
      const query = new URLSearchParams({ ...params, startAt: String(startAt), maxResults: '50' })
      const page = await getJson(`${base}/rest/agile/1.0/${path}?${query}`)
      const values: Json[] = Array.isArray(page.values) ? page.values : []
      all.push(...values)
      startAt += values.length
      if (page.isLast !== false || values.length === 0) return all
    }
  }

  return {
    flavor: options.flavor,
    search,
    agileList,
    agile: (path) => getJson(`${base}/rest/agile/1.0/${path}`),
    platform: async (path) => (await rest.get(`${api}/${path}`)).json(),
    get sent() {
      return rest.sent
    },
  }
}
