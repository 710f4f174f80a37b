/**
 * The history of applied steps, in the migrated database itself: schema `armature_migrator`, table
 * `history`, one row per applied (version, phase) with the checksum of the file that was applied.
 * A rolled-back post step loses its row. The same schema holds the time-partition specs.
 */
import pg from "pg";

export const migratorSchema = "armature_migrator";
export const historyTable = `${migratorSchema}.history`;

export type AppliedPhase = "pre" | "post";

export interface HistoryRow {
  readonly database: string;
  readonly version: number;
  readonly name: string;
  readonly phase: AppliedPhase;
  readonly checksum: string;
  readonly runId: string;
  readonly appliedAt: Date;
}

/** A row about to be written: the database stamps appliedAt; the runner measured the duration. */
export interface NewHistoryRow extends Omit<HistoryRow, "appliedAt"> {
  readonly durationMs: number;
}

const createStatements = [
  `CREATE SCHEMA IF NOT EXISTS ${migratorSchema}`,
  `CREATE TABLE IF NOT EXISTS ${historyTable} (
     database    text        NOT NULL,
     version     integer     NOT NULL,
     name        text        NOT NULL,
     phase       text        NOT NULL CHECK (phase IN ('pre', 'post')),
     checksum    text        NOT NULL,
     run_id      uuid        NOT NULL,
     applied_at  timestamptz NOT NULL DEFAULT now(),
     duration_ms integer     NOT NULL,
     applied_by  text        NOT NULL DEFAULT current_user,
     PRIMARY KEY (version, phase)
   )`,
  `CREATE TABLE IF NOT EXISTS ${migratorSchema}.time_partitions (
     table_name text    PRIMARY KEY,
     period     text    NOT NULL CHECK (period IN ('day', 'week', 'month')),
     premake    integer NOT NULL,
     retain     integer NOT NULL
   )`,
];

/** Creates the history schema and tables when missing (call while holding the migration lock). */
export async function ensureHistory(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [historyTable]);
  if (rows[0]?.present) return;
  for (const statement of createStatements) await client.query(statement);
}

/** Applied steps, oldest version first; empty when the database was never migrated. */
export async function readHistory(client: pg.ClientBase): Promise<HistoryRow[]> {
  const { rows: exists } = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [historyTable]);
  if (!exists[0]?.present) return [];
  const { rows } = await client.query<{
    database: string;
    version: number;
    name: string;
    phase: AppliedPhase;
    checksum: string;
    run_id: string;
    applied_at: Date;
  }>(`SELECT database, version, name, phase, checksum, run_id, applied_at FROM ${historyTable} ORDER BY version, phase DESC`);
  return rows.map((row) => ({
    database: row.database,
    version: row.version,
    name: row.name,
    phase: row.phase,
    checksum: row.checksum,
    runId: row.run_id,
    appliedAt: row.applied_at,
  }));
}

/**
 * The statement recording an applied step. Literal SQL rather than parameters, so the runner can
 * send it together with COMMIT in one round trip (values are escaped by pg's escapeLiteral).
 */
export function recordAppliedSql(row: NewHistoryRow): string {
  const values = [row.database, row.name, row.phase, row.checksum, row.runId].map((value) => pg.escapeLiteral(value));
  const [database, name, phase, checksum, runId] = values;
  return (
    `INSERT INTO ${historyTable} (database, version, name, phase, checksum, run_id, duration_ms) ` +
    `VALUES (${database}, ${Math.trunc(row.version)}, ${name}, ${phase}, ${checksum}, ${runId}, ${Math.trunc(row.durationMs)})`
  );
}

/** The statement forgetting a post step that was rolled back. */
export function forgetPostSql(version: number): string {
  return `DELETE FROM ${historyTable} WHERE version = ${Math.trunc(version)} AND phase = 'post'`;
}
