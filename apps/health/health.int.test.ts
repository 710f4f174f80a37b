/** The health service against real Postgres, Redis, Kafka and a discovery service with registered services. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { startDiscovery } from "../discovery/testing";
import { actorHeader } from "../kit/testing/actor-header";
import { discardLogs } from "../kit/testing/log-capture";
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
