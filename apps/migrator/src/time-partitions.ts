/**
 * Time-range partitioned tables: keep partitions created ahead of time and drop those past a
 * retention. A migration step calls `manage(spec)` once (recording the spec in
 * armature_migrator.time_partitions and creating the first partitions); `migrator partitions`
 * (a CronJob, or by hand) then maintains every recorded table. Periods are UTC; partitions are
 * named `<table>_p<YYYYMMDD>` after the period's first day, and only partitions so named are ever
 * dropped.
 */
import type pg from "pg";
import { z } from "zod";
import { MigratorError } from "./errors";
import { migratorSchema } from "./history";

export const timePartitionSpec = z.object({
  /** The partitioned table, optionally schema-qualified (default schema: public). */
  table: z.string().regex(/^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/, "a lower-case table name, optionally schema.table"),
  /** Length of one partition. */
  interval: z.enum(["day", "week", "month"]),
  /** How many partitions after the current one to keep created. */
  premake: z.number().int().min(1).max(366),
  /** How many whole partitions before the current one to keep; older ones are dropped. */
  retain: z.number().int().min(0).max(3660),
});
export type TimePartitionSpec = z.infer<typeof timePartitionSpec>;

export interface PartitionChanges {
  readonly table: string;
  readonly created: string[];
  readonly dropped: string[];
}

type Interval = TimePartitionSpec["interval"];

/** The first instant (UTC) of the period holding `at`. */
export function periodStart(at: Date, interval: Interval): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (interval === "day") return new Date(day);
  if (interval === "week") return new Date(day - ((at.getUTCDay() + 6) % 7) * 86_400_000); // ISO weeks start on Monday
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The start of the period `count` periods after the one starting at `start` (count may be negative). */
export function shiftPeriod(start: Date, interval: Interval, count: number): Date {
  if (interval === "month") return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
  return new Date(start.getTime() + count * (interval === "week" ? 7 : 1) * 86_400_000);
}

function stamp(start: Date): string {
  return start.toISOString().slice(0, 10).replace(/-/g, "");
}

function splitName(table: string): { schema: string; name: string } {
  const [first, second] = table.split(".");
  return second === undefined ? { schema: "public", name: first ?? table } : { schema: first ?? "public", name: second };
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function assertRangePartitioned(client: pg.ClientBase, schema: string, name: string): Promise<void> {
  const { rows } = await client.query<{ strategy: string; columns: number }>(
    `SELECT p.partstrat AS strategy, p.partnatts AS columns
       FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  const row = rows[0];
  if (!row || row.strategy !== "r" || Number(row.columns) !== 1) {
    throw new MigratorError(
      "stepFailed",
      `time partitions: ${schema}.${name} is not a table partitioned by range on one column`,
      `create it with \`CREATE TABLE ${schema}.${name} (...) PARTITION BY RANGE (<timestamp column>)\` in an earlier step`,
    );
  }
}

/** Creates the current and `premake` next partitions, drops named partitions older than `retain`. */
export async function maintainTimePartitions(client: pg.ClientBase, spec: TimePartitionSpec, now = new Date()): Promise<PartitionChanges> {
  const { schema, name } = splitName(spec.table);
  const partitionName = (start: Date) => `${name}_p${stamp(start)}`;
  if (Buffer.byteLength(partitionName(now)) > 63) {
    throw new MigratorError("stepFailed", `time partitions: ${spec.table} is too long a name to suffix partitions (_pYYYYMMDD) within 63 bytes`);
  }
  await assertRangePartitioned(client, schema, name);
  // Two maintainers at once would race on CREATE TABLE IF NOT EXISTS: serialise per table.
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`armature-partitions:${schema}.${name}`]);

  const current = periodStart(now, spec.interval);
  const { rows: existing } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class parent ON parent.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = parent.relnamespace
      WHERE n.nspname = $1 AND parent.relname = $2`,
    [schema, name],
  );
  const present = new Set(existing.map((row) => row.name));

  const created: string[] = [];
  for (let offset = 0; offset <= spec.premake; offset += 1) {
    const start = shiftPeriod(current, spec.interval, offset);
    const partition = partitionName(start);
    if (present.has(partition)) continue;
    const end = shiftPeriod(start, spec.interval, 1);
    await client.query(
      `CREATE TABLE ${quote(schema)}.${quote(partition)} PARTITION OF ${quote(schema)}.${quote(name)} ` +
        `FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
    );
    created.push(`${schema}.${partition}`);
  }

  const oldestKept = stamp(shiftPeriod(current, spec.interval, -spec.retain));
  const ours = new RegExp(`^${name}_p(\\d{8})$`);
  const dropped: string[] = [];
  for (const partition of [...present].sort()) {
    const started = ours.exec(partition)?.[1];
    if (started === undefined || started >= oldestKept) continue;
    await client.query(`DROP TABLE ${quote(schema)}.${quote(partition)}`);
    dropped.push(`${schema}.${partition}`);
  }
  return { table: `${schema}.${name}`, created, dropped };
}

/** Records the spec (so `migrator partitions` keeps maintaining the table) and maintains it now. */
export async function manageTimePartitions(client: pg.ClientBase, input: TimePartitionSpec, now = new Date()): Promise<PartitionChanges> {
  const parsed = timePartitionSpec.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "spec"}: ${issue.message}`).join("; ");
    throw new MigratorError("stepFailed", `time partitions: invalid spec: ${problems}`);
  }
  const spec = parsed.data;
  const { schema, name } = splitName(spec.table);
  await client.query(
    `INSERT INTO ${migratorSchema}.time_partitions (table_name, period, premake, retain) VALUES ($1, $2, $3, $4)
     ON CONFLICT (table_name) DO UPDATE SET period = EXCLUDED.period, premake = EXCLUDED.premake, retain = EXCLUDED.retain`,
    [`${schema}.${name}`, spec.interval, spec.premake, spec.retain],
  );
  return maintainTimePartitions(client, spec, now);
}

/** Maintains every table recorded by `manage`; each table in its own transaction. */
export async function maintainRecordedPartitions(client: pg.ClientBase, now = new Date()): Promise<PartitionChanges[]> {
  const { rows } = await client.query<{ table_name: string; period: Interval; premake: number; retain: number }>(
    `SELECT table_name, period, premake, retain FROM ${migratorSchema}.time_partitions ORDER BY table_name`,
  );
  const changes: PartitionChanges[] = [];
  for (const row of rows) {
    await client.query("BEGIN");
    try {
      changes.push(await maintainTimePartitions(client, { table: row.table_name, interval: row.period, premake: row.premake, retain: row.retain }, now));
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  }
  return changes;
}
