/**
 * How numbers read, shared by every surface (terminal, reports, dashboard): durations, rates,
 * money and each KPI unit, and a KPI's target and trend in words.
 */
import type { Target, Unit } from '../metrics/kpi-catalog.js'
import type { KpiResult } from '../metrics/kpi-status.js'

/** 45 min, 3.2 h, 2.5 d; '—' when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`
  return `${(seconds / 86400).toFixed(1)} d`
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`
}

export function formatRate(perDay: number): string {
  if (perDay >= 1) return `${perDay.toFixed(1)}/day`
  if (perDay * 7 >= 1) return `${(perDay * 7).toFixed(1)}/week`
  return `${((perDay * 365.25) / 12).toFixed(1)}/month`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

export function money(value: number): string {
  const abs = Math.abs(value)
  if (abs >= 1_000_000) return `$${(value / 1_000_000).toFixed(1)}M`
  if (abs >= 10_000) return `$${Math.round(value / 1000)}K`
  if (abs >= 100) return `$${Math.round(value).toLocaleString('en-US')}`
  return `$${value.toFixed(2)}`
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '—'
  switch (unit) {
    case 'seconds':
      return formatDuration(value)
    case 'fraction':
      return `${(value * 100).toFixed(1)}%`
    case 'per-day':
      return `${value.toFixed(1)}/day`
    case 'per-week':
      return `${value.toFixed(1)}/week`
    case 'per-month':
      return `${value.toFixed(1)}/month`
    case 'count':
      return String(Math.round(value))
    case 'points':
      return `${value.toFixed(0)} SP`
    case 'score':
      return `${value.toFixed(1)}/5`
    case 'nps':
      return `${value >= 0 ? '+' : ''}${value.toFixed(0)}`
    case 'currency':
      return money(value)
    case 'per-100-points':
      return `${value.toFixed(1)}/100 SP`
    case 'per-1000-users':
      return `${value.toFixed(2)}/1k users`
    case 'ratio':
      return `${value.toFixed(2)}×`
    case 'days':
      return `${value.toFixed(0)} d`
    case 'lines':
      return `${value.toFixed(0)} lines`
  }
}

export function formatTarget(target: Target, unit: Unit, direction: 'higher' | 'lower'): string {
  switch (target.kind) {
    case 'threshold':
      return `${target.op} ${formatValue(target.value, unit)}`
    case 'range':
      return `${formatValue(target.min, unit)}–${formatValue(target.max, unit)}`
    case 'trend':
      return `trend (${direction} is better)`
  }
}

export function trendText(kpi: KpiResult): string {
  if (!kpi.trend) return ''
  const arrow = kpi.trend.change > 0 ? '↑' : kpi.trend.change < 0 ? '↓' : '→'
  const relative = kpi.trend.relative === null ? '' : ` ${Math.abs(kpi.trend.relative * 100).toFixed(0)}%`
  return `${arrow}${relative} ${kpi.trend.direction} (was ${formatValue(kpi.trend.previous, kpi.unit)})`
}
