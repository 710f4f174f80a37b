/**
 * TEMPORARY: applies migrations/discovery/<NNNN>_<slug>/pre.sql in order, each in a transaction,
 * for tests and benchmarks only. Issue 9's migrator (apps/migrator) replaces this: switch the
 * callers to its runner API once it lands on main. Production runs migrations as a migrator Job.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export const DISCOVERY_MIGRATIONS = path.resolve(__dirname, "../../../migrations/discovery");

export async function applyDiscoveryMigrationsTemporarily(databaseUrl: string): Promise<string[]> {
  const steps = readdirSync(DISCOVERY_MIGRATIONS)
    .filter((entry) => /^\d{4}_[a-z0-9_-]+$/.test(entry))
    .sort();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const step of steps) {
      await client.query("begin");
      await client.query(readFileSync(path.join(DISCOVERY_MIGRATIONS, step, "pre.sql"), "utf8"));
      await client.query("commit");
    }
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return steps;
}
