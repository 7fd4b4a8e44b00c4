import { describe, expect, test } from 'vitest'
import { BENCHMARK_PROFILES, tierOf } from './benchmarks.js'

const HOUR = 3600
const DAY = 86400
const standard = BENCHMARK_PROFILES.default!

describe('the default profile (the seed dashboard)', () => {
  test('deployment frequency: more than daily, weekly, monthly', () => {
    expect(tierOf(standard, 'deploymentFrequency', 2.3)).toBe('elite')
    expect(tierOf(standard, 'deploymentFrequency', 1)).toBe('high')
    expect(tierOf(standard, 'deploymentFrequency', 1 / 7)).toBe('high')
    expect(tierOf(standard, 'deploymentFrequency', 1 / 8)).toBe('medium')
    expect(tierOf(standard, 'deploymentFrequency', 12 / 365.25)).toBe('medium')
    expect(tierOf(standard, 'deploymentFrequency', 1 / 90)).toBe('low')
    expect(tierOf(standard, 'deploymentFrequency', 0)).toBe('low')
  })

  test('lead time: < 1 day, 1–7 days, 1–4 weeks, more', () => {
    expect(tierOf(standard, 'leadTime', DAY - 1)).toBe('elite')
    expect(tierOf(standard, 'leadTime', DAY)).toBe('high')
    expect(tierOf(standard, 'leadTime', 3 * DAY)).toBe('high')
    expect(tierOf(standard, 'leadTime', 7 * DAY)).toBe('high')
    expect(tierOf(standard, 'leadTime', 7 * DAY + 1)).toBe('medium')
    expect(tierOf(standard, 'leadTime', 28 * DAY)).toBe('medium')
    expect(tierOf(standard, 'leadTime', 28 * DAY + 1)).toBe('low')
    expect(tierOf(standard, 'leadTime', null)).toBeNull()
  })

  test('time to restore: < 1 hour, < 1 day, 1–7 days, more', () => {
    expect(tierOf(standard, 'timeToRestore', 45 * 60)).toBe('elite')
    expect(tierOf(standard, 'timeToRestore', HOUR)).toBe('high')
    expect(tierOf(standard, 'timeToRestore', DAY)).toBe('medium')
    expect(tierOf(standard, 'timeToRestore', 7 * DAY)).toBe('medium')
    expect(tierOf(standard, 'timeToRestore', 8 * DAY)).toBe('low')
  })

  test('change failure rate: < 5 %, 5–10 %, 10–20 %, more', () => {
    expect(tierOf(standard, 'changeFailureRate', 0.04)).toBe('elite')
    expect(tierOf(standard, 'changeFailureRate', 0.05)).toBe('high')
    expect(tierOf(standard, 'changeFailureRate', 0.1)).toBe('high')
    expect(tierOf(standard, 'changeFailureRate', 0.15)).toBe('medium')
    expect(tierOf(standard, 'changeFailureRate', 0.2)).toBe('medium')
    expect(tierOf(standard, 'changeFailureRate', 0.21)).toBe('low')
  })
})

describe('State of DevOps profiles', () => {
  test('2021: elite lead time is under an hour and CFR up to 15 %', () => {
    const p = BENCHMARK_PROFILES['dora-2021']!
    expect(tierOf(p, 'leadTime', 30 * 60)).toBe('elite')
    expect(tierOf(p, 'leadTime', 2 * HOUR)).toBe('high')
    expect(tierOf(p, 'leadTime', 30 * DAY)).toBe('medium')
    expect(tierOf(p, 'changeFailureRate', 0.15)).toBe('elite')
    expect(tierOf(p, 'changeFailureRate', 0.25)).toBe('medium')
    expect(tierOf(p, 'deploymentFrequency', 1 / 20)).toBe('high')
    expect(tierOf(p, 'deploymentFrequency', 1 / 100)).toBe('medium')
  })

  test('2023: CFR 5/10/15 %, lead time under a month is medium', () => {
    const p = BENCHMARK_PROFILES['dora-2023']!
    expect(tierOf(p, 'changeFailureRate', 0.05)).toBe('elite')
    expect(tierOf(p, 'changeFailureRate', 0.12)).toBe('medium')
    expect(tierOf(p, 'changeFailureRate', 0.16)).toBe('low')
    expect(tierOf(p, 'leadTime', 20 * DAY)).toBe('medium')
    expect(tierOf(p, 'leadTime', 31 * DAY)).toBe('low')
  })
})
