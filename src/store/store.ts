/**
 * The store: one interface over the database, returning and accepting domain records, on SQLite
 * (the embedded default) or PostgreSQL (dialect.ts). Writes happen only inside `write()`, one
 * transaction, so a failed ingest leaves the store exactly as it was.
 */
import { Kysely, Migrator, sql } from 'kysely'
import { EngopsError } from '../model/errors.js'
import { BUSY_BUDGET_MS, type DatabaseKind, openDialect, shownLocation } from './dialect.js'
import { migrationProvider } from './migrations.js'
import { StoreReader } from './reader.js'
import { RitualLedger } from './ritual-ledger.js'
import { type Database, DERIVED_TABLES, RITUAL_TABLES, TABLES } from './schema.js'
import { StoreWriter } from './writer.js'

export type { StoredRecord } from './writer.js'
export { StoreReader, StoreWriter }

export class Store extends StoreReader {
  /** The rituals' bookkeeping: schedule runs, alert states, dead letters. */
  readonly ledger: RitualLedger

  private constructor(
    private readonly kysely: Kysely<Database>,
    /** Which database engine holds the store. */
    readonly engine: DatabaseKind,
    /** The PostgreSQL schema of the store, if its URL names one (its migration tables live there too). */
    private readonly schema?: string,
  ) {
    super(kysely)
    this.ledger = new RitualLedger(kysely)
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
    const migrator = new Migrator({
      db: this.kysely,
      provider: migrationProvider,
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    })
    let { error } = await migrator.migrateToLatest()
    // Two processes opening a new SQLite store at once both see it unmigrated (Kysely takes no
    // lock on SQLite; on PostgreSQL it holds an advisory lock): the second one's migration fails
    // on what the first created, or on its lock. Once the first has committed there is nothing
    // left to run, so the second reads again, a few times, while the first finishes.
    for (let retry = 1; error && this.engine === 'sqlite' && retry <= 10; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 50 * retry))
      ;({ error } = await migrator.migrateToLatest())
    }
    if (error) throw new EngopsError('STORE', `store migration failed: ${(error as Error).message}`)
  }

  /** Empties every table (the demo starts afresh); the schema stays. */
  async clear(): Promise<void> {
    await this.kysely.transaction().execute(async (trx) => {
      for (const table of [...TABLES, ...DERIVED_TABLES, ...RITUAL_TABLES])
        await trx.deleteFrom(table).execute()
    })
  }

  /**
   * Runs `work` in one transaction: everything it writes lands, or nothing does. The data version
   * moves with it, last (its row lock is held only from there to the commit).
   */
  async write<T>(
    work: (writer: StoreWriter) => Promise<T>,
    options: { busyBudgetMs?: number } = {},
  ): Promise<T> {
    return this.transaction(async (trx) => {
      const result = await work(new StoreWriter(trx, this.engine))
      await trx
        .updateTable('data_version')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', 1)
        .execute()
      return result
    }, options.busyBudgetMs)
  }

  /**
   * A transaction that only brings derived facts up to date: what the events say does not change,
   * so the data version stays (other processes' loaded rows are still right).
   */
  async derive<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.transaction((trx) => work(new StoreWriter(trx, this.engine)))
  }

  /**
   * A write transaction. On SQLite it takes the write lock at its start (BEGIN IMMEDIATE): a
   * transaction that read first and wrote later would fail at once, without waiting, when another
   * process wrote in between. On PostgreSQL a row lock held by another writer is waited for as
   * long. A store busy beyond the wait budget is a BUSY error, never an internal one.
   */
  private async transaction<T>(
    work: (trx: Kysely<Database>) => Promise<T>,
    budgetMs = BUSY_BUDGET_MS,
  ): Promise<T> {
    try {
      if (this.engine === 'postgres')
        return await this.kysely.transaction().execute(async (trx) => {
          await sql.raw(`set local lock_timeout = ${Math.round(budgetMs)}`).execute(trx)
          return work(trx)
        })
      return await this.kysely.connection().execute(async (connection) => {
        if (budgetMs !== BUSY_BUDGET_MS)
          await sql.raw(`pragma busy_timeout = ${Math.round(budgetMs)}`).execute(connection)
        try {
          await sql`begin immediate`.execute(connection)
        } finally {
          if (budgetMs !== BUSY_BUDGET_MS)
            await sql.raw(`pragma busy_timeout = ${BUSY_BUDGET_MS}`).execute(connection)
        }
        try {
          const result = await work(connection)
          await sql`commit`.execute(connection)
          return result
        } catch (error) {
          await sql`rollback`.execute(connection)
          throw error
        }
      })
    } catch (error) {
      const code = (error as { code?: string }).code
      // SQLITE_BUSY: the file lock; 55P03 (lock_not_available): a row lock past lock_timeout.
      if (code === 'SQLITE_BUSY' || code === '55P03')
        throw new EngopsError(
          'BUSY',
          `the store is busy with another writer (waited ${budgetMs / 1000} s): nothing was written, try again`,
        )
      throw error
    }
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
