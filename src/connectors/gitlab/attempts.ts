/**
 * A GitLab pipeline's attempts from its jobs (`include_retried=true`): GitLab retries a pipeline
 * by running its failed jobs again in the same pipeline, so the n-th run of a job name belongs
 * to attempt n. Attempt n begins when its first job is created (every job of a first attempt is
 * created with the pipeline; a retry creates new jobs) and ends before the next one begins. An
 * attempt that was retried reads as its superseded jobs' worst status; the last attempt is the
 * pipeline's own result.
 */
import { isoTime, type Json } from '../connector.js'

export type RunResult = 'success' | 'failure' | 'cancelled'

export interface Attempt {
  attempt: number
  result: RunResult
  queuedAt: string
  startedAt: string
  finishedAt: string
}

const at = (value: unknown) => {
  const text = isoTime(value)
  return text === undefined ? undefined : Date.parse(text)
}
const iso = (ms: number) => new Date(ms).toISOString()

function jobResult(status: unknown): RunResult | undefined {
  if (status === 'success') return 'success'
  if (status === 'failed') return 'failure'
  if (status === 'canceled') return 'cancelled'
  return undefined
}

const WORST: RunResult[] = ['failure', 'cancelled', 'success']

export function pipelineAttempts(pipeline: Json, jobs: readonly Json[], finalResult: RunResult): Attempt[] {
  const created = at(pipeline.created_at) ?? 0
  const updated = at(pipeline.updated_at) ?? created
  // Oldest first (GitLab lists newest first): the n-th job of a name is its n-th run.
  const ordered = [...jobs].sort((a, b) => Number(a.id) - Number(b.id))
  const runs = new Map<string, number>()
  const numbered = ordered.map((job) => {
    const name = String(job.name ?? job.id)
    const run = (runs.get(name) ?? 0) + 1
    runs.set(name, run)
    return { job, name, run, started: at(job.started_at), finished: at(job.finished_at) }
  })
  const attempts = Math.max(1, ...numbered.map((j) => j.run))
  // Attempt n begins when its first n-th run is created; a job belongs to the attempt during
  // which it started (a later stage's job, created with the pipeline, runs after the retry).
  const begins = [created]
  for (let n = 2; n <= attempts; n++)
    begins.push(Math.min(...numbered.filter((j) => j.run === n).map((j) => at(j.job.created_at) ?? updated)))
  const attemptOf = (time: number) => {
    let n = 1
    while (n < attempts && time >= (begins[n] ?? Infinity)) n++
    return n
  }
  return begins.map((queued, i) => {
    const n = i + 1
    const during = numbered.filter((j) => j.started !== undefined && attemptOf(j.started) === n)
    const starts = during.flatMap((j) => j.started ?? [])
    const finishes = during.flatMap((j) => j.finished ?? [])
    const superseded = numbered
      .filter((j) => j.run === n && (runs.get(j.name) ?? 0) > n)
      .map((j) => jobResult(j.job.status))
    const last = n === attempts
    return {
      attempt: n,
      result: last ? finalResult : (WORST.find((r) => superseded.includes(r)) ?? 'failure'),
      queuedAt: iso(queued),
      startedAt: iso(starts.length > 0 ? Math.min(...starts) : queued),
      finishedAt: iso(finishes.length > 0 ? Math.max(...finishes) : last ? updated : queued),
    }
  })
}
