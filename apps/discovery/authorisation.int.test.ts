/**
 * Who may change which registrations and overrides, with real service-account tokens from a
 * loopback issuer, against real Postgres and Redis (apps/kit/README.md, Authorisation).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { type AuthorisationHarness, TENANT_RULES, denialsIn, startAuthorisationHarness } from "../kit/testing/authorisation-harness";
import { type LogCapture, captureLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { startDiscovery } from "./testing";

const ACME = "tenant-acme/acme";
const ADMIN = "platform/ops-console";
const registration = { endpoints: ["http://api.tenant-acme.svc.cluster.local:8080"], version: "1.0.0" };

describe("discovery authorisation", () => {
  let database: TestDatabase;
  let harness: AuthorisationHarness;
  let discovery: Service;
  let logs: LogCapture;
  let base: string;

  const call = async (method: string, path: string, account: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(await harness.as(account)), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get("content-type"), body: (response.status === 204 ? {} : await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase("discovery_authorisation");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    harness = await startAuthorisationHarness();
    logs = captureLogs();
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), AUTHORISATION_RELOAD_MS: "600000", ...harness.env }, logs.destination);
    base = await discovery.listen();
    expect((await call("PUT", "/v1/services/globex-billing", ADMIN, registration)).status).toBe(201);
  });
  afterAll(async () => {
    await discovery.shutdown();
    await harness.close();
    await database.drop();
  });

  it("tenant A cannot change B's registrations or overrides: 403 problems, each denial audited", async () => {
    const attempts = [
      ["PUT", "/v1/services/globex-billing", registration, "registration.change", "registration globex-billing"],
      ["DELETE", "/v1/services/globex-billing", undefined, "registration.change", "registration globex-billing"],
      ["POST", "/v1/services/globex-billing/overrides", { target: "http://api.tenant-globex.svc.cluster.local", routingKey: "steal", ttlSeconds: 60 }, "override.create", "override of globex-billing to http://api.tenant-globex.svc.cluster.local"],
      ["DELETE", "/v1/services/globex-billing/overrides/6f1d8a3e-3f9c-4a5e-9a43-2b1f0c7d9e11", undefined, "override.delete", "override of globex-billing"],
    ] as const;
    for (const [method, path, body, action, resource] of attempts) {
      const before = denialsIn(logs).length;
      const response = await call(method, path, ACME, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 403, code: "forbidden", detail: expect.stringContaining(`${ACME} may not ${action} ${resource}: no rule grants it. How to get access:`) });
      expect(denialsIn(logs).slice(before)).toEqual([{ subject: ACME, action, resource, reason: "no rule grants it" }]);
    }
    const unchanged = await call("GET", "/v1/services/globex-billing", ACME);
    expect(unchanged.body).toMatchObject({ revision: 1, overrides: [] });
  });

  it("A changes its own registrations, and overrides them only to its namespace or an allowed range", async () => {
    expect((await call("PUT", "/v1/services/acme-api", ACME, registration)).status).toBe(201);
    expect((await call("PUT", "/v1/services/acme-eu-api", ACME, registration)).status).toBe(201); // its branches are its own
    const own = await call("POST", "/v1/services/acme-api/overrides", ACME, { target: "http://alice.tenant-acme.svc.cluster.local:8080", routingKey: "alice", ttlSeconds: 60 });
    expect(own.status).toBe(201);
    expect((await call("POST", "/v1/services/acme-api/overrides", ACME, { target: "http://10.20.1.7:8080", environment: "dev-alice", ttlSeconds: 60 })).status).toBe(201);
    const outside = await call("POST", "/v1/services/acme-api/overrides", ACME, { target: "https://collector.example.com", routingKey: "leak", ttlSeconds: 60 });
    expect(outside).toMatchObject({ status: 403, body: { code: "forbidden", detail: expect.stringContaining("forbidden by rule override-targets") } });
    expect(denialsIn(logs).at(-1)).toEqual({ subject: ACME, action: "override.create", resource: "override of acme-api to https://collector.example.com", reason: "forbidden by rule override-targets" });
    expect((await call("DELETE", `/v1/services/acme-api/overrides/${String(own.body["id"])}`, ACME)).status).toBe(204);
    expect((await call("DELETE", "/v1/services/acme-eu-api", ACME)).status).toBe(204);
  });

  it("a platform admin changes anything, with overrides to any target", async () => {
    expect((await call("PUT", "/v1/services/acme-api", ADMIN, { ...registration, version: "2.0.0" })).status).toBe(200);
    expect((await call("POST", "/v1/services/globex-billing/overrides", ADMIN, { target: "https://debug.example.com", routingKey: "incident-7", ttlSeconds: 60 })).status).toBe(201);
    expect((await call("PUT", "/v1/services/shared-gateway", ADMIN, registration)).status).toBe(201);
    expect((await call("DELETE", "/v1/services/shared-gateway", ADMIN)).status).toBe(204);
  });

  it("reads stay open; a change with no token is a 401 saying how to get one", async () => {
    expect((await call("GET", "/v1/services/globex-billing/audit", ACME)).status).toBe(200);
    const anonymous = await fetch(`${base}/v1/services/acme-api`, { method: "DELETE" });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "actor_required", detail: expect.stringContaining("Authorization: Bearer <token>") });
  });

  it("a grant removed while a request is in flight does not change that request's outcome", async () => {
    // tenant-globex/deployer holds a grant on acme. Hold its change inside the handler (a table lock), remove the grant, release.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table services in access exclusive mode");
      const inFlight = call("PUT", "/v1/services/acme-batch", "tenant-globex/deployer", registration);
      await waitFor(async () => (await locker.query<{ waiting: string }>("select count(*) as waiting from pg_locks where not granted and relation = 'services'::regclass")).rows[0]!.waiting !== "0");

      harness.writeRules({ ...TENANT_RULES, grants: [] });
      expect(await discovery.authorisation.reload()).toBe(true);
      const after = await call("PUT", "/v1/services/acme-other", "tenant-globex/deployer", registration);
      expect(after.status).toBe(403); // new requests see the removal at once

      await locker.query("commit");
      expect((await inFlight).status).toBe(201); // the request that started with the grant completes with it
    } finally {
      await locker.end();
    }
    expect((await call("PUT", "/v1/services/acme-batch", "tenant-globex/deployer", registration)).status).toBe(403);
  });

  it("refuses a rules update that does not parse, keeping the last good rules", async () => {
    harness.writeRules({ ...TENANT_RULES, grants: [{ subject: "tenant-globex/deployer", scopes: ["nowhere"] }] });
    expect(await discovery.authorisation.reload()).toBe(false);
    expect((await call("PUT", "/v1/services/acme-api", ACME, registration)).status).toBe(200);
    expect(logs.lines().some((line) => line["msg"] === "authorisation: the updated rules are refused; the last good rules stay in force")).toBe(true);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the condition did not hold within 5 s");
}
