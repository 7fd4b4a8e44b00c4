/** The terminal view of `engops metrics dora`, with `--explain` listing the rows behind each number. */
import type { DoraAnswer } from '../engine/engine.js'
import {
  bold,
  dim,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  localDay,
  type Style,
  tierName,
  tierSymbol,
} from './output.js'

export function renderDora(answer: DoraAnswer, orgName: string, style: Style): string {
  const { summary: s, scope } = answer
  const scopeText = scope.kind === 'org' ? `${orgName} (organization)` : `${scope.kind} ${scope.id}`
  const from = localDay(Date.parse(s.period.from), style)
  const to = localDay(Date.parse(s.period.to), style)
  const lines: string[] = []
  lines.push(bold(`DORA metrics — ${scopeText}`, style))
  lines.push(
    dim(
      `${from} → ${to} (to exclusive, ${round(s.period.days)} days) · benchmark profile ${s.profile}`,
      style,
    ),
  )
  lines.push('')
  const row = (tier: Parameters<typeof tierSymbol>[0], name: string, value: string) =>
    `${tierSymbol(tier, style)} ${name.padEnd(24)} ${value.padEnd(48)} ${tierName(tier, style)}`
  const df = s.deploymentFrequency
  lines.push(
    row(
      df.tier,
      'Deployment frequency',
      df.covered
        ? `${formatRate(df.perDay)} (${formatCount(df.deployments)} deploys, ${df.deployDays} deploy-days)`
        : 'no data: no production deployments recorded for this scope by the period’s end',
    ),
  )
  const lt = s.leadTime
  lines.push(
    row(
      lt.tier,
      'Lead time for changes',
      `median ${formatDuration(lt.medianSeconds)} · p90 ${formatDuration(lt.p90Seconds)} (n=${formatCount(lt.n)})`,
    ),
  )
  const st = lt.stages
  lines.push(
    dim(
      `   PR stages (median)      coding ${formatDuration(st.coding.medianSeconds)} · pickup ${formatDuration(st.pickup.medianSeconds)} · review ${formatDuration(st.review.medianSeconds)} · deploy ${formatDuration(st.deploy.medianSeconds)}`,
      style,
    ),
  )
  const cfr = s.changeFailureRate
  lines.push(
    row(
      cfr.tier,
      'Change failure rate',
      `${formatPercent(cfr.rate)} (${cfr.failed} of ${cfr.deployments} deployments)`,
    ),
  )
  const ttr = s.timeToRestore
  lines.push(row(ttr.tier, 'Time to restore', `median ${formatDuration(ttr.medianSeconds)} (n=${ttr.n})`))
  const severities = Object.entries(ttr.bySeverity)
    .map(([severity, value]) => `${severity} ${formatDuration(value.medianSeconds)} (${value.n})`)
    .join(' · ')
  lines.push(dim(`   by severity             ${severities}`, style))
  const fdrt = s.failedDeploymentRecoveryTime
  lines.push(
    row(fdrt.tier, 'Failed deploy recovery', `median ${formatDuration(fdrt.medianSeconds)} (n=${fdrt.n})`),
  )
  const rework = s.reworkRate
  lines.push(
    `${' '.repeat(tierSymbol(null, style).length)} ${'Deployment rework rate'.padEnd(24)} ${formatPercent(rework.rate)} (${rework.rework} of ${rework.deployments} deployments were hotfixes or rollbacks)`,
  )
  const dq = s.dataQuality
  const notes = [
    dq.negativeLeadTimes && `${dq.negativeLeadTimes} changes with a negative lead time excluded`,
    dq.negativeStageSpans && `${dq.negativeStageSpans} negative PR stage spans excluded`,
    dq.negativeRestoreTimes && `${dq.negativeRestoreTimes} incidents resolved before detection excluded`,
    dq.deploymentsWithUnknownSha &&
      `${dq.deploymentsWithUnknownSha} deployments whose sha is in none of their service's repositories (is the repository ingested under the name the service lists? engops ingest git --repo NAME)`,
    dq.incidentsWithUnmatchedCause &&
      `${dq.incidentsWithUnmatchedCause} incidents name a cause no deployment matches`,
    dq.unresolvedIncidents && `${dq.unresolvedIncidents} incidents still open`,
  ].filter(Boolean)
  if (notes.length > 0) {
    lines.push('')
    lines.push(dim(`Data quality: ${notes.join('; ')}.`, style))
  }
  return `${lines.join('\n')}\n`
}

export function renderDoraExplanation(answer: DoraAnswer, style: Style): string {
  const { details } = answer
  const lines: string[] = ['']
  lines.push(
    bold(
      `Deployments (${details.deployments.length}) — deployment frequency, change failure rate, rework rate`,
      style,
    ),
  )
  for (const d of details.deployments) {
    const failures = d.failures.map((f) => `${f.reason} ${f.ref}`).join(', ')
    lines.push(
      `  ${d.finishedAt}  ${d.service.padEnd(16)} ${d.id.padEnd(20)} ${d.sha.slice(0, 10)}  ${d.kind.padEnd(8)} changes ${String(d.changes).padStart(4)}  PRs ${String(d.pullRequests).padStart(3)}${failures ? `  FAILED: ${failures}` : ''}`,
    )
  }
  lines.push('')
  lines.push(bold(`Changes (${details.changes.length}) — lead time for changes`, style))
  for (const c of details.changes) {
    lines.push(
      `  ${c.repo}@${c.sha.slice(0, 10)}  authored ${c.authoredAt}  → ${c.deployment.padEnd(20)} ${formatDuration(c.leadTimeSeconds).padStart(8)}${c.pullRequest ? `  PR ${c.pullRequest}` : ''}`,
    )
  }
  lines.push('')
  lines.push(bold(`Pull requests (${details.pullRequests.length}) — PR stages`, style))
  for (const p of details.pullRequests) {
    lines.push(
      `  ${p.id.padEnd(24)} → ${p.deployment.padEnd(20)} coding ${formatDuration(p.codingSeconds)} · pickup ${formatDuration(p.pickupSeconds)} · review ${formatDuration(p.reviewSeconds)} · deploy ${formatDuration(p.deploySeconds)}`,
    )
  }
  lines.push('')
  lines.push(
    bold(
      `Incidents resolved in the period (${details.incidents.length}) — time to restore, recovery time`,
      style,
    ),
  )
  for (const i of details.incidents) {
    const causes = i.causedBy.map((c) => `${c.deployment} (${c.reason})`).join(', ')
    lines.push(
      `  ${i.id.padEnd(16)} ${i.severity}  ${i.services.join(',').padEnd(16)} detected ${i.detectedAt}  restore ${formatDuration(i.restoreSeconds).padStart(8)}${causes ? `  caused by ${causes}` : ''}`,
    )
  }
  return `${lines.join('\n')}\n`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
