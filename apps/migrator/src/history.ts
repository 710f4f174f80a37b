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

/** A row about to be written: the database stamps appliedAt; the duration is given as SQL (see recordAppliedSql). */
export type NewHistoryRow = Omit<HistoryRow, "appliedAt">;

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

async function historyExists(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [historyTable]);
  return rows[0]?.present === true;
}

async function selectHistory(client: pg.ClientBase): Promise<HistoryRow[]> {
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
 * Creates the history schema and tables when missing (call while holding the migration lock), in
 * one query; returns the applied steps, oldest version first (none when it was just created).
 */
export async function prepareHistory(client: pg.ClientBase): Promise<HistoryRow[]> {
  if (await historyExists(client)) return selectHistory(client);
  await client.query(createStatements.join(";\n"));
  return [];
}

/** Creates the history schema and tables when missing (call while holding the migration lock). */
export async function ensureHistory(client: pg.ClientBase): Promise<void> {
  await prepareHistory(client);
}

/** Applied steps, oldest version first; empty when the database was never migrated. */
export async function readHistory(client: pg.ClientBase): Promise<HistoryRow[]> {
  return (await historyExists(client)) ? selectHistory(client) : [];
}

/**
 * The statement recording an applied step. Literal SQL rather than parameters, so the runner can
 * send it together with the step and COMMIT in one round trip (values are escaped by pg's
 * escapeLiteral). `durationSql` is the duration in ms as an SQL expression: a number the runner
 * measured, or the server's own measure when the step ran inside a batch.
 */
export function recordAppliedSql(row: NewHistoryRow, durationSql: string): string {
  const values = [row.database, row.name, row.phase, row.checksum, row.runId].map((value) => pg.escapeLiteral(value));
  const [database, name, phase, checksum, runId] = values;
  return (
    `INSERT INTO ${historyTable} (database, version, name, phase, checksum, run_id, duration_ms) ` +
    `VALUES (${database}, ${Math.trunc(row.version)}, ${name}, ${phase}, ${checksum}, ${runId}, ${durationSql})`
  );
}

/** The statement forgetting a post step that was rolled back. */
export function forgetPostSql(version: number): string {
  return `DELETE FROM ${historyTable} WHERE version = ${Math.trunc(version)} AND phase = 'post'`;
}

/**
 * How many of `versions` (the steps of one batch, in order) `command` has committed in this run:
 * read back after the batch failed, to know which step failed. Runs under the migration lock, so
 * only this run changed these rows.
 */
export async function committedInRun(client: pg.ClientBase, command: AppliedPhase | "rollback-post", versions: readonly number[], runId: string): Promise<number> {
  if (command === "rollback-post") {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${historyTable} WHERE phase = 'post' AND version = ANY($1::int[])`, [versions]);
    return versions.length - (rows[0]?.n ?? versions.length);
  }
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${historyTable} WHERE run_id = $1 AND phase = $2 AND version = ANY($3::int[])`,
    [runId, command, versions],
  );
  return rows[0]?.n ?? 0;
}
