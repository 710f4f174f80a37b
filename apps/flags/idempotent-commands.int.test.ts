/**
 * Flags' writes as idempotent commands, against real Postgres: a retried change (the same
 * invocation id from the same actor) changes the flag set once, with one audit entry and one
 * journalled event, and answers as the first call did; another invocation id is another change.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { CONTEXT_HEADER, type Service } from "../kit/index";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { startFlags } from "./testing/index";

interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** The flag-set version the write produced (x-flag-set-version). */
  readonly version: string | null;
}

describe("flags' idempotent commands", () => {
  let database: TestDatabase;
  let flags: Service;
  let base: string;
  let db: pg.Pool;

  /** A request sent as `actor` in invocation `invocationId`: a retry sends the same id again. */
  const send = async (method: string, path: string, invocationId: string, body?: unknown, actor = "alice"): Promise<Answer> => {
    const context = Buffer.from(JSON.stringify({ invocationId, actor: { id: actor, type: "user" } })).toString("base64url");
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { [CONTEXT_HEADER]: context, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, version: response.headers.get("x-flag-set-version") };
  };
  const audited = async (entity: string, key: string) =>
    (await db.query<{ action: string; version: string }>("select action, version from audit_log where entity = $1 and entity_key = $2 order by id", [entity, key])).rows;
  const journalled = async (key: string) => (await db.query<{ type: string }>("select type from event_journal where event_key = $1 order by sequence", [key])).rows.map((row) => row.type);
  const flagSetVersion = async () => Number((await db.query<{ version: string }>("select version from flag_set_version")).rows[0]!.version);

  beforeAll(async () => {
    database = await createTestDatabase("flags_idempotent");
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

  it("a retried flag change with the same invocation id changes the flag set once and answers as the first time", async () => {
    const definition = { description: "checkout v2", environments: { prod: { enabled: true } } };
    const first = await send("PUT", "/v1/flags/checkout-v2", "put-1", definition);
    expect(first.status).toBe(201);
    const retried = await send("PUT", "/v1/flags/checkout-v2", "put-1", definition);
    const concurrent = await Promise.all([send("PUT", "/v1/flags/checkout-v2", "put-1", definition), send("PUT", "/v1/flags/checkout-v2", "put-1", definition)]);
    for (const answer of [retried, ...concurrent]) expect(answer).toEqual(first);
    expect(await audited("flag", "checkout-v2")).toEqual([{ action: "create", version: first.version }]);
    expect(await journalled("checkout-v2")).toEqual(["flag.created"]);
    expect(await flagSetVersion()).toBe(Number(first.version));

    // Another invocation id, or another actor with the same id, is a new change.
    const again = await send("PUT", "/v1/flags/checkout-v2", "put-2", definition);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ revision: 2 });
    const byBob = await send("PUT", "/v1/flags/checkout-v2", "put-1", definition, "bob");
    expect(byBob.status).toBe(200);
    expect(byBob.body).toMatchObject({ revision: 3, updatedBy: "bob" });
    expect((await audited("flag", "checkout-v2")).map((entry) => entry.action)).toEqual(["create", "update", "update"]);
  });

  it("a retried lifecycle move and delete answer as the first time; only a new invocation finds the flag gone", async () => {
    expect((await send("PUT", "/v1/flags/old-banner", "create-banner", { environments: { prod: { enabled: true } } })).status).toBe(201);
    const moved = await send("POST", "/v1/flags/old-banner/lifecycle", "move-1", { to: "on-by-default" });
    expect(moved.status).toBe(200);
    expect(await send("POST", "/v1/flags/old-banner/lifecycle", "move-1", { to: "on-by-default" })).toEqual(moved);

    const deleted = await send("DELETE", "/v1/flags/old-banner", "delete-1");
    expect(deleted.status).toBe(204);
    expect(await send("DELETE", "/v1/flags/old-banner", "delete-1")).toEqual(deleted);
    expect((await audited("flag", "old-banner")).map((entry) => entry.action)).toEqual(["create", "transition", "delete"]);
    expect(await journalled("old-banner")).toEqual(["flag.created", "flag.transitioned", "flag.deleted"]);

    const gone = await send("DELETE", "/v1/flags/old-banner", "delete-2");
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "flag_not_found" });
  });

  it("a refused change leaves no outcome behind: its retry is checked again and succeeds once the cause is gone", async () => {
    const definition = { environments: { prod: { enabled: true, rules: [{ segments: ["staff"] }] } } };
    const refused = await send("PUT", "/v1/flags/staff-tools", "staff-1", definition);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: "unknown_segment" });

    const segment = { constraints: [{ contextName: "userId", operator: "IN", values: ["alice"] }] };
    const created = await send("PUT", "/v1/segments/staff", "segment-1", segment);
    expect(created.status).toBe(201);
    expect(await send("PUT", "/v1/segments/staff", "segment-1", segment)).toEqual(created);
    expect(await audited("segment", "staff")).toHaveLength(1);

    expect((await send("PUT", "/v1/flags/staff-tools", "staff-1", definition)).status).toBe(201);
    expect(await audited("flag", "staff-tools")).toHaveLength(1);
  });
});
