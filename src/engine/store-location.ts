/**
 * Where an org file's store lives, and whether it holds data: read before any engine is opened
 * (the gates that need data skip without it).
 */
import { dirname, join, resolve } from 'node:path'
import { isPostgresUrl, storeExists } from '../store/dialect.js'
import { Store } from '../store/store.js'

/**
 * The store an org file uses: --db, else $ENGOPS_DB, else .engops/engops.db beside the file. A
 * SQLite file or a `postgres://` URL.
 */
export function dbPathFor(configFile: string, db?: string): string {
  return db || process.env.ENGOPS_DB || defaultDbPath(configFile)
}

/**
 * Whether the store an org file uses holds ingested data: the gates that read it are skipped
 * otherwise. A missing SQLite file is not created to find out.
 */
export async function hasDataFor(configFile: string, db?: string): Promise<boolean> {
  const location = dbPathFor(configFile, db)
  if (!storeExists(location)) return false
  const store = await Store.open(location)
  try {
    const { api_tokens: _tokens, ...data } = await store.counts()
    return Object.values(data).some((n) => n > 0)
  } finally {
    await store.close()
  }
}

export function defaultDbPath(configFile: string): string {
  return join(dirname(resolve(configFile)), '.engops', 'engops.db')
}

/**
 * The webhook spool of a store: beside a SQLite file (`engops.db.spool/`), so it follows the file;
 * for PostgreSQL (or an in-memory store), in `.engops/webhook-spool/` beside the org file.
 */
export function spoolDirFor(configFile: string, location: string): string {
  if (isPostgresUrl(location) || location === ':memory:')
    return join(dirname(resolve(configFile)), '.engops', 'webhook-spool')
  return `${resolve(location)}.spool`
}
