/**
 * `engops import openslo`: OpenSLO v1 documents (SLO with an inline ratio SLI on a rolling window,
 * a timeslices SLO on a calendar month with two objectives, an SLI and a Service read for
 * reference) merged into the slos: of engops.yaml, the same diff / --write behaviour as Backstage.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { parse } from 'yaml'
import { engops, MINIMAL_CONFIG, tempDir } from './helpers.js'

const OPENSLO = `apiVersion: openslo/v1
kind: Service
metadata:
  name: storefront
  displayName: Storefront
spec:
  description: The shop people buy from
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-latency
spec:
  thresholdMetric:
    metricSource:
      type: Prometheus
      spec:
        query: histogram_quantile(0.95, rate(checkout_seconds_bucket[1m]))
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: storefront-availability
  displayName: Storefront availability
spec:
  description: Good requests over all requests
  service: storefront
  indicator:
    metadata:
      name: storefront-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[1m]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[1m]))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.999
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
spec:
  service: storefront
  indicatorRef: checkout-latency
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2025-01-01 00:00:00
        timeZone: UTC
  budgetingMethod: Timeslices
  objectives:
    - name: fast
      op: lte
      value: 0.3
      target: 0.95
      timeSliceTarget: 0.9
      timeSliceWindow: 1m
    - name: acceptable
      op: lte
      value: 1
      target: 0.99
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
`

let dir: string
let cleanup: () => void

beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
  writeFileSync(join(dir, 'engops.yaml'), `${MINIMAL_CONFIG}# SLOs are kept with the services.\n`)
  writeFileSync(join(dir, 'slos.yaml'), OPENSLO)
})
afterAll(() => cleanup())

test('OpenSLO SLOs land in slos: as a diff, then with --write; an unsupported window is named', () => {
  const shown = engops(['import', 'openslo', 'slos.yaml'], dir)
  expect(shown.code, shown.stderr).toBe(0)
  expect(shown.stdout).toContain('read for reference, not kept: 1 Service, 1 SLI')
  expect(shown.stdout).toContain('3 added, 0 updated (3 SLOs read); nothing written')
  const written = engops(['import', 'openslo', 'slos.yaml', '--write'], dir)
  expect(written.code, written.stderr).toBe(0)
  const text = readFileSync(join(dir, 'engops.yaml'), 'utf8')
  expect(text).toContain('# SLOs are kept with the services.')
  expect(parse(text).slos).toEqual([
    {
      id: 'storefront-availability',
      service: 'storefront',
      name: 'Storefront availability',
      objective: 99.9,
      window: '28d',
      sli: 'ratio',
      description: 'Good requests over all requests',
    },
    {
      id: 'checkout-latency-fast',
      service: 'storefront',
      objective: 95,
      window: 'calendar-month',
      sli: 'timeslices',
      timesliceTarget: 90,
    },
    {
      id: 'checkout-latency-acceptable',
      service: 'storefront',
      objective: 99,
      window: 'calendar-month',
      sli: 'timeslices',
      timesliceTarget: 95,
    },
  ])
  expect(engops(['validate'], dir).stdout).toContain('3 SLOs')
  expect(engops(['import', 'openslo', 'slos.yaml'], dir).stdout).toContain(
    'already matches: 0 added, 0 updated',
  )

  writeFileSync(join(dir, 'weekly.yaml'), OPENSLO.replace('duration: 28d', 'duration: 14d'))
  const refused = engops(['import', 'openslo', 'weekly.yaml'], dir)
  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain(
    'weekly.yaml: SLO storefront-availability: time window 14d is not one engops keeps (rolling 7d, 28d or 30d, or a calendar month 1M)',
  )
})
