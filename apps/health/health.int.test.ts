/** The health service against real Postgres, Redis, Kafka and a discovery service with registered services. */
import { type Server, createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { startDiscovery } from "../discovery/testing";
import { actorHeader } from "../kit/testing/actor-header";
import { type LogCapture, captureLogs, discardLogs, logLineProblems } from "../kit/testing/log-capture";
import { createService, type Service } from "../kit/index";
import { fixtureConfig, setupFixture } from "../kit/testing/fixture-service";
import { migrateToLatest } from "../migrator/src";
import { healthConfigSchema } from "./config";
import { setupHealth } from "./health-service";

describe("health service", () => {
  let database: TestDatabase;
  let discovery: Service;
  let app: Service;
  let health: Service;

  beforeAll(async () => {
    database = await createTestDatabase("health");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl() }, discardLogs());
    const discoveryUrl = await discovery.listen();
    app = await createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: { HOST: "127.0.0.1", PORT: "0" }, logDestination: discardLogs() });
    const appUrl = await app.listen();
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    for (const [name, endpoints] of [["fixture", [appUrl]], ["ghost", [deadUrl]]] as const) {
      const response = await fetch(`${discoveryUrl}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify({ endpoints, version: "1" }) });
      expect(response.status).toBe(201);
    }
    health = await createService({
      name: "health",
      config: healthConfigSchema,
      setup: setupHealth,
      env: { DATABASE_URL: database.url, REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(","), DISCOVERY_URL: discoveryUrl, HEALTH_CHECK_TIMEOUT_MS: "1000" },
      logDestination: discardLogs(),
    });
  });
  afterAll(async () => {
    await health.shutdown();
    await app.shutdown();
    await discovery.shutdown();
    await database.drop();
  });

  it("serves the aggregate as application/health+json: dependencies and every registered service, each with its time", async () => {
    const response = await health.app.inject({ method: "GET", url: "/v1/health?fresh=true" });
    expect(response.headers["content-type"]).toMatch(/^application\/health\+json/);
    const body = response.json();
    expect(Object.keys(body.checks).sort()).toEqual(["discovery:services", "fixture:readiness", "ghost:readiness", "kafka:responseTime", "postgres:responseTime", "redis:responseTime"]);
    for (const key of ["postgres:responseTime", "redis:responseTime", "kafka:responseTime", "fixture:readiness"]) expect(body.checks[key][0].status, key).not.toBe("fail");
    expect(body.checks["ghost:readiness"][0]).toMatchObject({ status: "fail", componentType: "service", output: expect.any(String) });
    expect(body.checks["discovery:services"][0].observedValue).toBe(2);
    for (const results of Object.values<Array<{ time: string }>>(body.checks)) expect(Date.parse(results[0]!.time)).not.toBeNaN();
    // One registered service is down, so the platform fails (and says so with 503 for external monitors).
    expect(body.status).toBe("fail");
    expect(response.statusCode).toBe(503);
    // The health service itself stays ready: it must be up to report what is down.
    expect((await health.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });

  it("exports Prometheus gauges for alerting", async () => {
    await health.app.inject({ method: "GET", url: "/v1/health?fresh=true" });
    const metrics = (await health.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/armature_health_check_up\{check="ghost:readiness",component="http:\/\/127\.0\.0\.1:\d+",service="health"\} 0/);
    expect(metrics).toMatch(/armature_health_check_up\{check="postgres:responseTime",component="postgres",service="health"\} 1/);
    expect(metrics).toMatch(/armature_health_status\{service="health"\} 2/);
  });

  it("renders a small HTML status page", async () => {
    const response = await health.app.inject({ method: "GET", url: "/status" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("Platform status:");
    expect(response.body).toContain("ghost:readiness");
    expect(response.body).toMatch(/postgres:responseTime.*?<b>(pass|warn)<\/b>/s);
  });
});

describe("health service reporting to discovery", () => {
  let database: TestDatabase;
  let discovery: Service;
  let discoveryUrl: string;
  let flaky: Service;
  let flakyPort: number;
  let health: Service;
  /** Passes reads through to discovery and answers every write 503, as a discovery failing its writes would. */
  let readOnlyDiscovery: Server;
  let healthBehindReadOnly: Service;
  let healthBehindReadOnlyLogs: LogCapture;

  const startFlaky = async () => {
    const service = await createService({ name: "flaky", config: fixtureConfig, setup: setupFixture, env: { HOST: "127.0.0.1", PORT: String(flakyPort) }, logDestination: discardLogs() });
    await service.listen();
    return service;
  };
  const startHealth = (discoveryAt: string, logs = discardLogs()) =>
    createService({
      name: "health",
      config: healthConfigSchema,
      setup: setupHealth,
      // Rounds run when a test asks (?fresh=true) and once at start, not on the timer.
      env: { REDIS_URL: redisUrl(), DISCOVERY_URL: discoveryAt, HEALTH_CHECK_TIMEOUT_MS: "1000", HEALTH_PROBE_INTERVAL_MS: "300000" },
      logDestination: logs,
    });
  const probeRound = (service: Service) => service.app.inject({ method: "GET", url: "/v1/health?fresh=true" });
  const healthInDiscovery = async (name: string) => ((await (await fetch(`${discoveryUrl}/v1/services/${name}`)).json()) as { health: { status: string; checkedAt?: string } }).health;

  beforeAll(async () => {
    database = await createTestDatabase("health_reports");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    discovery = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl() }, discardLogs());
    discoveryUrl = await discovery.listen();
    flakyPort = await freePort();
    flaky = await startFlaky();
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    // "half": one endpoint that answers (discovery's own /readyz) and one that does not.
    for (const [name, endpoints] of [["flaky", [`http://127.0.0.1:${flakyPort}`]], ["half", [discoveryUrl, deadUrl]]] as const) {
      const response = await fetch(`${discoveryUrl}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify({ endpoints, version: "1" }) });
      expect(response.status).toBe(201);
    }
    health = await startHealth(discoveryUrl);

    readOnlyDiscovery = createServer((request, response) => {
      if (request.method !== "GET") {
        response.writeHead(503, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 503, code: "read_only", detail: "writes are failing" }));
        return;
      }
      void fetch(new URL(request.url!, discoveryUrl))
        .then(async (upstream) => response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" }).end(await upstream.text()))
        .catch(() => response.writeHead(502).end());
    });
    const readOnlyPort = await freePort();
    await new Promise<void>((resolve) => readOnlyDiscovery.listen(readOnlyPort, "127.0.0.1", resolve));
    healthBehindReadOnlyLogs = captureLogs();
    healthBehindReadOnly = await startHealth(`http://127.0.0.1:${readOnlyPort}`, healthBehindReadOnlyLogs.destination);
  });
  afterAll(async () => {
    await healthBehindReadOnly?.shutdown();
    await new Promise((resolve) => readOnlyDiscovery?.close(resolve));
    await health?.shutdown();
    await flaky?.shutdown();
    await discovery?.shutdown();
    await database?.drop();
  });

  it("after each round discovery shows what was observed: a service that goes down fails, and passes again when it returns", async () => {
    await probeRound(health);
    const up = await healthInDiscovery("flaky");
    expect(up.status).toBe("pass");
    expect(Date.parse(up.checkedAt!)).not.toBeNaN();
    // Some endpoints down: the service still serves, with less capacity.
    expect((await healthInDiscovery("half")).status).toBe("warn");

    await flaky.shutdown();
    await probeRound(health);
    const down = await healthInDiscovery("flaky");
    expect(down.status).toBe("fail");
    expect(Date.parse(down.checkedAt!)).toBeGreaterThanOrEqual(Date.parse(up.checkedAt!));

    flaky = await startFlaky();
    await probeRound(health);
    expect((await healthInDiscovery("flaky")).status).toBe("pass");

    // Each change is audited as the health service's (unchanged statuses refresh checkedAt only).
    const { entries } = (await (await fetch(`${discoveryUrl}/v1/services/flaky/audit`)).json()) as { entries: Array<{ actor: string; action: string; after: { status: string } }> };
    const changes = entries.filter((entry) => entry.action === "health").map((entry) => [entry.actor, entry.after.status]);
    expect(changes).toEqual([["health", "pass"], ["health", "fail"], ["health", "pass"]]);
  });

  it("logs a report discovery refuses, and still serves the health page", async () => {
    const response = await probeRound(healthBehindReadOnly);
    // The round is whole, as with a working discovery: flaky passes, half's dead endpoint fails (so 503).
    expect(response.statusCode).toBe(503);
    const checks = response.json<{ checks: Record<string, Array<{ status: string }>> }>().checks;
    expect(checks["flaky:readiness"]!.map((result) => result.status)).toEqual(["pass"]);
    expect(checks["half:readiness"]!.map((result) => result.status).sort()).toEqual(["fail", "pass"]);
    expect((await healthBehindReadOnly.app.inject({ method: "GET", url: "/status" })).statusCode).toBe(200);
    const warnings = healthBehindReadOnlyLogs.lines().filter((line) => String(line["msg"]).startsWith("could not report the health of"));
    expect(warnings.length).toBeGreaterThan(0);
    const warning = warnings.at(-1)!;
    expect(warning).toMatchObject({
      level: "warn",
      msg: "could not report the health of flaky, half to discovery",
      // The reports ran as the health service's own invocation.
      context: { actor: { id: "health", type: "service" } },
      data: {
        failures: [
          { service: "flaky", error: expect.stringMatching(/answered 503/) as unknown },
          { service: "half", error: expect.stringMatching(/answered 503/) as unknown },
        ],
      },
    });
    expect(logLineProblems(warning)).toEqual([]);
  });
});
