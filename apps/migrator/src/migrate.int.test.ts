/** The runner's library API against real Postgres: phases, history, checksums, rollback-post. */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { MigratorError, type MigratorEvent, migrate, migrateToLatest, status } from "./index";
import { copyFixture, runCliInProcess, schemaSnapshot, writeMigrationFolder } from "./testing";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase("migrate");
});
afterEach(async () => {
  await database.drop();
});

async function query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe("migrate", () => {
  it("applies pre steps in order, records each with its checksum, and a second run applies nothing", async () => {
    const directory = await copyFixture("shop");
    const first = await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    expect(first.applied.map((step) => step.label)).toEqual([
      "0001_create_customers/pre.sql",
      "0002_rename_name_to_full_name/pre.sql",
      "0003_index_customers_full_name/pre.sql",
      "0004_create_customer_events/pre.sql",
      "0005_partition_customer_events/pre.ts",
    ]);
    const history = await query<{ version: number; phase: string; checksum: string; database: string }>(
      "SELECT version, phase, checksum, database FROM armature_migrator.history ORDER BY version",
    );
    expect(history.map((row) => [row.version, row.phase, row.database])).toEqual([1, 2, 3, 4, 5].map((version) => [version, "pre", "shop"]));
    expect(history.every((row) => /^sha256:[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    // The non-transactional step built a valid index; the TypeScript step made today's partition and 7 ahead.
    expect(await query("SELECT 1 FROM pg_index WHERE indexrelid = 'customers_full_name_idx'::regclass AND indisvalid")).toHaveLength(1);
    expect(await query("SELECT 1 FROM pg_inherits WHERE inhparent = 'customer_events'::regclass")).toHaveLength(8);

    const second = await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    expect(second.applied).toEqual([]);
    expect(await query("SELECT 1 FROM armature_migrator.history")).toHaveLength(5);
  });

  it("post runs only after pre, and reports pending steps in status", async () => {
    const directory = await copyFixture("shop");
    expect((await migrate({ databaseUrl: database.url, directory, phase: "post" })).applied).toEqual([]);
    await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    const before = await status({ databaseUrl: database.url, directory });
    expect(before.pendingPost).toBe(1);
    expect(before.versions[1]?.post).toBe("pending");
    const post = await migrate({ databaseUrl: database.url, directory, phase: "post" });
    expect(post.applied.map((step) => step.label)).toEqual(["0002_rename_name_to_full_name/post.sql"]);
    expect((await status({ databaseUrl: database.url, directory })).pendingPost).toBe(0);
  });

  it("rollback-post restores the schema as it was after pre, and post can then run again", async () => {
    const directory = await copyFixture("shop");
    await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    const afterPre = await schemaSnapshot(database.url);
    await migrate({ databaseUrl: database.url, directory, phase: "post" });
    const afterPost = await schemaSnapshot(database.url);
    expect(afterPost).not.toEqual(afterPre);

    const rollback = await migrate({ databaseUrl: database.url, directory, phase: "rollback-post" });
    expect(rollback.applied.map((step) => step.label)).toEqual(["0002_rename_name_to_full_name/rollback-post.sql"]);
    expect(await schemaSnapshot(database.url)).toEqual(afterPre);
    expect((await status({ databaseUrl: database.url, directory })).versions[1]?.post).toBe("pending");

    await migrate({ databaseUrl: database.url, directory, phase: "post" });
    expect(await schemaSnapshot(database.url)).toEqual(afterPost);
  });

  it("refuses a tampered applied migration, naming the file, and applies nothing else", async () => {
    const directory = await copyFixture("shop", ["0001_", "0002_"]);
    await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    const file = path.join(directory, "0001_create_customers/pre.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\nALTER TABLE customers ADD COLUMN email text;\n`);
    await mkdir(path.join(directory, "0003_add_notes"));
    await writeFile(path.join(directory, "0003_add_notes/pre.sql"), "ALTER TABLE customers ADD COLUMN notes text;\n");

    const error = await migrate({ databaseUrl: database.url, directory, phase: "pre" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigratorError);
    expect((error as MigratorError).kind).toBe("historyConflict");
    expect((error as MigratorError).exitCode).toBe(5);
    expect((error as MigratorError).message).toMatch(/0001_create_customers\/pre\.sql was edited after it was applied/);
    expect((error as MigratorError).message).toMatch(/new version 0004/);
    expect(await query("SELECT 1 FROM information_schema.columns WHERE column_name IN ('notes', 'email')")).toEqual([]);
  });

  it("refuses to migrate a database that holds another folder's migrations", async () => {
    await migrateToLatest({ databaseUrl: database.url, directory: await copyFixture("shop", ["0001_"]) });
    const other = path.join(path.dirname(await copyFixture("shop", ["0001_"])), "..", "inventory");
    await mkdir(path.join(other, "0001_create_items"), { recursive: true });
    await writeFile(path.join(other, "0001_create_items/pre.sql"), "CREATE TABLE items (id int);\n");
    await expect(migrate({ databaseUrl: database.url, directory: other, phase: "pre" })).rejects.toThrow(/holds the migrations of "shop", not "inventory"/);
    expect(await query("SELECT to_regclass('items') AS found")).toEqual([{ found: null }]);
  });
});

describe("status and plan (dry run) through the CLI", () => {
  it("plan prints the SQL each phase would run and changes nothing; status reports what is pending", async () => {
    const directory = await copyFixture("shop");
    const env = { DATABASE_URL: database.url };
    const planPre = await runCliInProcess(["plan", "pre", "--dir", directory], env);
    expect(planPre.code).toBe(0);
    expect(planPre.stdout).toMatch(/database "shop", pre, 5 steps pending \(dry run: nothing was changed\)/);
    expect(planPre.stdout).toMatch(/-- 0001_create_customers\/pre\.sql \(sha256:[0-9a-f]{12}…\)\nBEGIN;\n[^]*CREATE TABLE customers[^]*COMMIT;/);
    expect(planPre.stdout).toMatch(/-- armature:no-transaction: each statement runs on its own[^]*\nCREATE INDEX CONCURRENTLY customers_full_name_idx ON customers \(full_name\);/);
    expect(planPre.stdout).toMatch(/0005_partition_customer_events\/pre\.ts[^]*a TypeScript step/);
    const status = await runCliInProcess(["status", "--json", "--dir", directory], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ database: "shop", pendingPre: 5, pendingPost: 0 });
    expect(await query("SELECT 1 FROM pg_namespace WHERE nspname = 'armature_migrator'")).toEqual([]);

    await migrate({ databaseUrl: database.url, directory, phase: "pre" });
    const planPost = await runCliInProcess(["plan", "post", "--dir", directory], env);
    expect(planPost.stdout).toMatch(/1 step pending[^]*ALTER TABLE customers DROP COLUMN name;/);
    const text = await runCliInProcess(["status", "--dir", directory], env);
    expect(text.stdout).toMatch(/5 versions, 0 pre pending, 1 post pending\n {2}0001_create_customers +pre applied \S+ +post -\n {2}0002_rename_name_to_full_name +pre applied \S+ +post pending/);
    expect((await runCliInProcess(["plan", "rollback-post", "--dir", directory], env)).stdout).toMatch(/0 steps pending/);
  });
});

describe("rollback-post over several post runs", () => {
  it("undoes the latest post run by default, and every post above --to when asked", async () => {
    const files: Record<string, string> = {};
    for (const n of [1, 2, 3]) {
      files[`000${n}_table_${n}/pre.sql`] = `CREATE TABLE t${n} (id int, legacy text);\n`;
      files[`000${n}_table_${n}/post.sql`] = `ALTER TABLE t${n} DROP COLUMN legacy;\n`;
      files[`000${n}_table_${n}/rollback-post.sql`] = `ALTER TABLE t${n} ADD COLUMN legacy text;\n`;
    }
    const { ["0003_table_3/pre.sql"]: _pre, ["0003_table_3/post.sql"]: _post, ["0003_table_3/rollback-post.sql"]: _rollback, ...firstRelease } = files;
    const release1 = await writeMigrationFolder("tables", firstRelease);
    await migrateToLatest({ databaseUrl: database.url, directory: release1 });
    const release2 = await writeMigrationFolder("tables", files);
    await migrateToLatest({ databaseUrl: database.url, directory: release2 });
    const legacyColumns = async () => (await query<{ table_name: string }>("SELECT table_name FROM information_schema.columns WHERE column_name = 'legacy' ORDER BY 1")).map((row) => row.table_name);
    expect(await legacyColumns()).toEqual([]);

    const latest = await migrate({ databaseUrl: database.url, directory: release2, phase: "rollback-post" });
    expect(latest.applied.map((step) => step.label)).toEqual(["0003_table_3/rollback-post.sql"]);
    expect(await legacyColumns()).toEqual(["t3"]);

    const toFirst = await migrate({ databaseUrl: database.url, directory: release2, phase: "rollback-post", rollbackTo: 1 });
    expect(toFirst.applied.map((step) => step.label)).toEqual(["0002_table_2/rollback-post.sql"]);
    expect(await legacyColumns()).toEqual(["t2", "t3"]);
  });
});

describe("consecutive SQL steps sent together in one query", () => {
  it("name the failing step, with or without a position from Postgres, keep the steps before it, and report progress in order", async () => {
    const directory = await writeMigrationFolder("together", {
      // Characters outside the BMP before the failing step, and a last line comment without a newline.
      "0001_a/pre.sql": "-- café 🙂 ünïcödé\nCREATE TABLE a (id int) -- no newline at the end",
      "0002_b/pre.sql": "CREATE TABLE b (id int);\n",
      "0003_c/pre.sql": "SELECT 1;\nSELECT 1 / 0;\n",
      "0004_d/pre.sql": "CREATE TABLE d (id int);\nSELECT nope FROM d;\n",
    });
    const events: string[] = [];
    const onEvent = (event: MigratorEvent) => {
      if (event.type === "step-started" || event.type === "step-done") events.push(`${event.type} ${event.label}`);
    };
    const applied = async () => (await query<{ name: string }>("SELECT name FROM armature_migrator.history ORDER BY version")).map((row) => row.name);

    const noPosition = await migrate({ databaseUrl: database.url, directory, phase: "pre", onEvent }).catch((caught: unknown) => caught);
    expect((noPosition as MigratorError).kind).toBe("stepFailed");
    expect((noPosition as MigratorError).message).toMatch(/^0003_c\/pre\.sql: division by zero \(SQLSTATE 22012\); the step was rolled back/);
    expect(await applied()).toEqual(["0001_a", "0002_b"]);
    expect(events).toEqual(["step-started 0001_a/pre.sql", "step-done 0001_a/pre.sql", "step-started 0002_b/pre.sql", "step-done 0002_b/pre.sql", "step-started 0003_c/pre.sql"]);

    await writeFile(path.join(directory, "0003_c/pre.sql"), "-- 🙂🙂 ünïcödé\nSELECT 1;\n");
    const positioned = await migrate({ databaseUrl: database.url, directory, phase: "pre" }).catch((caught: unknown) => caught);
    expect((positioned as MigratorError).message).toMatch(/^0004_d\/pre\.sql:2:8: column "nope" does not exist \(SQLSTATE 42703\); the step was rolled back/);
    expect(await applied()).toEqual(["0001_a", "0002_b", "0003_c"]);
    expect(await query("SELECT to_regclass('d') AS found")).toEqual([{ found: null }]);
  });

  it("a failing rollback-post names its step and keeps the rollbacks before it", async () => {
    const directory = await writeMigrationFolder("rollbacks", {
      "0001_one/pre.sql": "CREATE TABLE one (id int, legacy text);\n",
      "0001_one/post.sql": "ALTER TABLE one DROP COLUMN legacy;\n",
      "0001_one/rollback-post.sql": "ALTER TABLE one ADD COLUMN legacy text;\nSELECT 1 / 0;\n",
      "0002_two/pre.sql": "CREATE TABLE two (id int, legacy text);\n",
      "0002_two/post.sql": "ALTER TABLE two DROP COLUMN legacy;\n",
      "0002_two/rollback-post.sql": "ALTER TABLE two ADD COLUMN legacy text;\n",
    });
    await migrateToLatest({ databaseUrl: database.url, directory });
    const error = await migrate({ databaseUrl: database.url, directory, phase: "rollback-post" }).catch((caught: unknown) => caught);
    expect((error as MigratorError).message).toMatch(/^0001_one\/rollback-post\.sql: division by zero/);
    expect(await query("SELECT version FROM armature_migrator.history WHERE phase = 'post' ORDER BY version")).toEqual([{ version: 1 }]);
    expect(await query("SELECT table_name FROM information_schema.columns WHERE column_name = 'legacy' ORDER BY 1")).toEqual([{ table_name: "two" }]);
  });
});
