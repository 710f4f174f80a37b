/**
 * Runners as real processes against real Postgres: five at once apply each step exactly once; a
 * runner killed with SIGKILL mid-step leaves nothing behind and a rerun succeeds; a runner that
 * cannot get the lock in time exits clearly.
 */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { migrationLockKey } from "./advisory-lock";
import { runCliProcess, spawnCli, writeMigrationFolder } from "./testing";

let database: TestDatabase;
let observer: pg.Client;
beforeEach(async () => {
  database = await createTestDatabase("runners");
  observer = new pg.Client({ connectionString: database.url, application_name: "runners-test" });
  await observer.connect();
});
afterEach(async () => {
  await observer.end();
  await database.drop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitingForAdvisoryLock(objectId: number, count: number): Promise<void> {
  await waitFor(`${count} sessions waiting for advisory lock ${objectId}`, async () => {
    const { rows } = await observer.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      [objectId],
    );
    return Number(rows[0]?.n) >= count ? true : undefined;
  });
}

const migrationLockObjectId = Number(migrationLockKey & 0xffffffffn);

describe("runners", () => {
  it("five runners started at once apply each step exactly once", async () => {
    const steps = 12;
    const files: Record<string, string> = {
      "0001_create_log/pre.sql": "CREATE TABLE applied_log (step text NOT NULL, backend int NOT NULL DEFAULT pg_backend_pid());\n",
    };
    for (let version = 2; version <= steps; version += 1) {
      const name = `${String(version).padStart(4, "0")}_step_${version}`;
      files[`${name}/pre.sql`] = `INSERT INTO applied_log (step) VALUES ('${name}');\nSELECT pg_sleep(0.02);\n`;
    }
    const directory = await writeMigrationFolder("race", files);

    // Hold the lock ourselves until all five are queued on it, so they really start together.
    await observer.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
    const runs = Array.from({ length: 5 }, () => runCliProcess(["pre", "--dir", directory], { DATABASE_URL: database.url }));
    await waitingForAdvisoryLock(migrationLockObjectId, 5);
    await observer.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
    const results = await Promise.all(runs);

    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0, 0]);
    expect(results.every((result) => /waiting for the migration lock, held by backend pid \d+ \("runners-test"/.test(result.stderr))).toBe(true);
    const applied = results.map((result) => Number(/pre: (\d+) steps? applied/.exec(result.stderr)?.[1]));
    expect(applied.reduce((sum, count) => sum + count, 0)).toBe(steps);
    const { rows } = await observer.query<{ step: string; times: string }>("SELECT step, count(*) AS times FROM applied_log GROUP BY step ORDER BY step");
    expect(rows).toHaveLength(steps - 1);
    expect(rows.every((row) => row.times === "1")).toBe(true);
    const history = await observer.query<{ n: string }>("SELECT count(*) AS n FROM armature_migrator.history");
    expect(history.rows[0]?.n).toBe(String(steps));
  });

  it("a runner killed with SIGKILL mid-step leaves no partial state, releases the lock, and a rerun succeeds", async () => {
    const gate = 4242;
    const directory = await writeMigrationFolder("killed", {
      "0001_create_a/pre.sql": "CREATE TABLE a (id int);\n",
      // The test holds advisory lock 4242, so the step stops between its statements until released.
      "0002_create_b_and_c/pre.sql": `CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\nSELECT pg_advisory_xact_lock(${gate});\nCREATE TABLE c (id int);\n`,
    });
    await observer.query("SELECT pg_advisory_lock($1)", [gate]);
    const child = spawnCli(["pre", "--dir", directory], { DATABASE_URL: database.url });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await waitingForAdvisoryLock(gate, 1);
    const stepBackend = await waitFor("the runner's step connection", async () => {
      const { rows } = await observer.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'armature-migrator steps' AND datname = current_database()");
      return rows[0]?.pid;
    });

    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    // client_connection_check_interval: the server notices the dead client and rolls the step back
    // while it still waits, instead of holding its locks until the statement ends.
    await waitFor("the killed runner's backend to end", async () => {
      const { rows } = await observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [stepBackend]);
      return rows.length === 0 ? true : undefined;
    });
    await observer.query("SELECT pg_advisory_unlock($1)", [gate]);

    const tables = await observer.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((row) => row.name)).toEqual(["a"]);
    const history = await observer.query<{ name: string }>("SELECT name FROM armature_migrator.history ORDER BY version");
    expect(history.rows.map((row) => row.name)).toEqual(["0001_create_a"]);
    const lock = await observer.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", [migrationLockObjectId]);
    expect(lock.rows).toEqual([]);

    const rerun = await runCliProcess(["pre", "--dir", directory], { DATABASE_URL: database.url });
    expect(rerun.stderr).toMatch(/pre: 1 step applied/);
    expect(rerun.code).toBe(0);
    const after = await observer.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(after.rows.map((row) => row.name)).toEqual(["a", "b", "c"]);
    expect((await observer.query("SELECT id FROM b")).rows).toEqual([{ id: 1 }]);
  });

  it("a runner that cannot get the lock in time exits 6, naming the holder, with nothing applied", async () => {
    const directory = await writeMigrationFolder("locked", { "0001_create_a/pre.sql": "CREATE TABLE a (id int);\n" });
    await observer.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
    const result = await runCliProcess(["pre", "--dir", directory, "--lock-timeout", "1"], { DATABASE_URL: database.url });
    await observer.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
    expect(result.stderr).toMatch(/another migrator holds the migration lock of this database \(backend pid \d+ \("runners-test".*gave up after 1 s, nothing was applied/);
    expect(result.code).toBe(6);
    expect((await observer.query("SELECT to_regclass('a') AS found")).rows).toEqual([{ found: null }]);
  });
});
