/**
 * Benchmark profiles: year-keyed tables that turn a DORA figure into a tier. They are data, so
 * an organization picks one (`org.benchmarkProfile`) and a new year is a new entry.
 *
 * Every band is a comparison of the metric's value against a bound; the first band that holds
 * (elite, then high, then medium) is the tier, else low. Deployment frequency is compared as
 * deployments per day, lead time and restore times in seconds, change failure rate as a fraction.
 */
import { DAY, HOUR } from '../model/time.js'

export type Tier = 'elite' | 'high' | 'medium' | 'low'
export type DoraMetric = 'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'timeToRestore'

type Comparator = '<' | '<=' | '>' | '>='

export interface Band {
  op: Comparator
  value: number
  label: string
}

export interface BenchmarkProfile {
  name: string
  description: string
  bands: Record<DoraMetric, { elite: Band; high: Band; medium: Band; low: string }>
}

const WEEK_RATE = 1 / 7
const MONTH_RATE = 12 / 365.25
const HALF_YEAR_RATE = 2 / 365.25

export const BENCHMARK_PROFILES: Record<string, BenchmarkProfile> = {
  default: {
    name: 'default',
    description: 'The tiers of the engineering-operations seed dashboard.',
    bands: {
      deploymentFrequency: {
        elite: { op: '>', value: 1, label: 'more than one deploy a day' },
        high: { op: '>=', value: WEEK_RATE, label: 'at least weekly' },
        medium: { op: '>=', value: MONTH_RATE, label: 'at least monthly' },
        low: 'less than monthly',
      },
      leadTime: {
        elite: { op: '<', value: DAY / 1000, label: '< 1 day' },
        high: { op: '<=', value: (7 * DAY) / 1000, label: '1–7 days' },
        medium: { op: '<=', value: (28 * DAY) / 1000, label: '1–4 weeks' },
        low: '> 4 weeks',
      },
      changeFailureRate: {
        elite: { op: '<', value: 0.05, label: '< 5%' },
        high: { op: '<=', value: 0.1, label: '5–10%' },
        medium: { op: '<=', value: 0.2, label: '10–20%' },
        low: '> 20%',
      },
      timeToRestore: {
        elite: { op: '<', value: HOUR / 1000, label: '< 1 hour' },
        high: { op: '<', value: DAY / 1000, label: '< 1 day' },
        medium: { op: '<=', value: (7 * DAY) / 1000, label: '1–7 days' },
        low: '> 1 week',
      },
    },
  },
  'dora-2021': {
    name: 'dora-2021',
    description: 'Accelerate State of DevOps 2021 clusters.',
    bands: {
      deploymentFrequency: {
        elite: { op: '>', value: 1, label: 'on demand (multiple deploys a day)' },
        high: { op: '>=', value: MONTH_RATE, label: 'between once a week and once a month' },
        medium: { op: '>=', value: HALF_YEAR_RATE, label: 'between once a month and once every six months' },
        low: 'fewer than once every six months',
      },
      leadTime: {
        elite: { op: '<', value: HOUR / 1000, label: '< 1 hour' },
        high: { op: '<', value: (7 * DAY) / 1000, label: '< 1 week' },
        medium: { op: '<', value: (180 * DAY) / 1000, label: '< 6 months' },
        low: '≥ 6 months',
      },
      changeFailureRate: {
        elite: { op: '<=', value: 0.15, label: '0–15%' },
        high: { op: '<=', value: 0.2, label: '16–20%' },
        medium: { op: '<=', value: 0.3, label: '21–30%' },
        low: '> 30%',
      },
      timeToRestore: {
        elite: { op: '<', value: HOUR / 1000, label: '< 1 hour' },
        high: { op: '<', value: DAY / 1000, label: '< 1 day' },
        medium: { op: '<', value: (7 * DAY) / 1000, label: '< 1 week' },
        low: '≥ 1 week',
      },
    },
  },
  'dora-2023': {
    name: 'dora-2023',
    description: 'Accelerate State of DevOps 2023 clusters (restore = failed deployment recovery time).',
    bands: {
      deploymentFrequency: {
        elite: { op: '>', value: 1, label: 'on demand (multiple deploys a day)' },
        high: { op: '>=', value: WEEK_RATE, label: 'between once a day and once a week' },
        medium: { op: '>=', value: MONTH_RATE, label: 'between once a week and once a month' },
        low: 'less than monthly',
      },
      leadTime: {
        elite: { op: '<', value: DAY / 1000, label: '< 1 day' },
        high: { op: '<', value: (7 * DAY) / 1000, label: '1 day–1 week' },
        medium: { op: '<', value: (30 * DAY) / 1000, label: '1 week–1 month' },
        low: '≥ 1 month',
      },
      changeFailureRate: {
        elite: { op: '<=', value: 0.05, label: '≤ 5%' },
        high: { op: '<=', value: 0.1, label: '≤ 10%' },
        medium: { op: '<=', value: 0.15, label: '≤ 15%' },
        low: '> 15%',
      },
      timeToRestore: {
        elite: { op: '<', value: HOUR / 1000, label: '< 1 hour' },
        high: { op: '<', value: DAY / 1000, label: '< 1 day' },
        medium: { op: '<', value: (7 * DAY) / 1000, label: '1 day–1 week' },
        low: '≥ 1 week',
      },
    },
  },
}

function holds(value: number, band: Band): boolean {
  switch (band.op) {
    case '<':
      return value < band.value
    case '<=':
      return value <= band.value
    case '>':
      return value > band.value
    case '>=':
      return value >= band.value
  }
}

/** The tier of `value` for `metric` under `profile`; null when there is no value to rate. */
export function tierOf(profile: BenchmarkProfile, metric: DoraMetric, value: number | null): Tier | null {
  if (value === null || Number.isNaN(value)) return null
  const bands = profile.bands[metric]
  if (holds(value, bands.elite)) return 'elite'
  if (holds(value, bands.high)) return 'high'
  if (holds(value, bands.medium)) return 'medium'
  return 'low'
}

export function benchmarkProfile(name: string): BenchmarkProfile | undefined {
  return BENCHMARK_PROFILES[name]
}

/** One tier's value range of a KPI; `null` is an open end. */
export interface TierBand {
  tier: Tier
  from: number | null
  to: number | null
}

/**
 * The benchmark tiers of the DORA KPIs as value ranges in the KPI's base unit (per day, seconds,
 * fraction), for tier bands behind trend charts. `null` is an open end.
 */
export function tierBandsOf(profile: BenchmarkProfile): Record<string, TierBand[]> {
  const kpis: Record<string, DoraMetric> = {
    deploy_frequency: 'deploymentFrequency',
    lead_time_p50: 'leadTime',
    change_failure_rate: 'changeFailureRate',
    mttr: 'timeToRestore',
  }
  const out: Record<string, TierBand[]> = {}
  for (const [kpi, metric] of Object.entries(kpis)) {
    const { elite, high, medium } = profile.bands[metric]
    const higherIsBetter = elite.op.startsWith('>')
    out[kpi] = higherIsBetter
      ? [
          { tier: 'elite', from: elite.value, to: null },
          { tier: 'high', from: high.value, to: elite.value },
          { tier: 'medium', from: medium.value, to: high.value },
          { tier: 'low', from: 0, to: medium.value },
        ]
      : [
          { tier: 'elite', from: 0, to: elite.value },
          { tier: 'high', from: elite.value, to: high.value },
          { tier: 'medium', from: high.value, to: medium.value },
          { tier: 'low', from: medium.value, to: null },
        ]
  }
  return out
}
