/**
 * The dashboard shell: navigation, the team / period / profile pickers (kept in the URL, so a
 * view can be shared), and the page. Routing is by hash (`#/dora?team=beta&days=90`).
 */
import { useEffect, useState } from 'react'
import type { OrgResponse } from '../../src/server/api-types'
import { get } from './api'
import { ErrorBanner, Loading, OrgTimeZone, type Query, useData } from './components'
import { PAGES } from './pages'
import { DEFAULT_PERIOD, PERIODS, periodQuery } from './period'

interface Route {
  path: string
  params: URLSearchParams
}

function readRoute(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/'
  const [path, search] = hash.split('?')
  return { path: path || '/', params: new URLSearchParams(search ?? '') }
}

export function App() {
  const [route, setRoute] = useState(readRoute)
  useEffect(() => {
    const update = () => setRoute(readRoute())
    window.addEventListener('hashchange', update)
    return () => window.removeEventListener('hashchange', update)
  }, [])
  const org = useData(() => get<OrgResponse>('/api/org'), 'org')
  const page = PAGES.find((p) => p.path === route.path) ?? PAGES[0]!
  const team = route.params.get('team') ?? ''
  const period = route.params.get('period') ?? DEFAULT_PERIOD
  const profile = route.params.get('profile') ?? ''
  const navigate = (path: string, changes: Record<string, string> = {}) => {
    const params = new URLSearchParams(route.params)
    for (const [k, v] of Object.entries(changes)) {
      if (v) params.set(k, v)
      else params.delete(k)
    }
    const search = params.toString()
    window.location.hash = `${path}${search ? `?${search}` : ''}`
  }
  const query: Query = {
    team: team || undefined,
    profile: profile || undefined,
    ...periodQuery(period, org.data?.timezone ?? 'UTC'),
  }
  useEffect(() => {
    document.title = `${page.title} · engops${org.data ? ` · ${org.data.name}` : ''}`
  }, [page, org.data])

  return (
    <div className="shell">
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <h1>
          engops <span>{org.data?.name}</span>
        </h1>
        <form className="pickers" aria-label="scope and period" onSubmit={(e) => e.preventDefault()}>
          <label>
            Team{' '}
            <select
              aria-label="team"
              value={team}
              onChange={(e) => navigate(route.path, { team: e.target.value })}
            >
              <option value="">Whole organization</option>
              {org.data?.teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Period{' '}
            <select
              aria-label="period"
              value={period}
              onChange={(e) => navigate(route.path, { period: e.target.value })}
            >
              {PERIODS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Benchmarks{' '}
            <select
              aria-label="benchmark profile"
              value={profile}
              onChange={(e) => navigate(route.path, { profile: e.target.value })}
            >
              <option value="">org default</option>
              <option value="dora-2021">DORA 2021</option>
              <option value="dora-2023">DORA 2023</option>
            </select>
          </label>
        </form>
      </header>
      <nav className="side" aria-label="pages">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a
                href={`#${p.path}${route.params.toString() ? `?${route.params}` : ''}`}
                aria-current={p.path === page.path ? 'page' : undefined}
              >
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorBanner error={org.error} />
        {org.data ? (
          <OrgTimeZone.Provider value={org.data.timezone}>
            <page.component query={query} org={org.data} />
          </OrgTimeZone.Provider>
        ) : (
          !org.error && <Loading what="the organization" />
        )}
      </main>
    </div>
  )
}
