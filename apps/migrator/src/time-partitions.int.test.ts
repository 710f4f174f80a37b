/** The time-partition helper against real Postgres: create ahead, drop past retention, maintain what was recorded. */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { ensureHistory } from "./history";
import { maintainRecordedPartitions, maintainTimePartitions, manageTimePartitions } from "./time-partitions";
import { runCliInProcess } from "./testing";

let database: TestDatabase;
let client: pg.Client;
beforeEach(async () => {
  database = await createTestDatabase("partitions");
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await ensureHistory(client);
  await client.query("CREATE TABLE audit_log (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at)");
});
afterEach(async () => {
  await client.end();
  await database.drop();
});

async function partitions(): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>("SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'audit_log'::regclass ORDER BY 1");
  return rows.map((row) => row.name);
}

describe("time partitions", () => {
  it("create the current and `premake` next partitions, with bounds that route rows", async () => {
    const changes = await maintainTimePartitions(client, { table: "audit_log", interval: "day", premake: 2, retain: 3 }, new Date("2026-03-18T15:00:00Z"));
    expect(changes.created).toEqual(["public.audit_log_p20260318", "public.audit_log_p20260319", "public.audit_log_p20260320"]);
    await client.query("INSERT INTO audit_log VALUES (1, '2026-03-19T23:59:59Z'), (2, '2026-03-20T00:00:00Z')");
    const { rows } = await client.query("SELECT tableoid::regclass::text AS part, id FROM audit_log ORDER BY id");
    expect(rows).toEqual([
      { part: "audit_log_p20260319", id: "1" },
      { part: "audit_log_p20260320", id: "2" },
    ]);
    await expect(client.query("INSERT INTO audit_log VALUES (3, '2026-03-21T00:00:00Z')")).rejects.toThrow(/no partition of relation "audit_log" found/);
  });

  it("drop partitions past the retention, keep others and any partition not named by the helper", async () => {
    const spec = { table: "audit_log", interval: "day", premake: 1, retain: 2 } as const;
    await maintainTimePartitions(client, spec, new Date("2026-03-10T12:00:00Z"));
    await client.query("CREATE TABLE audit_log_archive PARTITION OF audit_log FOR VALUES FROM ('2000-01-01') TO ('2001-01-01')");
    const changes = await maintainTimePartitions(client, spec, new Date("2026-03-14T12:00:00Z"));
    expect(changes.dropped).toEqual(["public.audit_log_p20260310", "public.audit_log_p20260311"]);
    expect(await partitions()).toEqual(["audit_log_archive", "audit_log_p20260314", "audit_log_p20260315"]);
  });

  it("weekly and monthly partitions are named after their first day", async () => {
    await client.query("CREATE TABLE exposures (at timestamptz NOT NULL) PARTITION BY RANGE (at)");
    const weekly = await maintainTimePartitions(client, { table: "exposures", interval: "week", premake: 1, retain: 0 }, new Date("2026-03-18T00:00:00Z"));
    expect(weekly.created).toEqual(["public.exposures_p20260316", "public.exposures_p20260323"]);
    const monthly = await maintainTimePartitions(client, { table: "audit_log", interval: "month", premake: 1, retain: 0 }, new Date("2026-12-18T00:00:00Z"));
    expect(monthly.created).toEqual(["public.audit_log_p20261201", "public.audit_log_p20270101"]);
  });

  it("refuse a table that is not range-partitioned, and a bad spec, clearly", async () => {
    await client.query("CREATE TABLE plain (at timestamptz)");
    await expect(maintainTimePartitions(client, { table: "plain", interval: "day", premake: 1, retain: 1 })).rejects.toThrow(
      /public\.plain is not a table partitioned by range on one column/,
    );
    await expect(manageTimePartitions(client, { table: "Audit Log", interval: "day", premake: 0, retain: 1 })).rejects.toThrow(
      /invalid spec: table: a lower-case table name.*premake: .*>=1/,
    );
  });

  it("`migrator partitions` maintains every recorded table", async () => {
    await manageTimePartitions(client, { table: "audit_log", interval: "day", premake: 3, retain: 1 }, new Date("2020-01-01T00:00:00Z"));
    expect(await partitions()).toHaveLength(4);
    const result = await runCliInProcess(["partitions"], { DATABASE_URL: database.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/partitions of public\.audit_log: created 4, dropped 4/);
    expect(await maintainRecordedPartitions(client)).toEqual([{ table: "public.audit_log", created: [], dropped: [] }]);
  });
});
