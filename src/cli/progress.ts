/** A one-line progress bar on stderr, drawn only on a terminal and at most ten times a second. */
export class ProgressBar {
  private lastDraw = 0
  private drawn = false

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY)
  }

  update(done: number, total?: number): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.lastDraw < 100 && (total === undefined || done < total)) return
    this.lastDraw = now
    const width = 30
    let line: string
    if (total && total > 0) {
      const filled = Math.min(width, Math.round((done / total) * width))
      const percent = Math.min(100, Math.floor((done / total) * 100))
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`
    } else {
      line = `${this.label} ${done.toLocaleString('en-US')}`
    }
    this.stream.write(`\r\x1b[2K${line}`)
    this.drawn = true
  }

  /** A line of text instead of a bar (a connector says what it reads), throttled the same way. */
  text(line: string): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.lastDraw < 100) return
    this.lastDraw = now
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns || 160) - 1)}`)
    this.drawn = true
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K')
    this.drawn = false
  }
}
