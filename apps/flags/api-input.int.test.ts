/**
 * Bad input to the flags API: malformed flag definitions, unknown segments, weights that do not add
 * up, illegal lifecycle moves and the rest are answered with a 4xx problem document that says what
 * and where; every operation of the OpenAPI document rejects generic bad input; a fast-check fuzz
 * run over every operation finds no 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { actorHeader } from "../kit/testing/actor-header";
import { discardLogs } from "../kit/testing/log-capture";
import { badInputFailures, fuzzForServerErrors, fuzzHeaders } from "../kit/testing/openapi-fuzz";
import { migrateToLatest } from "../migrator/src";
import { startFlags } from "./testing/index";

const BODY_LIMIT = 16_384;
const prod = (environment: Record<string, unknown>) => ({ environments: { prod: { enabled: true, ...environment } } });

describe("flags API input handling", () => {
  let database: TestDatabase;
  let flags: Service;

  const send = async (method: string, url: string, body?: unknown) => {
    const response = await flags.app.inject({ method: method as "GET", url, headers: { ...actorHeader(), ...(body === undefined ? {} : { "content-type": "application/json" }) }, payload: body === undefined ? undefined : JSON.stringify(body) });
    expect(response.headers["content-type"]).toMatch(/^application\/(problem\+)?json/);
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  beforeAll(async () => {
    database = await createTestDatabase("flags_input");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), BODY_LIMIT_BYTES: String(BODY_LIMIT) }, discardLogs());
    expect((await send("PUT", "/v1/segments/internal", { constraints: [{ contextName: "email", operator: "STR_ENDS_WITH", values: ["@armature.dev"] }] })).status).toBe(201);
    expect((await send("PUT", "/v1/flags/parent", prod({ rules: [{}] }))).status).toBe(201);
    expect((await send("PUT", "/v1/flags/child", { ...prod({ rules: [{}] }), dependencies: [{ flag: "parent" }] })).status).toBe(201);
  });
  afterAll(async () => {
    await flags.shutdown();
    await database.drop();
  });

  it.each([
    ["rules that are not a list", prod({ rules: { segments: [] } }), "environments.prod.rules"],
    ["a rollout over 100 %", prod({ rules: [{ rollout: { percentage: 150 } }] }), "environments.prod.rules.0.rollout.percentage"],
    ["an unknown operator", prod({ rules: [{ constraints: [{ contextName: "plan", operator: "LIKE", values: ["a"] }] }] }), "environments.prod.rules.0.constraints.0.operator"],
    ["an environment without enabled", { environments: { prod: { rules: [] } } }, "environments.prod.enabled"],
    ["a bad environment name", { environments: { Prod_EU: { enabled: true } } }, "environments.Prod_EU"],
    ["a misspelt field", prod({ rule: [] }), "environments.prod"],
    ["a negative variant weight", prod({ variants: [{ name: "a", weight: -1 }] }), "environments.prod.variants.0.weight"],
    ["a lifecycle stage in the definition", { ...prod({}), lifecycle: "always-on" }, "(root)"],
  ])("rejects a malformed flag definition: %s", async (_what, definition, path) => {
    const { status, body } = await send("PUT", "/v1/flags/malformed", definition);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: "invalid_body", status: 400 });
    expect((body["issues"] as Array<{ path: string }>).map((issue) => issue.path)).toContain(path);
  });

  it("rejects definitions that do not hold together, naming each problem's path", async () => {
    const unknown = await send("PUT", "/v1/flags/f", prod({ rules: [{ segments: ["internal", "vips"] }] }));
    expect(unknown).toMatchObject({ status: 400, body: { code: "unknown_segment", issues: [{ in: "body", path: "environments.prod.rules.0.segments.1", message: expect.stringContaining('no segment "vips"') }] } });

    const weights = await send("PUT", "/v1/flags/f", prod({ variants: [{ name: "red", weight: 600 }, { name: "black", weight: 500 }] }));
    expect(weights).toMatchObject({ status: 400, body: { code: "invalid_weights", detail: expect.stringContaining("add up to 1100; they must add up to 1000") } });

    const constraint = await send("PUT", "/v1/flags/f", prod({ rules: [{ constraints: [{ contextName: "appVersion", operator: "SEMVER_GT", value: "latest" }] }] }));
    expect(constraint).toMatchObject({ status: 400, body: { code: "invalid_constraint", issues: [{ path: "environments.prod.rules.0.constraints.0" }] } });

    const dependency = await send("PUT", "/v1/flags/f", { ...prod({}), dependencies: [{ flag: "child" }] });
    expect(dependency).toMatchObject({ status: 400, body: { code: "invalid_dependency", detail: expect.stringContaining("child depends on other flags itself") } });

    const segment = await send("PUT", "/v1/segments/bad", { constraints: [{ contextName: "ip", operator: "IN_CIDR", values: ["10.0.0.300/8"] }] });
    expect(segment).toMatchObject({ status: 400, body: { code: "invalid_constraint", issues: [{ path: "constraints.0" }] } });
    expect((await send("GET", "/v1/flags/f")).status).toBe(404); // nothing was stored
  });

  it("rejects illegal lifecycle moves with 409, and unknown stages with 400", async () => {
    expect(await send("POST", "/v1/flags/parent/lifecycle", { to: "always-on" })).toMatchObject({ status: 409, body: { code: "illegal_transition" } });
    expect(await send("POST", "/v1/flags/parent/lifecycle", { to: "retired" })).toMatchObject({ status: 400, body: { code: "invalid_body", issues: [{ path: "to" }] } });
    expect(await send("POST", "/v1/flags/nobody/lifecycle", { to: "on-by-default" })).toMatchObject({ status: 404, body: { code: "flag_not_found" } });
  });

  it("refuses to delete what others use", async () => {
    expect(await send("DELETE", "/v1/flags/parent")).toMatchObject({ status: 409, body: { code: "flag_in_use", detail: "child depends on parent: remove the dependency first" } });
    expect((await send("PUT", "/v1/flags/uses-internal", prod({ optOut: [{ segments: ["internal"] }] }))).status).toBe(201);
    expect(await send("DELETE", "/v1/segments/internal")).toMatchObject({ status: 409, body: { code: "segment_in_use" } });
  });

  it("rejects bad evaluation requests and exposure batches", async () => {
    expect(await send("POST", "/v1/evaluate", { environment: "prod", context: { userId: "" } })).toMatchObject({ status: 400, body: { issues: [{ path: "context.userId" }] } });
    expect(await send("POST", "/v1/evaluate", { environment: "prod", context: { properties: { nested: { no: 1 } } } })).toMatchObject({ status: 400 });
    expect(await send("POST", "/v1/exposures", { exposures: [] })).toMatchObject({ status: 400, body: { issues: [{ path: "exposures" }] } });
    expect(await send("POST", "/v1/exposures", { exposures: [{ flag: "parent" }] })).toMatchObject({ status: 400 });
  });

  it("every operation rejects bad input with a 4xx problem document", async () => {
    const { cases, failures } = await badInputFailures(flags.app, actorHeader(), BODY_LIMIT);
    expect(cases).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });

  it("a generated fuzz run over every operation finds no 5xx", async () => {
    const sent = await fuzzForServerErrors(flags.app, fuzzHeaders(actorHeader("fuzzer")));
    expect(sent).toBeGreaterThan(900);
  });
});
