/**
 * Who may change which flags and segments, with real service-account tokens from a loopback issuer,
 * against real Postgres and Redis (apps/kit/README.md, Authorisation).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { type AuthorisationHarness, TENANT_RULES, denialsIn, startAuthorisationHarness } from "../kit/testing/authorisation-harness";
import { type LogCapture, captureLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { startFlags } from "./testing/index";

const ACME = "tenant-acme/acme";
const ADMIN = "platform/ops-console";
const flag = { description: "A checkout change", environments: { staging: { enabled: true, rules: [{ name: "everyone" }] }, prod: { enabled: false, rules: [] } } };
const segment = { constraints: [{ contextName: "plan", operator: "IN", values: ["enterprise"] }] };

describe("flags authorisation", () => {
  let database: TestDatabase;
  let harness: AuthorisationHarness;
  let flags: Service;
  let logs: LogCapture;
  let base: string;

  const call = async (method: string, path: string, account: string, body?: unknown, onBehalfOf?: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(await harness.as(account, onBehalfOf)), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get("content-type"), body: (response.status === 204 ? {} : await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase("flags_authorisation");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    harness = await startAuthorisationHarness({
      ...TENANT_RULES,
      // A stack rule: tenants' workloads never change prod themselves.
      policies: '@id("tenants-not-in-prod") forbid (principal is Armature::Workload, action == Armature::Action::"flag.change", resource) when { resource.environments.contains("prod") || resource.environments.contains("*") } unless { principal in Armature::Group::"platform-admins" };',
    });
    logs = captureLogs();
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), ...harness.env }, logs.destination);
    base = await flags.listen();
    expect((await call("PUT", "/v1/segments/globex.enterprise", ADMIN, segment)).status).toBe(201);
    expect((await call("PUT", "/v1/flags/globex.checkout", ADMIN, flag)).status).toBe(201);
  });
  afterAll(async () => {
    await flags.shutdown();
    await harness.close();
    await database.drop();
  });

  it("tenant A cannot change B's flags or segments: 403 problems, each denial audited", async () => {
    const attempts = [
      ["PUT", "/v1/flags/globex.checkout", { ...flag, environments: { staging: flag.environments.staging } }, "flag.change", "flag globex.checkout in staging"],
      ["DELETE", "/v1/flags/globex.checkout", undefined, "flag.change", "flag globex.checkout (every environment)"],
      ["POST", "/v1/flags/globex.checkout/lifecycle", { to: "on-by-default" }, "flag.change", "flag globex.checkout (every environment)"],
      ["PUT", "/v1/segments/globex.enterprise", segment, "segment.change", "segment globex.enterprise"],
      ["DELETE", "/v1/segments/globex.enterprise", undefined, "segment.change", "segment globex.enterprise"],
    ] as const;
    for (const [method, path, body, action, resource] of attempts) {
      const before = denialsIn(logs).length;
      const response = await call(method, path, ACME, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: "forbidden", detail: expect.stringContaining(`${ACME} may not ${action} ${resource}:`) });
      expect(denialsIn(logs).slice(before)).toEqual([expect.objectContaining({ subject: ACME, action, resource })]);
    }
    expect((await call("GET", "/v1/flags/globex.checkout", ACME)).body).toMatchObject({ lifecycle: "off-by-default", environments: { prod: { enabled: false } } });
  });

  it("A changes its own flags and segments, in the environments the stack's rules leave to it", async () => {
    expect((await call("PUT", "/v1/segments/acme.staff", ACME, segment)).status).toBe(201);
    const staging = { description: "Acme's own", environments: { staging: { enabled: true, rules: [{ name: "staff", segments: ["acme.staff"] }] } } };
    expect((await call("PUT", "/v1/flags/acme.eu.search", ACME, staging)).status).toBe(201);
    const prod = await call("PUT", "/v1/flags/acme.eu.search", ACME, { ...staging, environments: { ...staging.environments, prod: { enabled: true, rules: [] } } });
    expect(prod).toMatchObject({ status: 403, body: { detail: expect.stringContaining("flag acme.eu.search in staging, prod: forbidden by rule tenants-not-in-prod") } });
    // A person acting through the tenant's workload has the workload's reach: their own flags, not another tenant's.
    expect((await call("PUT", "/v1/segments/acme.staff", ACME, segment, "alice")).status).toBe(200);
    expect(await call("PUT", "/v1/segments/globex.enterprise", ACME, segment, "alice")).toMatchObject({ status: 403, body: { detail: expect.stringContaining("alice via tenant-acme/acme may not") } });
  });

  it("a platform admin changes anything, prod and lifecycles included", async () => {
    expect((await call("PUT", "/v1/flags/acme.eu.search", ADMIN, { description: "Acme's own", environments: { prod: { enabled: true, rules: [] } } })).status).toBe(200);
    expect((await call("POST", "/v1/flags/globex.checkout/lifecycle", ADMIN, { to: "on-by-default" })).status).toBe(200);
    expect((await call("DELETE", "/v1/flags/globex.checkout", ADMIN)).status).toBe(204);
    expect((await call("DELETE", "/v1/segments/globex.enterprise", ADMIN)).status).toBe(204);
  });

  it("SDK traffic (evaluations) stays open to any caller", async () => {
    const response = await fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ environment: "staging" }) });
    expect(response.status).toBe(200);
  });
});
