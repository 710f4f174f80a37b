/**
 * The health service as a consumer of discovery's events, against real Postgres and Kafka:
 * discovery journals each registration and relays it to discovery.registration.v1; health learns
 * it into its own database and probes it, with no listing over HTTP.
 */
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { waitUntil } from "../../tools/test-services/wait-until";
import { type Service, createService, discoveryRegistrationTopic } from "../kit/index";
import { actorHeader } from "../kit/testing/actor-header";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { startDiscovery } from "../discovery/testing";
import { healthConfigSchema } from "./config";
import { setupHealth } from "./health-service";

describe("health learns registrations from discovery's events", () => {
  const databases: TestDatabase[] = [];
  let discovery: Service;
  let health: Service;
  let discoveryUrl: string;
  let registrations: pg.Pool;

  beforeAll(async () => {
    const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: discoveryRegistrationTopic.name, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const [discoveryDb, healthDb] = await Promise.all([createTestDatabase("discovery_relay"), createTestDatabase("health_registrations")]);
    databases.push(discoveryDb, healthDb);
    await Promise.all([migrateToLatest({ databaseUrl: discoveryDb.url, database: "discovery" }), migrateToLatest({ databaseUrl: healthDb.url, database: "health" })]);
    registrations = new pg.Pool({ connectionString: healthDb.url, max: 2 });
    discovery = await startDiscovery({ DATABASE_URL: discoveryDb.url, REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(",") }, discardLogs());
    discoveryUrl = await discovery.listen();
    health = await createService({
      name: "health",
      config: healthConfigSchema,
      setup: setupHealth,
      // No DISCOVERY_URL: the only way health can know a service is from the events.
      env: { REGISTRATIONS_DATABASE_URL: healthDb.url, KAFKA_BROKERS: kafkaBrokers().join(","), HEALTH_CHECK_TIMEOUT_MS: "1000", HEALTH_PROBE_INTERVAL_MS: "300000" },
      logDestination: discardLogs(),
    });
  });
  afterAll(async () => {
    await health.shutdown();
    await discovery.shutdown();
    await registrations.end();
    await Promise.all(databases.map((db) => db.drop()));
  });

  const register = (name: string, endpoints: string[]) =>
    fetch(`${discoveryUrl}/v1/services/${name}`, { method: "PUT", headers: { "content-type": "application/json", ...actorHeader() }, body: JSON.stringify({ endpoints, version: "1" }) });
  const learnt = async () => (await registrations.query<{ name: string; endpoints: string[]; revision: string }>("select name, endpoints, revision from registrations order by name")).rows;

  it("probes a service registered in discovery, follows its update, and drops it when deregistered", async () => {
    expect((await register("learnt-a", ["http://127.0.0.1:1"])).status).toBe(201);
    expect((await register("learnt-b", ["http://127.0.0.1:2"])).status).toBe(201);
    expect((await register("learnt-a", ["http://127.0.0.1:3"])).status).toBe(200);
    await waitUntil("health learnt both registrations", async () => {
      const rows = await learnt();
      if (rows.length !== 2 || rows[0]!.revision !== "2") throw new Error(JSON.stringify(rows));
    }, 30_000, 100);
    expect(await learnt()).toEqual([
      { name: "learnt-a", endpoints: ["http://127.0.0.1:3"], revision: "2" },
      { name: "learnt-b", endpoints: ["http://127.0.0.1:2"], revision: "1" },
    ]);

    const body = (await health.app.inject({ method: "GET", url: "/v1/health?fresh=true" })).json<{ checks: Record<string, Array<{ observedValue?: unknown; status: string }>> }>();
    expect(Object.keys(body.checks).filter((key) => key.endsWith(":readiness")).sort()).toEqual(["learnt-a:readiness", "learnt-b:readiness"]);
    expect(body.checks["discovery:services"]![0]!.observedValue).toBe(2);
    // The consumer's poison-event check is on the service's own health (it warns, never fails readiness).
    const ready = (await health.app.inject({ method: "GET", url: "/readyz" })).json<{ checks: Record<string, Array<{ observedValue?: unknown; status: string }>> }>();
    expect(ready.checks["events:poison"]![0]).toMatchObject({ status: "pass", observedValue: 0 });

    expect((await fetch(`${discoveryUrl}/v1/services/learnt-b`, { method: "DELETE", headers: actorHeader() })).status).toBeLessThan(300);
    await waitUntil("health forgot learnt-b", async () => {
      if ((await learnt()).length !== 1) throw new Error("not yet");
    }, 30_000, 100);
    const metrics = (await health.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/armature_events_consumed_total\{consumer="health-registrations",topic="discovery.registration.v1",outcome="applied",service="health"\} 4/);
    const discoveryMetrics = (await discovery.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(discoveryMetrics).toMatch(/armature_events_publish_lag_seconds\{database="discovery",service="discovery"\} \d/);
  });
});
