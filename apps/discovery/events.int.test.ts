/**
 * Discovery's events against real Postgres: every registry change journals its event in the same
 * transaction (discovery.registration.v1), and a retried registration (the same invocation id from
 * the same actor) changes the registry once and answers as the first call did.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { startDiscovery } from "./testing";

const context = (invocationId: string, actor = "alice", tenant?: string) => ({
  "x-armature-context": Buffer.from(JSON.stringify({ invocationId, actor: { id: actor, type: "user" }, ...(tenant ? { tenant } : {}) })).toString("base64url"),
});

describe("discovery's events and idempotent registration", () => {
  let database: TestDatabase;
  let discovery: Service;
  let base: string;
  let db: pg.Pool;

  const register = (name: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${base}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const journal = async () => (await db.query<{ type: string; event_key: string; data: Record<string, unknown>; actor: string }>("select type, event_key, data, actor from event_journal order by sequence")).rows;

  beforeAll(async () => {
    database = await createTestDatabase("discovery_events");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl() }, discardLogs());
    base = await discovery.listen();
  });
  afterAll(async () => {
    await discovery.shutdown();
    await db.end();
    await database.drop();
  });

  it("journals each change with its audit entry: registered, updated, health, override, deregistered", async () => {
    const body = { endpoints: ["http://billing-0:8080"], version: "1.0.0" };
    expect((await register("billing", body, context("inv-1"))).status).toBe(201);
    expect((await register("billing", { ...body, version: "1.1.0" }, context("inv-2"))).status).toBe(200);
    const health = await fetch(`${base}/v1/services/billing/health`, { method: "PUT", headers: { "content-type": "application/json", ...context("inv-3") }, body: JSON.stringify({ status: "fail" }) });
    expect(health.status).toBe(200);
    const override = await fetch(`${base}/v1/services/billing/overrides`, { method: "POST", headers: { "content-type": "application/json", ...context("inv-4") }, body: JSON.stringify({ target: "http://laptop:8080", routingKey: "alice-dev", ttlSeconds: 600 }) });
    expect(override.status).toBe(201);
    expect((await fetch(`${base}/v1/services/billing`, { method: "DELETE", headers: context("inv-5") })).status).toBeLessThan(300);

    const events = await journal();
    expect(events.map((event) => event.type)).toEqual(["service.registered", "service.updated", "service.health-changed", "override.created", "service.deregistered"]);
    expect(events.every((event) => event.event_key === "billing" && event.actor === "alice")).toBe(true);
    expect(events[1]!.data).toEqual({ name: "billing", endpoints: ["http://billing-0:8080"], version: "1.1.0", revision: 2 });
    const audited = Number((await db.query<{ count: string }>("select count(*) from audit_log")).rows[0]!.count);
    expect(audited).toBe(events.length);
  });

  it("a refused change journals nothing (the event is in the change's transaction)", async () => {
    const before = (await journal()).length;
    const refused = await register("Bad_Name", { endpoints: ["http://x:1"], version: "1" }, context("inv-6"));
    expect(refused.status).toBe(400);
    const missing = await fetch(`${base}/v1/services/nowhere/health`, { method: "PUT", headers: { "content-type": "application/json", ...context("inv-7") }, body: JSON.stringify({ status: "pass" }) });
    expect(missing.status).toBe(404);
    expect((await journal()).length).toBe(before);
  });

  it("a retried registration with the same invocation id changes the registry once and answers as the first time", async () => {
    const body = { endpoints: ["http://orders-0:8080"], version: "2.0.0" };
    const first = await register("orders", body, context("retry-1"));
    const retried = await register("orders", body, context("retry-1"));
    const concurrent = await Promise.all([register("orders", body, context("retry-1")), register("orders", body, context("retry-1"))]);
    expect([first.status, retried.status, ...concurrent.map((response) => response.status)]).toEqual([201, 201, 201, 201]);
    const firstBody = (await first.json()) as { revision: number; updatedAt: string };
    expect(firstBody.revision).toBe(1);
    for (const response of [retried, ...concurrent]) expect(await response.json()).toEqual(firstBody);
    const changes = (await journal()).filter((event) => event.event_key === "orders");
    expect(changes.map((event) => event.type)).toEqual(["service.registered"]);

    // Another invocation, another actor or another tenant with the same id is a new command.
    expect((await register("orders", body, context("retry-2"))).status).toBe(200);
    expect((await register("orders", body, context("retry-1", "bob"))).status).toBe(200);
    expect((await register("orders", body, context("retry-1", "alice", "acme"))).status).toBe(200);
    const revision = ((await (await fetch(`${base}/v1/services/orders`)).json()) as { revision: number }).revision;
    expect(revision).toBe(4);
  });

  it("retried health reports, override changes and deregistrations change the registry once and answer as the first time", async () => {
    const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    expect((await register("search", { endpoints: ["http://search-0:8080"], version: "1.0.0" }, context("search-1"))).status).toBe(201);

    const health = await send("PUT", "/v1/services/search/health", context("search-2"), { status: "fail" });
    expect(health.status).toBe(200);
    expect(await send("PUT", "/v1/services/search/health", context("search-2"), { status: "fail" })).toEqual(health);

    const override = { target: "http://laptop:8080", routingKey: "alice-dev", ttlSeconds: 600 };
    const created = await send("POST", "/v1/services/search/overrides", context("search-3"), override);
    expect(created.status).toBe(201);
    expect(await send("POST", "/v1/services/search/overrides", context("search-3"), override)).toEqual(created);
    const overrides = ((await (await fetch(`${base}/v1/services/search`)).json()) as { overrides: unknown[] }).overrides;
    expect(overrides).toEqual([created.body]);

    const { id } = created.body as { id: string };
    expect((await send("DELETE", `/v1/services/search/overrides/${id}`, context("search-4"))).status).toBe(204);
    expect((await send("DELETE", `/v1/services/search/overrides/${id}`, context("search-4"))).status).toBe(204);
    expect(await send("DELETE", "/v1/services/search", context("search-5"))).toEqual({ status: 204, body: null });
    expect(await send("DELETE", "/v1/services/search", context("search-5"))).toEqual({ status: 204, body: null });
    // Only another invocation finds it gone.
    expect((await send("DELETE", "/v1/services/search", context("search-6"))).status).toBe(404);

    const changes = (await journal()).filter((event) => event.event_key === "search");
    expect(changes.map((event) => event.type)).toEqual(["service.registered", "service.health-changed", "override.created", "override.removed", "service.deregistered"]);
  });
});
