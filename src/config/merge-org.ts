/**
 * Merges entries from another system of record (a Backstage catalog, OpenSLO files) into
 * `engops.yaml` as a person would edit it: an entry with the same id has the given fields set,
 * a new one is appended in the style of its section (flow `{ … }` when the section is written
 * so), and everything else — comments, order, other fields — stays as it was. The result is
 * validated as an org file before anyone writes it.
 */
import { createTwoFilesPatch } from 'diff'
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml'
import type { Entry } from '../connectors/backstage/catalog.js'
import { EngopsError } from '../model/errors.js'
import { parseConfig } from './load-config.js'

export interface Merged {
  text: string
  /** A unified diff of the file, empty when nothing changes. */
  diff: string
  added: number
  updated: number
}

export interface Sections {
  [section: string]: { entries: readonly Entry[]; defaultsForNew?: Record<string, unknown> }
}

export function mergeIntoOrg(text: string, file: string, sections: Sections): Merged {
  const doc = parseDocument(text)
  let added = 0
  let updated = 0
  for (const [section, { entries, defaultsForNew = {} }] of Object.entries(sections)) {
    if (entries.length === 0) continue
    let seq = doc.get(section) as YAMLSeq | undefined
    if (!isSeq(seq)) {
      seq = doc.createNode([]) as YAMLSeq
      doc.set(section, seq)
    }
    const flow = seq.items.some((item) => isMap(item) && item.flow)
    for (const entry of entries) {
      const existing = seq.items.find((item): item is YAMLMap => isMap(item) && item.get('id') === entry.id)
      if (!existing) {
        // The id first, then the defaults, then what the other system says.
        const { id, ...fields } = entry
        const node = doc.createNode({ id, ...defaultsForNew, ...fields }) as YAMLMap
        node.flow = flow
        seq.items.push(node)
        added++
        continue
      }
      let changed = false
      for (const [key, value] of Object.entries(entry)) {
        const current = existing.get(key, false)
        const plain =
          current && typeof current === 'object' && 'toJSON' in current
            ? (current as { toJSON: () => unknown }).toJSON()
            : current
        if (JSON.stringify(plain) === JSON.stringify(value)) continue
        const node = doc.createNode(value)
        if ((isSeq(node) || isMap(node)) && existing.flow) node.flow = true
        existing.set(key, node)
        changed = true
      }
      if (changed) updated++
    }
  }
  const merged = doc.toString()
  // The result must still be a valid org file (an owner that is a team, a team a person names, …).
  try {
    parseConfig(merged, file)
  } catch (error) {
    if (!(error instanceof EngopsError)) throw error
    throw new EngopsError(
      'CONFIG_INVALID',
      `${file} would not be a valid org file after the merge, so nothing is written: ${error.message}`,
      error.details,
    )
  }
  const diff = merged === text ? '' : createTwoFilesPatch(file, file, text, merged, '', '(merged)')
  return { text: merged, diff, added, updated }
}
