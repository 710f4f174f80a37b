/**
 * Creates or replaces a revisioned row (discovery's services, flags' flags and segments): a new row
 * takes the table's defaults (revision 1, updated_at now); a replaced one gets the new values, the
 * next revision and updated_at now. The caller has read (and locked) the row, so it says which.
 */
import { type Insertable, type QueryExecutorProvider, type Transaction, sql } from "kysely";

/**
 * The signature keeps the caller's table and columns typed; the statement is built from them as
 * identifiers, since kysely's builder cannot be typed over a table chosen by a type parameter.
 * Undefined values are left out, as kysely's builder leaves them out.
 */
export async function upsertRevisioned<DB, Table extends keyof DB & string>(
  tx: Transaction<DB>,
  table: Table,
  keyColumn: keyof DB[Table] & string,
  row: Insertable<DB[Table]>,
  exists: boolean,
): Promise<void> {
  const values = Object.entries(row as Record<string, unknown>).filter(([, value]) => value !== undefined);
  const key = values.find(([column]) => column === keyColumn)?.[1];
  if (key === undefined) throw new Error(`upsertRevisioned: the row has no ${keyColumn}`);
  const executor: QueryExecutorProvider = tx;
  if (exists) {
    const assignments = values.filter(([column]) => column !== keyColumn).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
    await sql`update ${sql.table(table)} set ${sql.join(assignments)}, revision = revision + 1, updated_at = now() where ${sql.ref(keyColumn)} = ${key}`.execute(executor);
  } else {
    await sql`insert into ${sql.table(table)} (${sql.join(values.map(([column]) => sql.ref(column)))}) values (${sql.join(values.map(([, value]) => value))})`.execute(executor);
  }
}
