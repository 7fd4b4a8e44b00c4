/**
 * On PostgreSQL (ENGOPS_TEST_POSTGRES), every org folder of the suite got a schema of its own:
 * drop them when the run ends, as the temporary folders of the SQLite run are removed.
 */
import pg from 'pg'

export default function setup(): (() => Promise<void>) | undefined {
  const url = process.env.ENGOPS_TEST_POSTGRES
  if (!url) return undefined
  return async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ name: string }>(
        "select schema_name as name from information_schema.schemata where schema_name like 't\\_%' or schema_name like 'store\\_%'",
      )
      for (const { name } of rows) await client.query(`drop schema if exists "${name}" cascade`)
    } finally {
      await client.end()
    }
  }
}
