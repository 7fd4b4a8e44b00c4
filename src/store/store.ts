/**
 * The store: one interface over the database, returning and accepting domain records, on SQLite
 * (the embedded default) or PostgreSQL (dialect.ts). Writes happen only inside `write()`, one
 * transaction, so a failed ingest leaves the store exactly as it was.
 */
import { Kysely, Migrator, sql } from 'kysely'
import { EngopsError } from '../model/errors.js'
import { type DatabaseKind, openDialect, shownLocation } from './dialect.js'
import { migrationProvider } from './migrations.js'
import { StoreReader } from './reader.js'
import { type Database, DERIVED_TABLES, TABLES } from './schema.js'
import { StoreWriter } from './writer.js'

export type { StoredRecord } from './writer.js'
export { StoreReader, StoreWriter }

export class Store extends StoreReader {
  private constructor(
    private readonly kysely: Kysely<Database>,
    /** Which database engine holds the store. */
    readonly engine: DatabaseKind,
    /** The PostgreSQL schema of the store, if its URL names one (its migration tables live there too). */
    private readonly schema?: string,
  ) {
    super(kysely)
  }

  /** A SQLite file (created with its folder if missing) or a `postgres://` URL. */
  static async open(location: string): Promise<Store> {
    const { dialect, engine, schema } = await openDialect(location)
    const store = new Store(new Kysely<Database>({ dialect }), engine, schema)
    try {
      await store.migrate()
    } catch (error) {
      await store.close()
      if (error instanceof EngopsError) throw error
      throw new EngopsError(
        'STORE',
        `cannot open the store at ${shownLocation(location)}: ${(error as Error).message}`,
      )
    }
    return store
  }

  private async migrate(): Promise<void> {
    const { error } = await new Migrator({
      db: this.kysely,
      provider: migrationProvider,
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    }).migrateToLatest()
    if (error) throw new EngopsError('STORE', `store migration failed: ${(error as Error).message}`)
  }

  /** Empties every table (the demo starts afresh); the schema stays. */
  async clear(): Promise<void> {
    await this.kysely.transaction().execute(async (trx) => {
      for (const table of [...TABLES, ...DERIVED_TABLES]) await trx.deleteFrom(table).execute()
    })
  }

  /**
   * Runs `work` in one transaction: everything it writes lands, or nothing does. The data version
   * moves with it, last (its row lock is held only from there to the commit).
   */
  async write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute(async (trx) => {
      const result = await work(new StoreWriter(trx, this.engine))
      await trx
        .updateTable('data_version')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', 1)
        .execute()
      return result
    })
  }

  /**
   * A transaction that only brings derived facts up to date: what the events say does not change,
   * so the data version stays (other processes' loaded rows are still right).
   */
  async derive<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => work(new StoreWriter(trx, this.engine)))
  }

  /** Moves with every committed write, whichever process made it. */
  async dataVersion(): Promise<number> {
    const row = await this.db
      .selectFrom('data_version')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirst()
    return Number(row?.version ?? 0)
  }

  async close(): Promise<void> {
    await this.kysely.destroy()
  }

  /** Rows of each table of data. */
  counts(): Promise<Record<(typeof TABLES)[number], number>> {
    return this.countRows(TABLES)
  }

  /** Rows of each table of derived facts. */
  derivedCounts(): Promise<Record<(typeof DERIVED_TABLES)[number], number>> {
    return this.countRows(DERIVED_TABLES)
  }

  private async countRows<T extends keyof Database>(tables: readonly T[]): Promise<Record<T, number>> {
    const entries = await Promise.all(
      tables.map(async (table) => {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
          this.db,
        )
        return [table, Number(rows[0]?.n ?? 0)] as const
      }),
    )
    return Object.fromEntries(entries) as Record<T, number>
  }
}
