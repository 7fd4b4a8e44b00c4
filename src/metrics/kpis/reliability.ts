/** The reliability KPIs of the catalog; each names the seed its target comes from (`seed`). */
import { ge, type KpiDefinition, le, lt, minutes, needs, trend } from './define.js'

export const RELIABILITY_KPIS = [
  {
    id: 'incidents_sev1_2',
    name: 'SEV-1/2 incidents',
    family: 'reliability',
    unit: 'count',
    direction: 'lower',
    target: trend,
    frequency: 'weekly',
    owner: 'sre',
    paired: 'mttr',
    minN: 0,
    seed: '003 "Downward trend QoQ"',
    read: needs('incidents', (b) => ({
      value: b.reliability.incidents.bySeverity['SEV-1'] + b.reliability.incidents.bySeverity['SEV-2'],
      n: 1,
    })),
  },
  {
    id: 'mtta',
    name: 'Time to acknowledge (p50)',
    family: 'reliability',
    unit: 'seconds',
    direction: 'lower',
    target: lt(minutes(5), minutes(15)),
    frequency: 'weekly',
    owner: 'sre',
    minN: 1,
    seed: '001 DX "Incident notification < 5 min"',
    read: (b) => ({ value: b.reliability.mtta.median, n: b.reliability.mtta.n }),
  },
  {
    id: 'response_time_compliance',
    name: 'Response within the severity’s time',
    family: 'reliability',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.95, 0.8),
    frequency: 'monthly',
    owner: 'sre',
    minN: 1,
    seed: '001 Severity Levels (5 min / 15 min / 1 h / next business day)',
    read: (b) => ({ value: b.reliability.responseTime.rate, n: b.reliability.mtta.n }),
  },
  {
    id: 'update_cadence_compliance',
    name: 'Status updates on cadence',
    family: 'reliability',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.9, 0.75),
    frequency: 'monthly',
    owner: 'sre',
    minN: 1,
    seed: '001 Communication Cadence',
    read: needs(['incidents', 'statusUpdates'], (b) => ({
      value: b.reliability.updateCadence.rate,
      n: b.reliability.updateCadence.checked,
    })),
  },
  {
    id: 'postmortem_completion_sev1_2',
    name: 'Postmortems completed (SEV-1/2)',
    family: 'reliability',
    unit: 'fraction',
    direction: 'higher',
    target: ge(1, 0.9),
    frequency: 'monthly',
    owner: 'sre',
    minN: 1,
    seed: '003 "100% for P0/P1"',
    read: needs(['incidents', 'postmortems'], (b) => {
      const p = b.reliability.postmortems.bySeverity
      const required = p['SEV-1'].required + p['SEV-2'].required
      return {
        value: required === 0 ? null : (p['SEV-1'].completed + p['SEV-2'].completed) / required,
        n: required,
      }
    }),
  },
  {
    id: 'postmortem_completion_sev3',
    name: 'Postmortems completed (SEV-3)',
    family: 'reliability',
    unit: 'fraction',
    direction: 'higher',
    target: ge(0.8, 0.6),
    frequency: 'monthly',
    owner: 'sre',
    minN: 1,
    seed: '003 "80%+ for P2"',
    read: needs(['incidents', 'postmortems'], (b) => ({
      value: b.reliability.postmortems.bySeverity['SEV-3'].rate,
      n: b.reliability.postmortems.bySeverity['SEV-3'].required,
    })),
  },
  {
    id: 'overdue_action_items',
    name: 'Overdue postmortem action items',
    family: 'reliability',
    unit: 'count',
    direction: 'lower',
    target: le(0, 3),
    frequency: 'weekly',
    owner: 'sre',
    minN: 0,
    seed: '004 SRE DoD "RCAs closed with actions merged"',
    read: needs(['incidents', 'postmortems'], (b) => ({
      value: b.reliability.actionItems.overdue,
      n: b.reliability.actionItems.open,
    })),
  },
  {
    id: 'pages_per_team_week',
    name: 'Pages per team per week',
    family: 'reliability',
    unit: 'per-week',
    direction: 'lower',
    target: le(2, 4),
    frequency: 'weekly',
    owner: 'sre',
    minN: 0,
    seed: '004 SRE "pages ≤ 2/team/wk"',
    read: needs('incidents', (b) => ({
      value: b.reliability.pages.perTeamPerWeek,
      n: b.reliability.pages.teams,
    })),
  },
  {
    id: 'pages_per_person_week',
    name: 'On-call burden (pages per person per week)',
    family: 'reliability',
    unit: 'per-week',
    direction: 'lower',
    target: lt(2, 4),
    frequency: 'weekly',
    owner: 'sre',
    minN: 0,
    seed: '001 DX "On-call burden < 2"',
    read: needs('incidents', (b) => {
      const pages = b.reliability.pages
      const note = pages.fromRota
        ? undefined
        : `no on-call shifts or onCallPeople for the services: divided by the ${Number(pages.people.toFixed(1))} engineers of the scope`
      return { value: pages.perPersonPerWeek, n: pages.people, ...(note ? { note } : {}) }
    }),
  },
] as const satisfies readonly KpiDefinition[]
