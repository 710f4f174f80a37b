/** The kit's HTTP contract without dependencies: bad input, errors, context, config, log format. */
import { Writable } from "node:stream";
import pretty from "pino-pretty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
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
  const problemsOf = (schema: z.ZodObject, env: NodeJS.ProcessEnv): { message: string; lines: Record<string, string> } => {
    try {
      parseConfig(schema, env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      return { message: (error as Error).message, lines: Object.fromEntries(problems.map((p) => [p.variable, `found ${p.found}; expected ${p.expected}`])) };
    }
    throw new Error("the config was accepted");
  };
  const appSchema = kitConfigSchema.extend({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").describe("a postgres:// URL"),
    QUEUE_NAME: z.string(),
    API_TOKEN: z.string().regex(/^tok_[a-z0-9]{20}$/),
  });
  const validApp = { DATABASE_URL: "postgres://db/app", QUEUE_NAME: "jobs", API_TOKEN: `tok_${"a".repeat(20)}` };

  it("names each bad variable, the value found and what is expected, one line each", () => {
    const { message, lines } = problemsOf(kitConfigSchema, { PORT: "eighty", LOG_FORMAT: "xml", SHUTDOWN_TIMEOUT_MS: "60000" });
    expect(Object.keys(lines).sort()).toEqual(["LOG_FORMAT", "PORT", "SHUTDOWN_TIMEOUT_MS"]);
    expect(message.split("\n")).toContain('  PORT: found "eighty"; expected an integer from 0 to 65535 (set PORT=8080, or unset it for that default)');
    // zod's own messages ("Invalid input: expected number, received NaN") never reach the user.
    expect(message).not.toMatch(/Invalid|received|Too (big|small)/);
  });

  it.each([
    ["a wrong type: which type, with the variable's range", "BODY_LIMIT_BYTES", "1.5", "an integer from 1024 to 67108864 (set BODY_LIMIT_BYTES=1048576, or unset it for that default)"],
    ["out of range: the allowed range, and the default to fall back on", "SHUTDOWN_TIMEOUT_MS", "60000", "an integer from 1000 to 28000 (set SHUTDOWN_TIMEOUT_MS=20000, or unset it for that default)"],
    ["out of range, below", "HEALTH_CHECK_TIMEOUT_MS", "5", "an integer from 50 to 10000 (set HEALTH_CHECK_TIMEOUT_MS=1000, or unset it for that default)"],
    ["not an allowed value: lists them", "LOG_LEVEL", "verbose", "one of trace, debug, info, warn, error, fatal (set LOG_LEVEL=info, or unset it for that default)"],
    ["not an allowed value: Kafka authentication", "KAFKA_AUTH", "sasl", "one of none, google (set KAFKA_AUTH=none, or unset it for that default)"],
    ["a bad format: which format, and that an optional variable can be unset", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "otel-collector/v1/traces", "an absolute URL, e.g. https://host:port/path (correct OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or unset it)"],
  ])("%s", (_, variable, value, expected) => {
    expect(problemsOf(kitConfigSchema, { [variable]: value }).lines).toEqual({ [variable]: `found ${JSON.stringify(value)}; expected ${expected}` });
  });

  it("a missing required variable: its description (or its type) and to set it", () => {
    const { lines } = problemsOf(appSchema, { API_TOKEN: validApp.API_TOKEN });
    expect(lines).toEqual({
      DATABASE_URL: "found nothing (unset); expected a postgres:// URL (set DATABASE_URL)",
      QUEUE_NAME: "found nothing (unset); expected a string (set QUEUE_NAME)",
    });
    // An empty variable counts as unset, as in `QUEUE_NAME= cmd`.
    expect(problemsOf(appSchema, { ...validApp, QUEUE_NAME: "" }).lines["QUEUE_NAME"]).toBe("found nothing (unset); expected a string (set QUEUE_NAME)");
  });

  it("never echoes a secret-looking value, whatever is wrong with it", () => {
    const url = problemsOf(kitConfigSchema.extend(fixtureConfig.shape), { DOWNSTREAM_URL: "hunter2" });
    expect(url.lines["DOWNSTREAM_URL"]).toBe("found a value (not shown); expected an absolute URL, e.g. https://host:port/path (correct DOWNSTREAM_URL, or unset it)");
    expect(url.message).not.toContain("hunter2");
    const token = problemsOf(appSchema, { ...validApp, API_TOKEN: "hunter2-not-a-token" });
    expect(token.lines).toEqual({ API_TOKEN: "found a value (not shown); expected a value matching /^tok_[a-z0-9]{20}$/ (correct API_TOKEN)" });
    expect(token.message).not.toContain("hunter2");
  });

  it("applies the platform defaults: port 8080 and JSON logs", () => {
    expect(parseConfig(kitConfigSchema, {})).toMatchObject({ PORT: 8080, LOG_FORMAT: "json", HOST: "0.0.0.0", KAFKA_AUTH: "none" });
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
