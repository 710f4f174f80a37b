/**
 * The expand/contract promise, shown with a renamed column (customers.name → full_name, fixture
 * `shop` 0002): the old release's queries keep working while `pre` runs and after it, until `post`;
 * the new release's queries work after `pre`; each sees the other's writes; rollback-post brings
 * the old release's column back with the data written meanwhile.
 */
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { migrate, migrateToLatest } from "./index";
import { copyFixture } from "./testing";

let database: TestDatabase;
let oldRelease: pg.Client;
let newRelease: pg.Client;
beforeEach(async () => {
  database = await createTestDatabase("zero_downtime");
  oldRelease = new pg.Client({ connectionString: database.url });
  newRelease = new pg.Client({ connectionString: database.url });
  await Promise.all([oldRelease.connect(), newRelease.connect()]);
});
afterEach(async () => {
  await Promise.all([oldRelease.end(), newRelease.end()]);
  await database.drop();
});

/** One request of the old release: write a customer by `name`, rename it, read it back. */
async function oldReleaseRequest(label: string): Promise<void> {
  const inserted = await oldRelease.query<{ id: string }>("INSERT INTO customers (name) VALUES ($1) RETURNING id", [label]);
  const id = inserted.rows[0]?.id;
  await oldRelease.query("UPDATE customers SET name = $2 WHERE id = $1", [id, `${label}!`]);
  const read = await oldRelease.query<{ name: string }>("SELECT id, name FROM customers WHERE id = $1", [id]);
  if (read.rows[0]?.name !== `${label}!`) throw new Error(`old release read ${JSON.stringify(read.rows)}`);
}

/** The old release under load: requests back to back until stopped; failures are collected. */
function oldReleaseTraffic() {
  let running = true;
  let attempts = 0;
  let served = 0;
  const failures: string[] = [];
  const done = (async () => {
    while (running) {
      attempts += 1;
      await oldReleaseRequest(`old-${attempts}`).then(
        () => (served += 1),
        (error: unknown) => failures.push((error as Error).message),
      );
    }
  })();
  return {
    attempts: () => attempts,
    stop: async () => {
      running = false;
      await done;
      return { served, failures };
    },
  };
}

it("an old-version query keeps working after pre and until post (renamed column as expand/contract)", async () => {
  await migrateToLatest({ databaseUrl: database.url, directory: await copyFixture("shop", ["0001_"]) });
  const release2 = await copyFixture("shop");

  const traffic = oldReleaseTraffic();
  while (traffic.attempts() < 20) await new Promise((resolve) => setTimeout(resolve, 5));
  const pre = await migrate({ databaseUrl: database.url, directory: release2, phase: "pre" });
  expect(pre.applied.map((step) => step.label)).toContain("0002_rename_name_to_full_name/pre.sql");
  const attemptsBeforeEnd = traffic.attempts();
  while (traffic.attempts() < attemptsBeforeEnd + 20) await new Promise((resolve) => setTimeout(resolve, 5));
  const { served, failures } = await traffic.stop();
  expect(failures).toEqual([]);
  expect(served).toBeGreaterThanOrEqual(40);

  // Both releases now run side by side, each seeing the other's writes.
  const written = await newRelease.query<{ id: string }>("INSERT INTO customers (full_name) VALUES ('Ada Lovelace') RETURNING id");
  const id = written.rows[0]?.id;
  expect((await oldRelease.query("SELECT name FROM customers WHERE id = $1", [id])).rows).toEqual([{ name: "Ada Lovelace" }]);
  await oldReleaseRequest("Grace Hopper");
  expect((await newRelease.query("SELECT full_name FROM customers WHERE full_name = 'Grace Hopper!'")).rows).toHaveLength(1);
  const unsynced = await newRelease.query("SELECT id FROM customers WHERE full_name IS DISTINCT FROM name");
  expect(unsynced.rows).toEqual([]);

  // After the switch, post contracts the schema: the old release's query stops working.
  await migrate({ databaseUrl: database.url, directory: release2, phase: "post" });
  await expect(oldReleaseRequest("too late")).rejects.toThrow(/column "name" of relation "customers" does not exist/);
  await newRelease.query("INSERT INTO customers (full_name) VALUES ('Written after post')");

  // Rolling back post (to switch back to the old release) restores its column, with every row.
  await migrate({ databaseUrl: database.url, directory: release2, phase: "rollback-post" });
  await oldReleaseRequest("old again");
  expect((await oldRelease.query("SELECT name FROM customers WHERE name = 'Written after post'")).rows).toHaveLength(1);
});
