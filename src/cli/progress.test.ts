import { describe, expect, test } from 'vitest'
import { ProgressBar } from './progress.js'

/** A stand-in terminal: collects what is written, as a TTY would receive it. */
function terminal(isTTY: boolean) {
  const writes: string[] = []
  return {
    stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream,
    writes,
  }
}

describe('progress bar', () => {
  test('draws on a terminal and clears itself when done', () => {
    const { stream, writes } = terminal(true)
    const bar = new ProgressBar('reading commits', stream)
    bar.update(500, 1000)
    bar.update(1000, 1000)
    bar.done()
    expect(writes[0]).toBe(`\r\x1b[2Kreading commits [${'#'.repeat(15)}${'.'.repeat(15)}] 50% 500/1,000`)
    expect(writes[1]).toContain('100% 1,000/1,000')
    expect(writes.at(-1)).toBe('\r\x1b[2K')
  })

  test('writes nothing when piped', () => {
    const { stream, writes } = terminal(false)
    const bar = new ProgressBar('reading commits', stream)
    bar.update(1, 2)
    bar.done()
    expect(writes).toEqual([])
  })
})
