import { describe, expect, test } from 'vitest'
import { pipelineAttempts } from './attempts.js'

const T = (minute: number) => new Date(Date.parse('2025-03-05T10:00:00Z') + minute * 60_000).toISOString()
const job = (
  id: number,
  name: string,
  status: string,
  created: number,
  started: number | null,
  finished: number | null,
) => ({
  id,
  name,
  status,
  created_at: T(created),
  started_at: started === null ? null : T(started),
  finished_at: finished === null ? null : T(finished),
})

describe('GitLab pipeline attempts', () => {
  test('one attempt: queued with the pipeline, from its first job start to its last job end', () => {
    const jobs = [job(2, 'test', 'success', 0, 3, 5), job(1, 'build', 'success', 0, 1, 3)]
    expect(pipelineAttempts({ created_at: T(0), updated_at: T(5) }, jobs, 'success')).toEqual([
      { attempt: 1, result: 'success', queuedAt: T(0), startedAt: T(1), finishedAt: T(5) },
    ])
  })

  test('a retried test: the first attempt failed, the second ran the retry and the stage after it', () => {
    // GitLab lists jobs newest first; the deploy job exists from the start but runs after the retry.
    const jobs = [
      job(14, 'test', 'success', 30, 31, 38),
      job(13, 'deploy', 'success', 0, 40, 42),
      job(12, 'test', 'failed', 0, 3, 6),
      job(11, 'build', 'success', 0, 1, 3),
    ]
    expect(pipelineAttempts({ created_at: T(0), updated_at: T(42) }, jobs, 'success')).toEqual([
      { attempt: 1, result: 'failure', queuedAt: T(0), startedAt: T(1), finishedAt: T(6) },
      { attempt: 2, result: 'success', queuedAt: T(30), startedAt: T(31), finishedAt: T(42) },
    ])
  })

  test('a cancelled job retried twice makes three attempts; without jobs the pipeline times stand', () => {
    const jobs = [
      job(3, 'e2e', 'success', 20, 21, 25),
      job(2, 'e2e', 'canceled', 10, 11, 12),
      job(1, 'e2e', 'failed', 0, 1, 4),
    ]
    expect(
      pipelineAttempts({ created_at: T(0), updated_at: T(25) }, jobs, 'success').map((a) => a.result),
    ).toEqual(['failure', 'cancelled', 'success'])
    expect(pipelineAttempts({ created_at: T(0), updated_at: T(9) }, [], 'failure')).toEqual([
      { attempt: 1, result: 'failure', queuedAt: T(0), startedAt: T(0), finishedAt: T(9) },
    ])
  })
})
