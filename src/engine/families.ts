/**
 * The metric families besides DORA, as every surface names them (`engops metrics <family>`,
 * `/api/metrics/{family}`): what each covers and which part of the scoreboard is its summary.
 */
import type { Scoreboard } from '../metrics/scoreboard.js'

export const METRIC_FAMILIES = {
  flow: 'cycle time, throughput, WIP against the limit, flow efficiency, wait time',
  reviews: 'review turnaround and the 24 h SLA, PR size, merged without review',
  delivery: 'velocity, sprint and roadmap predictability, dependency aging',
  quality: 'bug rate, escaped defects, defect escape rate, customer-reported bugs',
  reliability: 'incidents by severity, MTTA, response and update compliance, postmortems, pages',
  slo: 'SLO attainment, error budgets, burn rates and burn-rate alerts',
  release: 'release frequency and success, rollbacks, hotfixes, Friday deploys, stale flags',
  capacity: 'share of completed work by investment type against the plan',
  platform: 'paved-road adoption, service onboarding time, support requests',
  security: 'vulnerability remediation within SLA',
  'team-health': 'retention, attrition, engagement, eNPS',
  hiring: 'time to fill, offer acceptance, funnel conversion, time to productivity',
  cost: 'revenue and cost per engineer, cloud per user, cost per deploy, variance',
  dx: 'CI build times, flaky and failing pipelines, docs freshness, DX survey',
} as const

export type MetricFamily = keyof typeof METRIC_FAMILIES

export const FAMILY_IDS = Object.keys(METRIC_FAMILIES) as [MetricFamily, ...MetricFamily[]]

const FIELD: Record<MetricFamily, keyof Scoreboard> = {
  flow: 'flow',
  reviews: 'reviews',
  delivery: 'delivery',
  quality: 'quality',
  reliability: 'reliability',
  slo: 'slos',
  release: 'release',
  capacity: 'allocation',
  platform: 'platform',
  security: 'security',
  'team-health': 'teamHealth',
  hiring: 'hiring',
  cost: 'cost',
  dx: 'dx',
}

/** A family's part of the scoreboard (delivery with the roadmap and dependencies, reviews with productivity). */
export function familySummary(board: Scoreboard, family: MetricFamily): unknown {
  if (family === 'delivery')
    return { ...board.delivery, roadmap: board.roadmap, dependencies: board.dependencies }
  if (family === 'reviews') return { ...board.reviews, productivity: board.productivity }
  return board[FIELD[family]]
}
