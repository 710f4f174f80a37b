/** The SDK's synchronous resolve, against a real discovery service and Redis: served only from a fresh cache entry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../../tools/test-services/fixtures";
import { freePort } from "../../../tools/test-services/free-port";
import type { Service } from "../../kit/index";
import { log } from "../../kit/logger";
import { actorHeader } from "../../kit/testing/actor-header";
import { discardLogs } from "../../kit/testing/log-capture";
import { migrateToLatest } from "../../migrator/src";
import { startDiscovery } from "../testing";
import { DiscoveryClient } from "./index";

describe("DiscoveryClient.resolveCached", () => {
  let database: TestDatabase;
  let port: number;
  let discovery: Service;
  let base: string;
  const clients: DiscoveryClient[] = [];

  const start = async () => {
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), PORT: String(port), DISCOVERY_CACHE_TTL_MS: "60000" }, discardLogs());
    base = await discovery.listen();
  };
  const client = (options: { environment?: string; ttlMs?: number } = {}) => {
    const created = new DiscoveryClient({ url: base, redisUrl: redisUrl(), environment: options.environment, ttlMs: options.ttlMs ?? 60_000, retryMs: 100, timeoutMs: 500, logger: log() });
    clients.push(created);
    return created;
  };
  const register = (name: string, body: unknown) =>
    fetch(`${base}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify(body) });
  const pastTtl = () => new Promise((resolve) => setTimeout(resolve, 300));

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

  it("answers from a fresh entry as resolve would, round robin, reusing one resolution per endpoint", async () => {
    await register("orders", { endpoints: ["http://orders-0:8080", "http://orders-1:8080"], version: "3", settings: { retries: 1 } });
    const sdk = client();
    expect(sdk.resolveCached("orders")).toBeUndefined(); // nothing cached yet
    const first = await sdk.resolve("orders");
    expect(first).toMatchObject({ name: "orders", url: "http://orders-0:8080", version: "3", settings: { retries: 1 }, via: "registry", stale: false });
    const [second, third, fourth] = [sdk.resolveCached("orders"), sdk.resolveCached("orders"), sdk.resolveCached("orders")];
    expect(second).toMatchObject({ url: "http://orders-1:8080", version: "3", via: "registry", stale: false });
    expect(third).toBe(first);
    expect(fourth).toBe(second);
  });

  it("answers undefined once the entry is past its TTL, until resolve refreshes it", async () => {
    await register("ledger", { endpoints: ["http://ledger:8080"], version: "1" });
    const sdk = client({ ttlMs: 200 });
    await sdk.resolve("ledger");
    expect(sdk.resolveCached("ledger")?.version).toBe("1");
    await register("ledger", { endpoints: ["http://ledger:8080"], version: "2" });
    await expect.poll(() => sdk.resolveCached("ledger")?.version, { timeout: 5000, interval: 20 }).toBe("2"); // the push updated the entry

    await pastTtl();
    expect(sdk.resolveCached("ledger")).toBeUndefined();
    expect((await sdk.resolve("ledger")).version).toBe("2");
    expect(sdk.resolveCached("ledger")?.version).toBe("2");
  });

  it("answers undefined for a service that is not registered, and while discovery is unreachable (resolve serves the stale value)", async () => {
    const sdk = client({ ttlMs: 200 });
    await expect(sdk.resolve("nobody")).rejects.toThrow("service nobody is not registered");
    expect(sdk.resolveCached("nobody")).toBeUndefined();

    await register("archive", { endpoints: ["http://archive:8080"], version: "1" });
    await sdk.resolve("archive");
    await discovery.shutdown();
    try {
      await pastTtl();
      expect(await sdk.resolve("archive")).toMatchObject({ version: "1", stale: true });
      expect(sdk.resolveCached("archive")).toBeUndefined();
    } finally {
      await start();
    }
    await expect.poll(async () => (await sdk.resolve("archive")).stale, { timeout: 5000, interval: 50 }).toBe(false);
    expect(sdk.resolveCached("archive")).toMatchObject({ version: "1", stale: false });
  });

  it("applies overrides as resolve does: the override's target for its routing key or environment, the registry otherwise", async () => {
    await register("quotes", { endpoints: ["http://quotes:8080"], version: "1" });
    const sdk = client({ environment: "dev-carol" });
    const other = client({ environment: "dev-dan" });
    await Promise.all([sdk.resolve("quotes"), other.resolve("quotes")]);
    const post = (body: unknown) => fetch(`${base}/v1/services/quotes/overrides`, { method: "POST", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify(body) });
    expect((await post({ target: "http://carol-laptop.tunnel:3000", environment: "dev-carol", ttlSeconds: 60 })).status).toBe(201);

    await expect.poll(() => sdk.resolveCached("quotes")?.url, { timeout: 5000, interval: 20 }).toBe("http://carol-laptop.tunnel:3000");
    expect(sdk.resolveCached("quotes")).toMatchObject({ via: "override", stale: false, override: { environment: "dev-carol" } });
    expect((await sdk.resolve("quotes")).url).toBe("http://carol-laptop.tunnel:3000");
    const revision = sdk.resolveCached("quotes")!.revision;
    await expect.poll(() => other.resolveCached("quotes")?.revision, { timeout: 5000, interval: 20 }).toBe(revision); // it holds the override too
    expect(other.resolveCached("quotes")).toMatchObject({ url: "http://quotes:8080", via: "registry" });
  });
});
