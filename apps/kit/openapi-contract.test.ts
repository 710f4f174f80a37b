/**
 * What the kit adds to every app's HTTP contract for standard tools: the OpenAPI document's problem
 * and health media types, kit-wide responses, operationIds and tags; 405 with Allow for methods a
 * known path does not answer to (before its body is read); 400 for U+0000 in a body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Service, createService } from "./index";
import { nulCharacterPath } from "./nul-characters";
import { operationIdFor } from "./openapi-document";
import { discardLogs } from "./testing/log-capture";
import { fixtureConfig, setupFixture } from "./testing/fixture-service";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reads a free-form OpenAPI document
type Json = Record<string, any>;

describe("the kit's OpenAPI document and method handling", () => {
  let service: Service;
  let document: Json;
  beforeAll(async () => {
    service = await createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: {}, logDestination: discardLogs() });
    document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
  });
  afterAll(() => service.shutdown());

  const operations = () => Object.entries(document["paths"] as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, operation]) => ({ path, method, operation: operation as Json })));

  it("declares every error as a problem document and health answers as health documents", () => {
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation["responses"] as Json)) {
        if (!/^[45]/.test(status)) continue;
        const types = Object.keys((response as Json)["content"] ?? {});
        const healthProbe = ["/livez", "/readyz", "/startupz", "/_internal_/healthcheck"].includes(path);
        expect(types, `${method} ${path} ${status}`).toEqual([status === "503" && healthProbe ? "application/health+json" : "application/problem+json"]);
      }
    }
    expect(document["components"]["schemas"]["Problem"]["properties"]).toHaveProperty("invocationId");
  });

  it("documents the kit's own answers on every operation, and 413/415 where there is a body", () => {
    for (const { path, method, operation } of operations()) {
      const statuses = Object.keys(operation["responses"] as Json);
      expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "401", "403", "5XX"]));
      if (operation["requestBody"]) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["413", "415"]));
    }
  });

  it("gives every operation a unique operationId and declares its tags", () => {
    const ids = operations().map(({ operation }) => operation["operationId"] as string);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(operations().flatMap(({ operation }) => (operation["tags"] as string[] | undefined) ?? []));
    expect((document["tags"] as Array<{ name: string }>).map((tag) => tag.name).sort()).toEqual([...used].sort());
    expect(operationIdFor("get", "/v1/services/{name}/audit")).toBe("getServicesByNameAudit");
    expect(operationIdFor("delete", "/v1/services/{name}/overrides/{id}")).toBe("deleteServicesByNameOverridesById");
  });

  it.each([
    ["TRACE", undefined],
    ["QUERY", undefined],
    ["QUERY", "application/json"],
    ["DELETE", undefined],
    ["PATCH", "text/plain"],
  ])("answers %s (content type %s) on a known path with 405 and Allow", async (method, contentType) => {
    const response = await service.app.inject({ method: method as "GET", url: "/things/a-1", ...(contentType ? { payload: "{}", headers: { "content-type": contentType } } : {}) });
    expect(response.statusCode).toBe(405);
    expect(response.headers["allow"]).toBe("POST");
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 405, code: "method_not_allowed", invocationId: expect.any(String) });
  });

  it("lists GET and HEAD for a read-only path, and still answers an unknown path with 404", async () => {
    const options = await service.app.inject({ method: "OPTIONS", url: "/livez" });
    expect([options.statusCode, options.headers["allow"]]).toEqual([405, "GET, HEAD"]);
    const unknown = await service.app.inject({ method: "TRACE" as "GET", url: "/nowhere" }); // light-my-request types list fewer methods than it sends
    expect(unknown.statusCode).toBe(404);
  });

  it("answers a path the router refuses (an over-long parameter, bad percent-encoding) with a 400 problem", async () => {
    for (const url of [`/things/${"a".repeat(201)}`, "/things/%E0%A4%A"]) {
      const response = await service.app.inject({ method: "POST", url, payload: "{}", headers: { "content-type": "application/json" } });
      expect(response.statusCode, url).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: "invalid_params", issues: [{ in: "params" }] });
    }
  });

  it("refuses U+0000 in a body with 400 naming where it is", async () => {
    const response = await service.app.inject({ method: "POST", url: "/things/a-1", payload: '{"name": "la\\u0000mp", "size": 3}', headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "nul_character", issues: [{ in: "body", path: "name" }] });
    expect(nulCharacterPath({ a: [{ ["k\0"]: 1 }] })).toBe("a.0.k\0");
    expect(nulCharacterPath({ a: ["fine", { b: "x" }] })).toBeUndefined();
  });
});
