/** Discovery against real Postgres and Redis: registry API, audit, push, the SDK's near-cache, overrides. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { hostAndPort, startTcpProxy } from "../../tools/test-services/tcp-proxy";
import type { Service } from "../kit/index";
import { runInScope } from "../kit/invocation-scope";
import { log } from "../kit/logger";
import { trace } from "@opentelemetry/api";
import { migrateToLatest } from "../migrator/src";
import { DiscoveryClient } from "./sdk/index";
import { actorHeader } from "../kit/testing/actor-header";
import { discardLogs } from "../kit/testing/log-capture";
import { startDiscovery } from "./testing";

describe("discovery", () => {
  let database: TestDatabase;
  let port: number;
  let discovery: Service;
  let base: string;
  const clients: DiscoveryClient[] = [];

  const start = async () => {
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), PORT: String(port), DISCOVERY_CACHE_TTL_MS: "60000" }, discardLogs());
    base = await discovery.listen();
  };
  const client = (options: { environment?: string; ttlMs?: number; redis?: string } = {}) => {
    const created = new DiscoveryClient({ url: base, redisUrl: options.redis ?? redisUrl(), environment: options.environment, ttlMs: options.ttlMs ?? 60_000, retryMs: 100, timeoutMs: 500, logger: log() });
    clients.push(created);
    return created;
  };
  const register = (name: string, body: unknown, headers = actorHeader()) =>
    fetch(`${base}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    database = await createTestDatabase("discovery");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    port = await freePort();
    await start();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await discovery.shutdown();
    await database.drop();
  });

  it("registers, updates and deregisters a service; every change is audited with who, when, before and after", async () => {
    const first = await register("billing", { endpoints: ["http://billing-0:8080"], version: "1.0.0", settings: { currency: "EUR" } });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ name: "billing", revision: 1, updatedBy: "alice", health: { status: "unknown" } });
    const second = await register("billing", { endpoints: ["http://billing-0:8080", "http://billing-1:8080"], version: "1.1.0" }, actorHeader("bob"));
    expect(second.status).toBe(200);
    expect(((await second.json()) as { revision: number }).revision).toBe(2);

    const { entries } = (await (await fetch(`${base}/v1/services/billing/audit`)).json()) as { entries: Array<Record<string, unknown>> };
    expect(entries.map((entry) => [entry["action"], entry["actor"]])).toEqual([["update", "bob"], ["create", "alice"]]);
    expect(entries[0]!.before).toMatchObject({ version: "1.0.0" });
    expect(entries[0]!.after).toMatchObject({ version: "1.1.0" });
    expect(entries[1]!.before).toBeNull();
    expect(Date.parse(String(entries[0]!.at))).not.toBeNaN();
    expect(entries[0]!.invocationId).toEqual(expect.any(String));

    const removed = await fetch(`${base}/v1/services/billing`, { method: "DELETE", headers: actorHeader("carol") });
    expect(removed.status).toBe(204);
    expect((await fetch(`${base}/v1/services/billing`)).status).toBe(404);
    const after = (await (await fetch(`${base}/v1/services/billing/audit?limit=1`)).json()) as { entries: Array<Record<string, unknown>> };
    expect(after.entries[0]).toMatchObject({ action: "delete", actor: "carol", after: null });
  });

  it("refuses unaudited changes and settings that break the service's own settings schema", async () => {
    const anonymous = await register("orders", { endpoints: ["http://orders:8080"], version: "1" }, {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "actor_required" });

    const settingsSchema = { type: "object", properties: { maxBatch: { type: "integer", maximum: 100 } }, required: ["maxBatch"] };
    const bad = await register("orders", { endpoints: ["http://orders:8080"], version: "1", settings: { maxBatch: 500 }, settingsSchema });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_settings", detail: expect.stringContaining("maxBatch") });
    const brokenSchema = await register("orders", { endpoints: ["http://orders:8080"], version: "1", settings: {}, settingsSchema: { type: "nonsense" } });
    expect(brokenSchema.status).toBe(400);
    const good = await register("orders", { endpoints: ["http://orders:8080"], version: "1", settings: { maxBatch: 50 }, settingsSchema });
    expect(good.status).toBe(201);
  });

  it("pushes changes: an SDK's near-cache is invalidated and refreshed without waiting for its TTL", async () => {
    await register("catalog", { endpoints: ["http://catalog-a:8080"], version: "1" });
    const sdk = client({ ttlMs: 600_000 });
    expect((await sdk.resolve("catalog")).version).toBe("1");
    const changed = new Promise<number>((resolve) => sdk.once("change", (_name, document) => resolve(document!.revision)));
    await register("catalog", { endpoints: ["http://catalog-b:8080"], version: "2" });
    expect(await changed).toBe(2);
    const resolved = await sdk.resolve("catalog");
    expect(resolved).toMatchObject({ version: "2", url: "http://catalog-b:8080", stale: false, via: "registry" });
  });

  it("keeps resolving while discovery is stopped, and picks up changes after it returns", async () => {
    await register("search", { endpoints: ["http://search-0:8080", "http://search-1:8080"], version: "1", settings: { shards: 3 } });
    const sdk = client({ ttlMs: 200 });
    expect((await sdk.resolve("search")).stale).toBe(false);

    await discovery.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the TTL: the SDK must try discovery and fail
    for (let i = 0; i < 5; i++) {
      const resolved = await sdk.resolve("search");
      expect(resolved).toMatchObject({ version: "1", settings: { shards: 3 }, stale: true });
      expect(resolved.url).toMatch(/^http:\/\/search-[01]:8080$/);
    }

    await start();
    await register("search", { endpoints: ["http://search-2:8080"], version: "2" });
    await expect.poll(async () => (await sdk.resolve("search")).version, { timeout: 5000, interval: 50 }).toBe("2");
    expect(await sdk.resolve("search")).toMatchObject({ url: "http://search-2:8080", stale: false });
  });

  it("keeps resolving while Redis is unreachable, and recovers when it returns", async () => {
    const proxy = await startTcpProxy(...hostAndPort(redisUrl()));
    try {
      await register("mailer", { endpoints: ["http://mailer:8080"], version: "1" });
      const sdk = client({ ttlMs: 300, redis: proxy.url(redisUrl()) });
      expect((await sdk.resolve("mailer")).version).toBe("1");
      proxy.break();
      await register("mailer", { endpoints: ["http://mailer:8080"], version: "2" }); // this push is lost
      expect((await sdk.resolve("mailer")).version).toBe("1"); // still served from the cache
      await expect.poll(async () => (await sdk.resolve("mailer")).version, { timeout: 5000, interval: 50 }).toBe("2"); // TTL refresh
      proxy.restore();
      // Once resubscribed, pushes arrive again: a long TTL can no longer be what refreshes it.
      const changed = new Promise<string>((resolve) => sdk.on("change", (_name, document) => document?.version === "3" && resolve(document.version)));
      await expect
        .poll(async () => {
          await register("mailer", { endpoints: ["http://mailer:8080"], version: "3" });
          return Promise.race([changed, new Promise((resolve) => setTimeout(() => resolve("no push yet"), 300))]);
        }, { timeout: 10_000, interval: 100 })
        .toBe("3");
    } finally {
      await proxy.close();
    }
  });

  it("routes one service to a developer's laptop for a routing key or an environment, until the override expires", async () => {
    await register("pricing", { endpoints: ["http://pricing:8080"], version: "7" });
    const sdk = client({ environment: "dev-alice" });
    const post = (body: unknown) => fetch(`${base}/v1/services/pricing/overrides`, { method: "POST", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify(body) });
    const byKey = await post({ target: "http://alice-laptop.tunnel:3000", routingKey: "alice-42", ttlSeconds: 2 });
    expect(byKey.status).toBe(201);
    expect(await byKey.json()).toMatchObject({ target: "http://alice-laptop.tunnel:3000", routingKey: "alice-42", createdBy: "alice" });
    const byEnvironment = await post({ target: "http://alice-laptop.tunnel:3001", environment: "dev-alice", ttlSeconds: 2 });
    expect(byEnvironment.status).toBe(201);
    // The listing carries each service's live overrides, and only its own.
    const all = ((await (await fetch(`${base}/v1/services`)).json()) as { services: Array<{ name: string; overrides: Array<{ target: string }> }> }).services;
    expect(all.find((service) => service.name === "pricing")!.overrides.map((override) => override.target)).toEqual(["http://alice-laptop.tunnel:3000", "http://alice-laptop.tunnel:3001"]);
    for (const other of all.filter((service) => service.name !== "pricing")) expect(other.overrides, other.name).toEqual([]);

    await expect.poll(async () => (await sdk.resolve("pricing", { routingKey: "alice-42" })).url).toBe("http://alice-laptop.tunnel:3000");
    expect((await sdk.resolve("pricing", { routingKey: "alice-42" })).via).toBe("override");
    // The routing key travels in the invocation context: a resolve inside a request carrying it is routed too.
    const scoped = await runInScope({ context: { traceId: "0".repeat(32), spanId: "0".repeat(16), invocationId: "i-1", routingKey: "alice-42" }, logger: log(), tracer: trace.getTracer("test") }, () => sdk.resolve("pricing"));
    expect(scoped.url).toBe("http://alice-laptop.tunnel:3000");
    // Other calls from this environment go to the environment's override; other environments are untouched.
    expect((await sdk.resolve("pricing")).url).toBe("http://alice-laptop.tunnel:3001");
    expect((await client({ environment: "dev-bob" }).resolve("pricing")).url).toBe("http://pricing:8080");

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await sdk.resolve("pricing", { routingKey: "alice-42" })).toMatchObject({ url: "http://pricing:8080", via: "registry" });
    const listed = (await (await fetch(`${base}/v1/services/pricing`)).json()) as { overrides: unknown[] };
    expect(listed.overrides).toEqual([]);
  });
});
