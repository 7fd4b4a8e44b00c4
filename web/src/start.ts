/**
 * Evaluated before React and the app (main.tsx imports it first): the token leaves the address
 * bar and the organization is requested at once, while the rest of the bundle is evaluated, and
 * the overview's KPIs beside it.
 */
import type { OrgResponse } from '../../src/server/api-types'
import { captureToken, prefetch, prefetchAfter, urlOf } from './api'
import { DEFAULT_PERIOD, periodQuery } from './period'

captureToken()
prefetch('/api/org')
// The overview with its defaults (the last 30 days, the whole organization) asks for its KPIs as
// soon as the organization's time zone is known: from the page `engops serve` sends (it names
// the zone), else once /api/org answers.
if (/^#?\/?$/.test(window.location.hash)) {
  const kpis = (timeZone: string) => urlOf('/api/kpis', periodQuery(DEFAULT_PERIOD, timeZone))
  const timeZone = document.querySelector('meta[name="engops-timezone"]')?.getAttribute('content')
  if (timeZone) prefetch(kpis(timeZone))
  else prefetchAfter<OrgResponse>('/api/org', (org) => kpis(org.timezone))
}
