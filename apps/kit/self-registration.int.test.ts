/**
 * Self-registration against a real discovery (real Postgres and Redis) with verified callers (the
 * loopback issuer): an app registers its address and version once its readiness checks pass, not
 * before; a caller discovery refuses never registers (and says why); draining deregisters, or keeps a
 * shared Service address; and the health service, given only discovery's address, finds the app.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { startDiscovery } from "../discovery/testing";
import { healthConfigSchema } from "../health/config";
import { setupHealth } from "../health/health-service";
import { migrateToLatest } from "../migrator/src";
import { type Service, createService } from "./index";
import { type AuthorisationHarness, startAuthorisationHarness } from "./testing/authorisation-harness";
import { type LogCapture, captureLogs, discardLogs } from "./testing/log-capture";

const RULES = { tenants: [{ id: "acme", branches: [] }] };

describe("self-registration", () => {
  let database: TestDatabase;
  let harness: AuthorisationHarness;
  let discovery: Service;
  let discoveryUrl: string;
  const started: Service[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("selfreg");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    harness = await startAuthorisationHarness(RULES);
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), ...harness.env }, discardLogs());
    discoveryUrl = await discovery.listen();
  });
  afterAll(async () => {
    for (const service of started) await service.shutdown();
    await discovery.shutdown();
    await harness.close();
    await database.drop();
  });

  /** A token file for `account`, as the kubelet projects one. */
  async function tokenFile(account: string): Promise<string> {
    const headers = await harness.as(account);
    const file = `${harness.env.AUTHORISATION_RULES_FILE}.${account.replace("/", "-")}.token`;
    writeFileSync(file, headers.authorization!.replace("Bearer ", ""));
    return file;
  }

  async function startApp(name: string, account: string, env: Record<string, string> = {}, options: { ready?: () => boolean; logs?: LogCapture } = {}) {
    const service = await createService({
      name,
      env: { HOST: "127.0.0.1", PORT: "0", SERVICE_VERSION: "1.2.3", SELF_REGISTRATION_DISCOVERY_URL: discoveryUrl, CALLER_TOKEN_FILE: await tokenFile(account), ...harness.env, ...env },
      setup(kit) {
        const ready = options.ready;
        if (ready) {
          kit.addCheck({
            key: "gate:ready",
            componentType: "component",
            timeoutMs: 500,
            run: () => (ready() ? Promise.resolve() : Promise.reject(new Error("not ready yet"))),
          });
        }
      },
      logDestination: options.logs?.destination ?? discardLogs(),
    });
    started.push(service);
    return { service, url: await service.listen() };
  }

  const registration = async (name: string) => {
    const response = await fetch(`${discoveryUrl}/v1/services/${name}`);
    return response.status === 200 ? ((await response.json()) as { endpoints: string[]; version: string }) : undefined;
  };

  async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (accept(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("registers once ready (not before) and deregisters when it drains", async () => {
    let ready = false;
    const { service, url } = await startApp("orders", "platform/orders", {}, { ready: () => ready });
    // Readiness fails: a few retries go by with nothing registered.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await registration("orders")).toBeUndefined();
    ready = true;
    expect(await eventually(() => registration("orders"), (found) => found !== undefined)).toMatchObject({ endpoints: [url], version: "1.2.3" });
    await service.shutdown();
    expect(await registration("orders")).toBeUndefined();
  });

  it("registers the given endpoint, and keeps it when draining with SELF_REGISTRATION_ON_DRAIN=keep", async () => {
    const { service } = await startApp("billing", "platform/billing", { SELF_REGISTRATION_ENDPOINT: "http://billing.platform.svc.cluster.local", SELF_REGISTRATION_ON_DRAIN: "keep" });
    expect(await eventually(() => registration("billing"), (found) => found !== undefined)).toMatchObject({ endpoints: ["http://billing.platform.svc.cluster.local"] });
    await service.shutdown();
    expect(await registration("billing")).toMatchObject({ endpoints: ["http://billing.platform.svc.cluster.local"] });
  });

  it("does not register when discovery refuses the caller, and logs discovery's reason once", async () => {
    const logs = captureLogs();
    // A tenant's workload may not register a name the platform owns.
    const { service } = await startApp("payments", "tenant-acme/api", {}, { logs });
    const warning = await eventually(
      () => Promise.resolve(logs.lines().find((line) => String(line["msg"]).startsWith("self-registration of payments not done yet"))),
      (line) => line !== undefined,
    );
    expect(String(warning?.["msg"])).toMatch(/discovery answered 403: .*retrying every 500 ms/);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await registration("payments")).toBeUndefined();
    expect(logs.lines().filter((line) => String(line["msg"]).startsWith("self-registration of payments")).length).toBe(1);
    await service.shutdown();
  });

  it("lets the health service find a self-registered app with nothing but discovery's address", async () => {
    const { url } = await startApp("inventory", "platform/inventory");
    await eventually(() => registration("inventory"), (found) => found !== undefined);
    const health = await createService({
      name: "health",
      config: healthConfigSchema,
      setup: setupHealth,
      env: { HOST: "127.0.0.1", PORT: "0", REDIS_URL: redisUrl(), DISCOVERY_URL: discoveryUrl, HEALTH_CHECK_TIMEOUT_MS: "1000", CALLER_TOKEN_FILE: await tokenFile("platform/health"), ...harness.env },
      logDestination: discardLogs(),
    });
    started.push(health);
    const document = (await health.app.inject({ method: "GET", url: "/v1/health?fresh=true" })).json<{ checks: Record<string, Array<{ componentId: string; status: string }>> }>();
    expect(document.checks["inventory:readiness"]).toEqual([expect.objectContaining({ componentId: url, status: "pass" })]);
  });
});
