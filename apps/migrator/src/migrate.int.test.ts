/** The runner's library API against real Postgres: phases, history, checksums, rollback-post. */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { MigratorError, migrate, migrateToLatest, status } from "./index";
import { copyFixture, schemaSnapshot } from "./testing";

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
