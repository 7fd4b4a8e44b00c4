/**
 * Cost and efficiency, annualized from the months in the period: revenue and cost per engineer,
 * cloud spend per active user, cost per deploy (cloud + tooling ÷ production deployments), cloud
 * spend variance against forecast, and tooling cost per engineer.
 */
import type { BusinessEvent, CostEvent } from '../model/events.js'
import { sum } from './stats.js'

export interface CostSummary {
  months: string[]
  engineers: number
  cloud: number
  tooling: number
  headcount: number
  revenue: number | null
  revenuePerEngineer: number | null
  costPerEngineer: number | null
  cloudPerUser: number | null
  costPerDeploy: number | null
  cloudVariance: number | null
  toolingPerEngineer: number | null
}

/**
 * `months` are the business months (YYYY-MM) of the period in the org's calendar
 * (`OrgCalendar.monthsIn`). `loadedCostPerEngineer` (yearly) stands in for headcount cost when
 * no headcount records exist.
 */
export function computeCost(
  costs: readonly CostEvent[],
  business: readonly BusinessEvent[],
  months: readonly string[],
  engineers: number,
  deployments: number,
  loadedCostPerEngineer: number | null,
): CostSummary {
  const inMonths = new Set(months)
  const mine = costs.filter((c) => inMonths.has(c.month))
  const total = (category: CostEvent['category']) =>
    sum(mine.filter((c) => c.category === category).map((c) => c.amount))
  const cloud = total('cloud')
  const tooling = total('tooling')
  const headcount = total('headcount')
  const figures = business.filter((b) => inMonths.has(b.month))
  const revenueMonths = figures.filter((b) => b.revenue !== undefined)
  const revenue = revenueMonths.length > 0 ? sum(revenueMonths.map((b) => b.revenue!)) : null
  const forecastMonths = figures.filter((b) => b.forecastCloudSpend !== undefined)
  const forecast = sum(forecastMonths.map((b) => b.forecastCloudSpend!))
  const cloudInForecastMonths = sum(
    mine
      .filter((c) => c.category === 'cloud' && forecastMonths.some((b) => b.month === c.month))
      .map((c) => c.amount),
  )
  const users = figures.filter((b) => b.activeUsers !== undefined)
  const cloudInUserMonths = sum(
    mine.filter((c) => c.category === 'cloud' && users.some((b) => b.month === c.month)).map((c) => c.amount),
  )
  const yearFactor = months.length > 0 ? 12 / months.length : 0
  const perEngineer = (amount: number | null) =>
    amount === null || engineers === 0 ? null : (amount * yearFactor) / engineers
  return {
    months: [...months],
    engineers,
    cloud,
    tooling,
    headcount,
    revenue,
    revenuePerEngineer: perEngineer(revenue),
    costPerEngineer: headcount > 0 ? perEngineer(headcount) : loadedCostPerEngineer,
    // Monthly cloud spend per active user, averaged over the months that have both.
    cloudPerUser: users.length === 0 ? null : cloudInUserMonths / sum(users.map((b) => b.activeUsers!)),
    costPerDeploy: deployments === 0 || cloud + tooling === 0 ? null : (cloud + tooling) / deployments,
    cloudVariance: forecast === 0 ? null : (cloudInForecastMonths - forecast) / forecast,
    toolingPerEngineer: tooling === 0 ? null : perEngineer(tooling),
  }
}
