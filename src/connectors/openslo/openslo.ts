/**
 * OpenSLO v1 files as the org file's `slos:` entries (`engops import openslo`). An SLO's service,
 * each objective's target (a fraction, or `targetPercent`), its time window (rolling 7d / 28d / 30d,
 * or a calendar month) and its budgeting method (Occurrences → a ratio SLI; Timeslices and
 * RatioTimeslices → timeslices, with the objective's `timeSliceTarget`). An SLO with several
 * objectives becomes one entry per objective. SLI and Service documents are read for the
 * references but carry nothing engops keeps; anything engops cannot represent is an error naming
 * the file and the SLO.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { EngopsError } from '../../model/errors.js'
import type { Entry } from '../backstage/catalog.js'
import { refName } from '../backstage/catalog.js'
import { type Json, obj } from '../connector.js'

export interface OpenSloDocument {
  file: string
  document: Json
}

export function readOpenSlo(paths: readonly string[]): OpenSloDocument[] {
  const files = paths.flatMap((path) => {
    let isDirectory: boolean
    try {
      isDirectory = statSync(path).isDirectory()
    } catch {
      throw new EngopsError('USAGE', `${path}: no such file or folder`)
    }
    return isDirectory
      ? readdirSync(path)
          .filter((name) => /\.ya?ml$/.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path]
  })
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
      if ('errors' in doc && doc.errors.length > 0)
        throw new EngopsError('USAGE', `${file}: not YAML (${doc.errors[0]?.message.split('\n')[0]})`)
      const document = obj(doc.toJS())
      return String(document.apiVersion ?? '').startsWith('openslo/') ? [{ file, document }] : []
    }),
  )
}

const ROLLING: Record<string, string> = { '7d': '7d', '1w': '7d', '28d': '28d', '4w': '28d', '30d': '30d' }

export function openSloEntries(documents: readonly OpenSloDocument[]): { entries: Entry[]; notes: string[] } {
  const entries: Entry[] = []
  const others = new Map<string, number>()
  for (const { file, document } of documents) {
    if (document.kind !== 'SLO') {
      others.set(String(document.kind), (others.get(String(document.kind)) ?? 0) + 1)
      continue
    }
    const metadata = obj(document.metadata)
    const spec = obj(document.spec)
    const name = refName(metadata.name)
    const where = `${file}: SLO ${String(metadata.name)}`
    if (!name) throw new EngopsError('USAGE', `${file}: an SLO without metadata.name`)
    const window = windowOf(spec.timeWindow, where)
    const method = String(spec.budgetingMethod ?? 'Occurrences')
    if (!['Occurrences', 'Timeslices', 'RatioTimeslices'].includes(method))
      throw new EngopsError(
        'USAGE',
        `${where}: budgetingMethod ${method} is not Occurrences, Timeslices or RatioTimeslices`,
      )
    const objectives: Json[] = (Array.isArray(spec.objectives) ? spec.objectives : []).map(obj)
    if (objectives.length === 0) throw new EngopsError('USAGE', `${where}: no objectives`)
    for (const [i, objective] of objectives.entries()) {
      const objectivePercent = percent(
        objective.targetPercent,
        objective.target,
        `${where}: objective target`,
      )
      const sliceTarget =
        method === 'Occurrences' ||
        (objective.timeSliceTarget === undefined && objective.timeSliceTargetPercent === undefined)
          ? undefined
          : percent(objective.timeSliceTargetPercent, objective.timeSliceTarget, `${where}: timeSliceTarget`)
      const suffix =
        objectives.length === 1 ? '' : `-${refName(objective.name ?? objective.displayName) ?? i + 1}`
      entries.push({
        id: `${name}${suffix}`,
        service: refName(spec.service) ?? '',
        ...(typeof metadata.displayName === 'string' ? { name: metadata.displayName } : {}),
        objective: objectivePercent,
        window,
        sli: method === 'Occurrences' ? 'ratio' : 'timeslices',
        ...(sliceTarget !== undefined ? { timesliceTarget: sliceTarget } : {}),
        ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      })
    }
  }
  const notes =
    others.size > 0
      ? [`read for reference, not kept: ${[...others].map(([kind, n]) => `${n} ${kind}`).join(', ')}`]
      : []
  return { entries, notes }
}

/** A percentage from `…Percent` (99.9) or a fraction (0.999), rounded to what a person writes. */
function percent(asPercent: unknown, asFraction: unknown, what: string): number {
  const value =
    typeof asPercent === 'number' ? asPercent : typeof asFraction === 'number' ? asFraction * 100 : Number.NaN
  if (!(value > 0 && value < 100))
    throw new EngopsError('USAGE', `${what} must be between 0 and 1 (or 0 and 100 as a percent)`)
  return Number(value.toFixed(6))
}

function windowOf(timeWindow: unknown, where: string): string {
  const window = obj(Array.isArray(timeWindow) ? timeWindow[0] : timeWindow)
  const duration = String(window.duration ?? '')
  if (window.isRolling !== false) {
    const rolling = ROLLING[duration]
    if (rolling) return rolling
  } else if (duration === '1M') {
    return 'calendar-month'
  }
  throw new EngopsError(
    'USAGE',
    `${where}: time window ${duration || '(none)'}${window.isRolling === false ? ' (calendar)' : ''} is not one engops keeps (rolling 7d, 28d or 30d, or a calendar month 1M)`,
  )
}
