/**
 * Where a store lives and how to reach it: a SQLite file (the embedded default: better-sqlite3,
 * WAL, fsync per transaction) or a PostgreSQL database (`postgres://user:password@host/db`, for a
 * shared installation; `?schema=name` keeps one engops in a schema of its own). The rest of the
 * store speaks Kysely and does not care which.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { type Dialect, PostgresDialect, SqliteDialect } from 'kysely'
import { EngopsError } from '../model/errors.js'

/** Which database holds a store. */
export type DatabaseKind = 'sqlite' | 'postgres'

export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location)

/** Whether a store exists at `location` already (a database server is always there). */
export function storeExists(location: string): boolean {
  return isPostgresUrl(location) || location === ':memory:' || existsSync(location)
}

/** The location without its password, for messages. */
export function shownLocation(location: string): string {
  if (!isPostgresUrl(location)) return location
  try {
    const url = new URL(location)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return 'postgres://…'
  }
}

/**
 * The PostgreSQL driver, loaded only for a PostgreSQL store: the embedded default does not pay
 * for it at every start.
 */
async function loadPg(): Promise<typeof import('pg').default> {
  const pg = (await import('pg')).default
  // Epoch milliseconds and counts come back as bigint (int8): numbers, exact below 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
  return pg
}

export interface OpenedDialect {
  dialect: Dialect
  engine: DatabaseKind
  /** The PostgreSQL schema the store keeps to, if the URL names one. */
  schema?: string
}

export async function openDialect(location: string): Promise<OpenedDialect> {
  if (!isPostgresUrl(location)) return { dialect: sqliteDialect(location), engine: 'sqlite' }
  const schema = new URL(location).searchParams.get('schema') ?? undefined
  return { dialect: await postgresDialect(location), engine: 'postgres', ...(schema ? { schema } : {}) }
}

/** How long a write waits for another writer before giving up (ms). */
export const BUSY_BUDGET_MS = 20_000

function sqliteDialect(file: string): Dialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  try {
    const sqlite = new SqliteDatabase(file)
    sqlite.pragma('journal_mode = WAL')
    // FULL: a committed ingest survives a power cut (WAL fsync per transaction; transactions are batches).
    sqlite.pragma('synchronous = FULL')
    // Writers take turns: a write waits this long for another process's transaction (each is a
    // bounded batch, well under a second) before it gives up with a BUSY error.
    sqlite.pragma(`busy_timeout = ${BUSY_BUDGET_MS}`)
    return new SqliteDialect({ database: sqlite })
  } catch (error) {
    throw new EngopsError('STORE', `cannot open the store at ${file}: ${(error as Error).message}`)
  }
}

async function postgresDialect(location: string): Promise<Dialect> {
  const url = new URL(location)
  const schema = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new EngopsError(
      'STORE',
      `schema "${schema}" in the database URL: use lower-case letters, digits and _`,
    )
  const connectionString = url.toString()
  const pg = await loadPg()
  if (schema) await createSchema(pg, connectionString, schema, location)
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // An idle client that loses its server must not crash the process: the next query reports it.
  pool.on('error', () => {})
  return new PostgresDialect({ pool })
}

async function createSchema(
  pg: typeof import('pg').default,
  connectionString: string,
  schema: string,
  location: string,
): Promise<void> {
  const client = new pg.Client({ connectionString })
  try {
    await client.connect()
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
  } catch (error) {
    // Two processes creating the schema at once: the loser's error means it exists now.
    const code = (error as { code?: string }).code
    if (code !== '23505' && code !== '42P06')
      throw new EngopsError(
        'STORE',
        `cannot open the store at ${shownLocation(location)}: ${(error as Error).message}`,
      )
  } finally {
    await client.end().catch(() => {})
  }
}
