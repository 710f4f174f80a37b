/** The kit against real Postgres, Redis and Kafka: health checks, logs, and context across two services. */
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { type TcpProxy, hostAndPort, startTcpProxy } from "../../tools/test-services/tcp-proxy";
import { CONTEXT_HEADER, createService, type Service } from "./index";
import { captureLogs, logLineProblems } from "./testing/log-capture";
import { fixtureConfig, setupFixture } from "./testing/fixture-service";

describe("health endpoints against real dependencies", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let service: Service;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createTestDatabase("kit_health");
    proxy = await startTcpProxy(...hostAndPort(database.url));
    service = await createService({
      name: "fixture",
      config: fixtureConfig,
      setup: setupFixture,
      env: { DATABASE_URL: proxy.url(database.url), REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(","), HEALTH_CHECK_TIMEOUT_MS: "1500", LOG_LEVEL: "debug" },
      logDestination: logs.destination,
    });
  });
  afterAll(async () => {
    await service.shutdown();
    await proxy.close();
    await database.drop();
  });

  const get = (url: string) => service.app.inject({ method: "GET", url });

  it("readiness and startup pass with a Postgres query, a Redis PING and Kafka metadata, each timed", async () => {
    for (const path of ["/startupz", "/readyz", "/_internal_/healthcheck"]) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^application\/health\+json/);
      const body = response.json();
      expect(body.status).toMatch(/^(pass|warn)$/);
      if (path === "/startupz") {
        expect(Object.keys(body.checks).sort()).toEqual(["kafka:responseTime", "postgres:responseTime", "redis:responseTime"]);
      }
      for (const [key, [check]] of Object.entries(body.checks as Record<string, [{ time: string; observedUnit: string; status: string }]>)) {
        expect(check.status, key).not.toBe("fail");
        expect(Date.parse(check.time), key).not.toBeNaN();
        expect(check.observedUnit).toBe("ms");
      }
    }
  });

  it("readiness fails when Postgres is down and liveness does not; both recover when it returns", async () => {
    proxy.break();
    const ready = await get("/readyz");
    expect(ready.statusCode).toBe(503);
    const body = ready.json();
    expect(body.status).toBe("fail");
    expect(body.checks["postgres:responseTime"][0]).toMatchObject({ status: "fail", output: expect.any(String) });
    expect(body.checks["redis:responseTime"][0].status).not.toBe("fail");
    expect(body.checks["kafka:responseTime"][0].status).not.toBe("fail");

    const live = await get("/livez");
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ status: "pass" });
    expect(live.json().checks).toBeUndefined(); // the process only, never a dependency

    proxy.restore();
    await expect.poll(async () => (await get("/readyz")).statusCode, { timeout: 10_000, interval: 200 }).toBe(200);
  });

  it("every log line it wrote validates against the log-line schema", async () => {
    await service.app.inject({ method: "POST", url: "/things/t-1", payload: { name: "lamp", size: 1 } });
    await get("/boom");
    const lines = logs.lines();
    expect(lines.some((line) => line["level"] === "error")).toBe(true);
    expect(lines.some((line) => line["http"] !== undefined)).toBe(true);
    for (const line of lines) expect(logLineProblems(line), JSON.stringify(line)).toEqual([]);
    // The check itself can fail: a line outside the schema is reported.
    expect(logLineProblems({ ...lines[0], stray: 1 })).not.toEqual([]);
  });
});

describe("KAFKA_AUTH", () => {
  it("google speaks TLS + SASL to the brokers: the local plaintext broker refuses it, and the Kafka check says so", async () => {
    const logs = captureLogs();
    const service = await createService({
      name: "fixture",
      config: fixtureConfig,
      setup: setupFixture,
      env: { KAFKA_BROKERS: kafkaBrokers().join(","), KAFKA_AUTH: "google", HEALTH_CHECK_TIMEOUT_MS: "1000" },
      logDestination: logs.destination,
    });
    try {
      const ready = await service.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks["kafka:responseTime"][0]).toMatchObject({ status: "fail", output: expect.any(String) });
    } finally {
      await service.shutdown();
    }
  });
});

describe("invocation context across two services", () => {
  const spans = new InMemorySpanExporter();
  const frontLogs = captureLogs();
  const backLogs = captureLogs();
  let front: Service;
  let back: Service;

  beforeAll(async () => {
    back = await createService({ name: "back", config: fixtureConfig, setup: setupFixture, env: { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug" }, logDestination: backLogs.destination, spanExporter: spans });
    const backUrl = await back.listen();
    front = await createService({
      name: "front",
      config: fixtureConfig,
      setup: setupFixture,
      env: { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", DOWNSTREAM_URL: backUrl },
      logDestination: frontLogs.destination,
      spanExporter: spans,
    });
    await front.listen();
  });
  afterAll(async () => {
    await front.shutdown();
    await back.shutdown();
  });

  it("forwards trace, tenant, actor and toggles; each hop gets its own invocation id, parented on the caller's", async () => {
    const frontUrl = front.app.server.address();
    if (!frontUrl || typeof frontUrl === "string") throw new Error("front is not listening");
    const sent = { invocationId: "browser-click-1", tenant: "acme", actor: { id: "u-42", type: "user" }, toggles: { newCheckout: true } };
    const response = await fetch(`http://127.0.0.1:${frontUrl.port}/downstream`, {
      headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", [CONTEXT_HEADER]: Buffer.from(JSON.stringify(sent)).toString("base64url") },
    });
    expect(response.status).toBe(200);
    const { self, downstream } = (await response.json()) as { self: Record<string, unknown>; downstream: Record<string, unknown> };

    expect(self).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentInvocationId: "browser-click-1", tenant: "acme", actor: sent.actor, toggles: sent.toggles });
    expect(downstream).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentInvocationId: self["invocationId"], tenant: "acme", actor: sent.actor, toggles: sent.toggles });
    expect(downstream["invocationId"]).not.toBe(self["invocationId"]);

    // Both services' log lines for this request carry their own hop's context.
    const frontLine = frontLogs.lines().find((line) => line["msg"] === "calling downstream");
    expect(frontLine?.["context"]).toMatchObject({ invocationId: self["invocationId"], traceId: self["traceId"] });
    await expect.poll(() => backLogs.lines().find((line) => (line["context"] as { invocationId?: string })?.invocationId === downstream["invocationId"])).toBeDefined();

    // One trace: front's server span → front's client span → back's server span.
    await expect.poll(() => spans.getFinishedSpans().filter((span) => span.spanContext().traceId === self["traceId"]).length).toBeGreaterThanOrEqual(3);
    const trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === self["traceId"]);
    const backServer = trace.find((span) => span.name === "GET /context");
    const frontClient = trace.find((span) => span.name === "GET downstream");
    expect(backServer?.parentSpanContext?.spanId).toBe(frontClient?.spanContext().spanId);
    expect(downstream["spanId"]).toBe(backServer?.spanContext().spanId);
  });
});
