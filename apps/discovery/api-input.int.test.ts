/**
 * Every endpoint of discovery and health, driven from their own OpenAPI documents: each rejects
 * malformed bodies, unknown fields, oversize payloads and bad parameters with a 4xx problem, and a
 * fast-check fuzz run over every operation finds no 5xx.
 */
import { Writable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { healthConfigSchema } from "../health/config";
import { setupHealth } from "../health/health-service";
import { createService, type Service } from "../kit/index";
import { badInputCases, fuzzRequests, operationsOf } from "../kit/testing/openapi-fuzz";
import { migrateToLatest } from "../migrator/src";
import { actorHeader, startDiscovery } from "./testing";

const quiet = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const BODY_LIMIT = 16_384;

describe("API input handling, from the OpenAPI documents", () => {
  let database: TestDatabase;
  const services: Record<string, Service> = {};

  beforeAll(async () => {
    database = await createTestDatabase("discovery_fuzz");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    services["discovery"] = await startDiscovery({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), BODY_LIMIT_BYTES: String(BODY_LIMIT) }, quiet());
    const discoveryUrl = await services["discovery"].listen();
    services["health"] = await createService({ name: "health", config: healthConfigSchema, setup: setupHealth, env: { REDIS_URL: redisUrl(), DISCOVERY_URL: discoveryUrl, BODY_LIMIT_BYTES: String(BODY_LIMIT) }, logDestination: quiet() });
  });
  afterAll(async () => {
    await services["health"]?.shutdown();
    await services["discovery"]?.shutdown();
    await database.drop();
  });

  for (const name of ["discovery", "health"]) {
    it(`${name}: every operation rejects bad input with a 4xx problem document`, async () => {
      const service = services[name]!;
      const document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
      const cases = badInputCases(operationsOf(document), actorHeader(), BODY_LIMIT);
      expect(cases.length).toBeGreaterThan(name === "discovery" ? 20 : 5);
      const failures: string[] = [];
      for (const { name: what, request } of cases) {
        const response = await service.app.inject({ method: request.method as "GET", url: request.url, payload: request.payload, headers: request.headers });
        const isProblem = /^application\/problem\+json/.test(String(response.headers["content-type"]));
        if (response.statusCode < 400 || response.statusCode >= 500 || !isProblem) failures.push(`${what}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
    });

    it(`${name}: a generated fuzz run over every operation finds no 5xx`, async () => {
      const service = services[name]!;
      const document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
      const headers = fc.oneof(
        { weight: 4, arbitrary: fc.constant(actorHeader("fuzzer")) },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((junk) => ({ "x-armature-context": Buffer.from(junk).toString("base64url") })) },
      );
      let sent = 0;
      for (const operation of operationsOf(document)) {
        await fc.assert(
          fc.asyncProperty(fuzzRequests(operation, headers), async (request) => {
            sent++;
            const response = await service.app.inject({ method: request.method as "GET", url: request.url, payload: request.payload, headers: request.headers });
            // A 503 health document is the health contract ("a dependency is down"), not a server error.
            const healthAnswer = response.statusCode === 503 && /^application\/health\+json/.test(String(response.headers["content-type"]));
            if (response.statusCode >= 500 && !healthAnswer) throw new Error(`${request.method} ${request.url} ${request.payload ?? ""} -> ${response.statusCode} ${response.body}`);
          }),
          { numRuns: 60 },
        );
      }
      expect(sent).toBeGreaterThan(100);
    });
  }
});
