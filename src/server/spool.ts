/**
 * The webhook spool: deliveries the store could not take within a webhook's budget (another
 * process holding the write lock, a long ingest) wait here, on disk, until it can. Each delivery
 * is one file, written and fsynced before the sender hears 202, named so that the directory lists
 * in arrival order; a file is removed only after its delivery is stored. A crash between the two
 * stores it again at the next drain, which the delivery id makes harmless.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import type { AcceptedDelivery } from '../engine/engine.js'

const SUFFIX = '.json'

/** A spooled delivery as its file holds it. */
interface SpoolFile extends AcceptedDelivery {
  receivedAt: number
}

export interface Spooled {
  name: string
  delivery: AcceptedDelivery
}

export class WebhookSpool {
  /** Orders deliveries of the same millisecond. */
  private sequence = 0
  /** Deliveries set aside, each with a `.why` file: unreadable, or refused by the store. */
  readonly setAsideDir: string

  constructor(readonly dir: string) {
    this.setAsideDir = join(dir, 'set-aside')
  }

  /** Deliveries waiting, oldest first. */
  names(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((name) => name.endsWith(SUFFIX))
        .sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  depth(): number {
    return this.names().length
  }

  /** Keeps a delivery durably: once this returns, a crash or power cut does not lose it. */
  append(delivery: AcceptedDelivery, now = Date.now()): string {
    mkdirSync(this.dir, { recursive: true })
    this.sequence = (this.sequence + 1) % 1_000_000
    // Time, then a sequence within this process, then the process: sorted names are arrival order.
    const name = `${String(now).padStart(15, '0')}-${String(this.sequence).padStart(6, '0')}-${process.pid}${SUFFIX}`
    const file: SpoolFile = { ...delivery, receivedAt: now }
    const partial = join(this.dir, `.${name}.partial`)
    const fd = openSync(partial, 'w')
    try {
      writeSync(fd, JSON.stringify(file))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    // The rename makes it whole at once; syncing the folder makes the rename itself durable.
    renameSync(partial, join(this.dir, name))
    syncFolder(this.dir)
    return name
  }

  /** The oldest delivery waiting; a file that does not read back is set aside. */
  oldest(): Spooled | undefined {
    for (const name of this.names()) {
      const delivery = this.read(name)
      if (delivery) return { name, delivery }
      this.setAside(name, 'the file is not a spooled delivery')
    }
    return undefined
  }

  /** Moves a delivery out of the queue, with the reason beside it, for someone to look at. */
  setAside(name: string, why: string): void {
    mkdirSync(this.setAsideDir, { recursive: true })
    writeFileSync(join(this.setAsideDir, `${name}.why`), `${why}\n`)
    renameSync(join(this.dir, name), join(this.setAsideDir, name))
    syncFolder(this.dir)
  }

  /** How many deliveries were set aside. */
  setAsideCount(): number {
    try {
      return readdirSync(this.setAsideDir).filter((name) => name.endsWith(SUFFIX)).length
    } catch {
      return 0
    }
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true })
    syncFolder(this.dir)
  }

  private read(name: string): AcceptedDelivery | undefined {
    try {
      const file = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Partial<SpoolFile>
      if (typeof file.kind !== 'string' || typeof file.delivery !== 'string' || !Array.isArray(file.events))
        return undefined
      return { kind: file.kind, delivery: file.delivery, events: file.events }
    } catch {
      return undefined
    }
  }
}

function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
