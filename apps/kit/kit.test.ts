/** The kit's HTTP contract without dependencies: bad input, errors, context, config, log format. */
import { Writable } from "node:stream";
import pretty from "pino-pretty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, kitConfigSchema, createService, CONTEXT_HEADER, type Service } from "./index";
import { createLogger } from "./logger";
import { captureLogs, logLineProblems } from "./testing/log-capture";
import { fixtureConfig, setupFixture } from "./testing/fixture-service";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("kit HTTP contract", () => {
  const logs = captureLogs();
  let service: Service;
  beforeAll(async () => {
    service = await createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: { LOG_LEVEL: "debug", BODY_LIMIT_BYTES: "2048" }, logDestination: logs.destination });
  });
  afterAll(() => service.shutdown());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    service.app.inject({ method: "POST", url, payload, headers: { "content-type": "application/json", ...headers } });

  it("accepts a valid request", async () => {
    const response = await post("/things/a-1", JSON.stringify({ name: "lamp", size: 3 }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: "a-1", name: "lamp", size: 3 });
  });

  it.each([
    ["a malformed JSON body", "/things/a-1", '{"name": "lamp", ', 400, /JSON/i],
    ["an unknown field", "/things/a-1", JSON.stringify({ name: "lamp", size: 3, colour: "red" }), 400, /colour/],
    ["a wrongly typed field", "/things/a-1", JSON.stringify({ name: "lamp", size: "big" }), 400, /size/],
    ["a bad path parameter", "/things/NOT_OK", JSON.stringify({ name: "lamp", size: 3 }), 400, /id/],
    ["an unknown query parameter", "/things/a-1?debug=1", JSON.stringify({ name: "lamp", size: 3 }), 400, /debug/],
    ["a bad query parameter", "/things/a-1?verbose=maybe", JSON.stringify({ name: "lamp", size: 3 }), 400, /verbose/],
    ["an oversize payload", "/things/a-1", JSON.stringify({ name: "x".repeat(5000), size: 3 }), 413, /too large/i],
    ["an empty body", "/things/a-1", "", 400, /empty/i],
  ])("rejects %s with a 4xx problem document", async (_what, url, payload, status, detail) => {
    const response = await post(url, payload);
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const body = response.json();
    expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.stringMatching(detail), invocationId: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/\s+at\s/); // no stack frames
  });

  it("rejects a body that is not JSON with 415", async () => {
    const response = await service.app.inject({ method: "POST", url: "/things/a-1", payload: "name=lamp", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.statusCode).toBe(415);
    expect(response.json().status).toBe(415);
  });

  it("answers an unknown route with a 404 problem", async () => {
    const response = await service.app.inject({ method: "GET", url: "/nowhere" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: "not_found" });
  });

  it("hides internal errors: a 500 with an invocation id, the detail only in the log", async () => {
    const response = await service.app.inject({ method: "GET", url: "/boom" });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("secret internal detail");
    const { invocationId } = response.json();
    const line = logs.lines().find((entry) => entry["msg"] === "request failed" && (entry["context"] as { invocationId?: string })?.invocationId === invocationId);
    expect((line?.["err"] as { message: string }).message).toBe("a secret internal detail");
  });

  it("rejects a malformed context header with 400 naming the header", async () => {
    for (const bad of ["%%%", encode({ tenant: "acme", bogus: true }), encode({ actor: { id: "u1", type: "robot" } })]) {
      const response = await service.app.inject({ method: "GET", url: "/context", headers: { [CONTEXT_HEADER]: bad } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: "invalid_context_header", detail: expect.stringContaining(CONTEXT_HEADER) });
    }
  });

  it("forks the received context: new invocation id, the caller's as parent, trace from traceparent", async () => {
    const response = await service.app.inject({
      method: "GET",
      url: "/context",
      headers: {
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        [CONTEXT_HEADER]: encode({ invocationId: "caller-1", tenant: "acme", actor: { id: "u1", type: "user" }, toggles: { newCheckout: true } }),
      },
    });
    const { context } = response.json();
    expect(context).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", parentInvocationId: "caller-1", tenant: "acme", actor: { id: "u1", type: "user" }, toggles: { newCheckout: true } });
    expect(context.invocationId).not.toBe("caller-1");
    expect(response.headers["x-armature-invocation-id"]).toBe(context.invocationId);
  });

  it("serves an OpenAPI 3.1 document listing the app's routes and the health paths", async () => {
    const document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/things/{id}", "/livez", "/readyz", "/startupz", "/_internal_/healthcheck"]));
  });

  it("serves Prometheus metrics with request timing by route", async () => {
    const text = (await service.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/things\/:id"[^}]*status_code="200"/);
  });

  it("writes only lines that validate against the log-line schema", () => {
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(logLineProblems(line), JSON.stringify(line)).toEqual([]);
  });
});

describe("per-invocation log level", () => {
  it("a logLevel toggle makes one invocation log at debug while the service logs at info", async () => {
    const logs = captureLogs();
    const service = await createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: { LOG_LEVEL: "info" }, logDestination: logs.destination });
    await service.app.inject({ method: "GET", url: "/context" });
    await service.app.inject({ method: "GET", url: "/context", headers: { [CONTEXT_HEADER]: encode({ toggles: { logLevel: "debug" } }) } });
    await service.shutdown();
    const completed = logs.lines().filter((line) => line["msg"] === "request completed");
    expect(completed).toHaveLength(1);
    expect((completed[0]?.["context"] as { toggles: unknown }).toggles).toEqual({ logLevel: "debug" });
  });
});

describe("config from the environment", () => {
  it("names each bad variable, the value found and what is expected", () => {
    let error: unknown;
    try {
      parseConfig(kitConfigSchema, { PORT: "eighty", LOG_FORMAT: "xml", SHUTDOWN_TIMEOUT_MS: "60000" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((problem) => problem.variable).sort()).toEqual(["LOG_FORMAT", "PORT", "SHUTDOWN_TIMEOUT_MS"]);
    expect((error as Error).message).toContain('PORT: found "eighty"');
    expect((error as Error).message).toMatch(/LOG_FORMAT: found "xml"; expected .*json.*plain/);
  });

  it("never echoes a secret-looking value", () => {
    const schema = kitConfigSchema.extend(fixtureConfig.shape);
    let message = "";
    try {
      parseConfig(schema, { DOWNSTREAM_URL: "hunter2" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DOWNSTREAM_URL: found a value \(not shown\)/);
    expect(message).not.toContain("hunter2");
  });

  it("applies the platform defaults: port 8080 and JSON logs", () => {
    expect(parseConfig(kitConfigSchema, {})).toMatchObject({ PORT: 8080, LOG_FORMAT: "json", HOST: "0.0.0.0" });
  });
});

describe("LOG_FORMAT=plain", () => {
  it("prints readable text instead of JSON", () => {
    const chunks: string[] = [];
    const destination = pretty({ sync: true, colorize: false, destination: new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk.toString()), done()) }) });
    const logger = createLogger({ service: "fixture", version: "1", level: "info", format: "plain", destination });
    logger.info({ answer: 42 }, "hello there");
    expect(chunks.join("")).toMatch(/INFO.*hello there/);
    expect(() => JSON.parse(chunks.join("")) as unknown).toThrow();
  });
});
