/**
 * One runner at a time per database: a session-level Postgres advisory lock held on a connection
 * of its own for the whole run. If the runner dies, its connection closes and the server releases
 * the lock. A second runner waits (queued by the server) up to a timeout, naming who holds it.
 */
import type pg from "pg";
import { MigratorError } from "./errors";

/** "armature" in ASCII: the same key in every database (advisory locks are per database). */
export const migrationLockKey = 0x61726d6174757265n;
const classId = Number(migrationLockKey >> 32n);
const objectId = Number(migrationLockKey & 0xffffffffn);

export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly since: Date | null;
}

export async function lockHolder(client: pg.ClientBase): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date | null }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1`,
    [classId, objectId],
  );
  const row = rows[0];
  return row && { pid: row.pid, applicationName: row.application_name, clientAddress: row.client_addr, since: row.backend_start };
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "another session";
  const from = holder.clientAddress ? ` from ${holder.clientAddress}` : "";
  const since = holder.since ? `, connected since ${holder.since.toISOString()}` : "";
  return `backend pid ${holder.pid} ("${holder.applicationName}"${from}${since})`;
}

/**
 * Takes the lock, waiting up to `timeoutMs`. `onWait` is told who holds it when we must wait.
 * Throws a lockTimeout MigratorError when the time runs out.
 */
export async function acquireMigrationLock(client: pg.ClientBase, timeoutMs: number, onWait: (holder: LockHolder | undefined) => void): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [migrationLockKey.toString()]);
  if (rows[0]?.locked) return;
  onWait(await lockHolder(client));
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
  } catch (error) {
    if ((error as { code?: string }).code !== "55P03") throw error;
    const holder = await lockHolder(client);
    throw new MigratorError(
      "lockTimeout",
      `another migrator holds the migration lock of this database (${describeHolder(holder)}); gave up after ${Math.round(timeoutMs / 1000)} s, nothing was applied`,
      "wait for that run to finish and retry, or raise --lock-timeout; if it is stuck, end it with SELECT pg_terminate_backend(<pid>)",
    );
  } finally {
    await client.query("SET lock_timeout = 0").catch(() => undefined);
  }
}

export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
}
