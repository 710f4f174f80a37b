/** Flags' events against real Postgres: every flag and segment change journals its event, with the flag-set version it made, in the change's transaction. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { flagsRequest, startFlags } from "./testing/index";

describe("flags' events", () => {
  let database: TestDatabase;
  let flags: Service;
  let base: string;
  let db: pg.Pool;
  const request = (method: string, path: string, body?: unknown) => flagsRequest(base, method, path, body);
  const journal = async () => (await db.query<{ type: string; event_key: string; data: { version: number; lifecycle?: string } }>("select type, event_key, data from event_journal order by sequence")).rows;

  beforeAll(async () => {
    database = await createTestDatabase("flags_events");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl() }, discardLogs());
    base = await flags.listen();
  });
  afterAll(async () => {
    await flags.shutdown();
    await db.end();
    await database.drop();
  });

  it("journals created, updated, transitioned and deleted with each change's version; a refused change journals nothing", async () => {
    expect((await request("PUT", "/v1/segments/beta-orgs", { constraints: [{ contextName: "organisationId", operator: "IN", values: ["org-1"] }] })).status).toBe(201);
    expect((await request("PUT", "/v1/flags/new-inbox", { environments: { prod: { enabled: false } } })).status).toBe(201);
    expect((await request("PUT", "/v1/flags/new-inbox", { environments: { prod: { enabled: true, rules: [{ segments: ["beta-orgs"] }] } } })).status).toBe(200);
    expect((await request("POST", "/v1/flags/new-inbox/lifecycle", { to: "on-by-default" })).status).toBe(200);
    expect((await request("PUT", "/v1/flags/broken", { environments: { prod: { enabled: true, rules: [{ segments: ["no-such-segment"] }] } } })).status).toBe(400);
    expect((await request("DELETE", "/v1/segments/beta-orgs")).status).toBe(409);
    expect((await request("DELETE", "/v1/flags/new-inbox")).status).toBe(204);

    const events = await journal();
    expect(events.map((event) => [event.type, event.event_key, event.data.version])).toEqual([
      ["segment.created", "beta-orgs", 1],
      ["flag.created", "new-inbox", 2],
      ["flag.updated", "new-inbox", 3],
      ["flag.transitioned", "new-inbox", 4],
      ["flag.deleted", "new-inbox", 5],
    ]);
    expect(events[3]!.data.lifecycle).toBe("on-by-default");
  });
});
