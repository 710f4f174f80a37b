/**
 * Every endpoint of discovery and health, driven from their own OpenAPI documents: each rejects
 * malformed bodies, unknown fields, oversize payloads and bad parameters with a 4xx problem, and a
 * fast-check fuzz run over every operation finds no 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { healthConfigSchema } from "../health/config";
import { setupHealth } from "../health/health-service";
import { createService, type Service } from "../kit/index";
import { actorHeader } from "../kit/testing/actor-header";
import { discardLogs } from "../kit/testing/log-capture";
import { badInputFailures, fuzzForServerErrors, fuzzHeaders } from "../kit/testing/openapi-fuzz";
import { migrateToLatest } from "../migrator/src";
import { startDiscovery } from "./testing";

const BODY_LIMIT = 16_384;

describe("API input handling, from the OpenAPI documents", () => {
  let database: TestDatabase;
  const services: Record<string, Service> = {};

  beforeAll(async () => {
    database = await createTestDatabase("discovery_fuzz");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    services["discovery"] = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), BODY_LIMIT_BYTES: String(BODY_LIMIT) }, discardLogs());
    const discoveryUrl = await services["discovery"].listen();
    services["health"] = await createService({ name: "health", config: healthConfigSchema, setup: setupHealth, env: { REDIS_URL: redisUrl(), DISCOVERY_URL: discoveryUrl, BODY_LIMIT_BYTES: String(BODY_LIMIT) }, logDestination: discardLogs() });
  });
  afterAll(async () => {
    await services["health"]?.shutdown();
    await services["discovery"]?.shutdown();
    await database.drop();
  });

  for (const name of ["discovery", "health"]) {
    it(`${name}: every operation rejects bad input with a 4xx problem document`, async () => {
      const { cases, failures } = await badInputFailures(services[name]!.app, actorHeader(), BODY_LIMIT);
      expect(cases).toBeGreaterThan(name === "discovery" ? 20 : 5);
      expect(failures).toEqual([]);
    });

    it(`${name}: a generated fuzz run over every operation finds no 5xx`, async () => {
      const sent = await fuzzForServerErrors(services[name]!.app, fuzzHeaders(actorHeader("fuzzer")));
      expect(sent).toBeGreaterThan(100);
    });
  }
});
