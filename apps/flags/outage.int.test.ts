/**
 * Evaluation during an outage, against real Postgres and Redis: SDKs keep answering from their last
 * known flag set while the flags service is stopped or Redis is unreachable (an SDK restarted
 * meanwhile answers from its cache file), say so (STALE), and catch up when the service returns.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { type TcpProxy, hostAndPort, startTcpProxy } from "../../tools/test-services/tcp-proxy";
import type { Service } from "../kit/index";
import { createLogger } from "../kit/logger";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { ArmatureFlagsProvider, FlagsClient, type FlagsClientOptions } from "./sdk/index";
import { flagsRequest, startFlags } from "./testing/index";

const logger = createLogger({ service: "flags-sdk-test", version: "0", level: "fatal", format: "json", destination: discardLogs() });
const USERS = Array.from({ length: 500 }, (_, index) => `user-${index}`);

describe("flags during an outage", () => {
  let database: TestDatabase;
  let flags: Service | undefined;
  let port: number;
  let base: string;
  let redisProxy: TcpProxy;
  const cacheFile = path.join(mkdtempSync(path.join(tmpdir(), "flags-cache-")), "flag-set.json");
  const clients: FlagsClient[] = [];

  const start = async () => {
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), PORT: String(port) }, discardLogs());
    base = await flags.listen();
  };
  const sdk = (options: Partial<FlagsClientOptions> = {}) => {
    const client = new FlagsClient({ url: base, redisUrl: redisProxy.url(redisUrl()), environment: "prod", cacheFile, exposures: false, retryMs: 100, pollIntervalMs: 300, logger, ...options });
    clients.push(client);
    return client;
  };
  const answers = (client: FlagsClient) => USERS.map((userId) => client.isEnabled("outage-flag", { userId }));

  beforeAll(async () => {
    database = await createTestDatabase("flags_outage");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    port = await freePort();
    redisProxy = await startTcpProxy(...hostAndPort(redisUrl()));
    await start();
  });
  afterAll(async () => {
    await OpenFeature.clearProviders();
    await Promise.all(clients.map((client) => client.close()));
    await flags?.shutdown();
    await redisProxy.close();
    await database.drop();
  });

  it("keeps evaluating from the last known set while the service is down, a restarted SDK included, and catches up when it returns", async () => {
    const created = await flagsRequest(base, "PUT", "/v1/flags/outage-flag", { environments: { prod: { enabled: true, rules: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["vip"] }] }, { rollout: { percentage: 50 } }] } } });
    expect(created.status).toBe(201);
    const running = sdk();
    const behindOpenFeature = sdk();
    await OpenFeature.setProviderAndWait("outage", new ArmatureFlagsProvider(behindOpenFeature));
    const openFeature = OpenFeature.getClient("outage");
    // The version can arrive by push before the first load confirms the set and the subscription is
    // up: wait until both SDKs hold this version and call it fresh.
    for (const client of [running, behindOpenFeature]) {
      await expect.poll(() => client.version).toBe(created.version);
      await expect.poll(() => client.stale).toBe(false);
    }
    const before = answers(running);
    expect(before).toContain(true);
    expect(before).toContain(false);
    expect(await openFeature.getBooleanDetails("outage-flag", false, { targetingKey: "vip" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });

    await flags!.shutdown();
    await expect.poll(() => running.stale, { timeout: 5000 }).toBe(true); // its safety-net poll failed
    expect(answers(running)).toEqual(before);
    expect(running.evaluate("outage-flag", { userId: "vip" })).toMatchObject({ enabled: true, reason: "TARGETING_MATCH", stale: true });
    expect(await openFeature.getBooleanDetails("outage-flag", false, { targetingKey: "vip" })).toMatchObject({ value: true, reason: "STALE", flagMetadata: { evaluationReason: "TARGETING_MATCH" } });

    // A service restarted during the outage: its SDK reads the set from the cache file.
    const restarted = sdk();
    await restarted.ready(1000);
    expect(restarted.version).toBe(created.version);
    expect(answers(restarted)).toEqual(before);
    expect(restarted.evaluate("outage-flag", { userId: "vip" })).toMatchObject({ enabled: true, stale: true });

    await start();
    const changed = await flagsRequest(base, "PUT", "/v1/flags/outage-flag", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 100 } }] } } });
    // Each SDK catches up on its own (push, reconnect or poll): wait for all three, the one behind OpenFeature too.
    await expect.poll(() => [running.version, restarted.version, behindOpenFeature.version], { timeout: 5000 }).toEqual([changed.version, changed.version, changed.version]);
    await expect.poll(() => running.stale || restarted.stale || behindOpenFeature.stale, { timeout: 5000 }).toBe(false);
    expect(answers(running).every(Boolean)).toBe(true);
    expect(await openFeature.getBooleanDetails("outage-flag", false, { targetingKey: "anyone" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });

  it("keeps evaluating while Redis is unreachable, marks answers stale, and catches up when Redis returns", async () => {
    const client = sdk({ pollIntervalMs: 60_000 }); // only a Redis reconnect can bring the change
    await client.ready();
    await expect.poll(() => client.stale).toBe(false);
    const before = answers(client);

    redisProxy.break();
    await expect.poll(() => client.stale).toBe(true);
    const changed = await flagsRequest(base, "PUT", "/v1/flags/outage-flag", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 10 } }] } } }); // this push is lost
    expect(changed.status).toBe(200);
    expect(answers(client)).toEqual(before);
    expect(client.evaluate("outage-flag", { userId: "user-1" })).toMatchObject({ stale: true });

    redisProxy.restore();
    await expect.poll(() => client.version, { timeout: 10_000 }).toBe(changed.version);
    await expect.poll(() => client.stale).toBe(false);
    const after = answers(client);
    expect(after.filter(Boolean).length).toBeLessThan(before.filter(Boolean).length);
  });
});
