/**
 * Exposure events end to end, against real Postgres, Redis and Kafka: SDKs record one exposure per
 * subject and answer of an experiment flag, send them in batches to the service, which writes them
 * to the exposure topic (keyed by flag and subject); the evaluate endpoint records them too.
 */
import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, kafkaBrokers, redisUrl, uniqueName, type TestDatabase } from "../../tools/test-services/fixtures";
import type { Service } from "../kit/index";
import { runInScope } from "../kit/invocation-scope";
import { createLogger } from "../kit/logger";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { trace } from "@opentelemetry/api";
import { type Exposure, exposureSchema } from "./model/exposure";
import { FlagsClient } from "./sdk/index";
import { flagsRequest, startFlags } from "./testing/index";

const logger = createLogger({ service: "flags-sdk-test", version: "0", level: "fatal", format: "json", destination: discardLogs() });

describe("exposure events to Kafka", () => {
  const topic = `flags.exposure-${randomBytes(4).toString("hex")}.v1`;
  const kafka = new Kafka({ clientId: "flags-exposure-test", brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId: uniqueName("flags-exposures") });
  const received: Array<{ key: string; exposure: Exposure }> = [];
  let database: TestDatabase;
  let flags: Service;
  let base: string;
  let client: FlagsClient;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    database = await createTestDatabase("flags_exposures");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(","), EXPOSURE_TOPIC: topic }, discardLogs());
    base = await flags.listen();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push({ key: message.key?.toString() ?? "", exposure: exposureSchema.parse(JSON.parse(message.value?.toString() ?? "null")) });
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await client?.close();
    await flags.shutdown();
    await Promise.allSettled([consumer.disconnect(), admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect())]);
    await database.drop();
  });

  it("writes one exposure per subject and variant of an experiment flag, from the SDK and from the evaluate endpoint", async () => {
    const experiment = await flagsRequest(base, "PUT", "/v1/flags/pricing-page", {
      environments: { prod: { enabled: true, rules: [{}], variants: [{ name: "red", weight: 500 }, { name: "black", weight: 500 }] } },
      exposures: true,
    });
    const plain = await flagsRequest(base, "PUT", "/v1/flags/plain-flag", { environments: { prod: { enabled: true, rules: [{}] } } });
    expect([experiment.status, plain.status]).toEqual([201, 201]);
    client = new FlagsClient({ url: base, redisUrl: redisUrl(), environment: "prod", appName: "web-shop", logger, exposures: { flushIntervalMs: 50 } });
    await expect.poll(() => client.version).toBe(plain.version);

    const users = Array.from({ length: 40 }, (_, index) => `user-${index}`);
    const assigned = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (const userId of users) {
        assigned.set(userId, client.variant("pricing-page", { userId })!.name);
        client.isEnabled("plain-flag", { userId }); // not an experiment: never recorded
      }
    }
    // Inside a request: the exposure carries its invocation; a forced answer is not an exposure.
    const scope = (toggles?: Record<string, string>) => ({ context: { traceId: "a".repeat(32), spanId: "b".repeat(16), invocationId: "inv-42", ...(toggles ? { toggles } : {}) }, logger, tracer: trace.getTracer("test") });
    runInScope(scope(), () => client.variant("pricing-page", { userId: "user-in-request" }));
    runInScope(scope({ "flag:pricing-page": "red" }), () => client.variant("pricing-page", { userId: "user-forced" }));
    const remote = await fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ environment: "prod", flags: ["pricing-page"], context: { userId: "user-remote", appName: "ios-app" } }) });
    expect(remote.status).toBe(200);

    await expect.poll(() => received.length, { timeout: 20_000, interval: 100 }).toBe(users.length + 2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives
    expect(received.length).toBe(users.length + 2);
    for (const { key, exposure } of received) {
      expect(key).toBe(`pricing-page:${exposure.userId}`);
      expect(exposure).toMatchObject({ flag: "pricing-page", environment: "prod", enabled: true, reason: "TARGETING_MATCH", flagSetVersion: plain.version });
    }
    const byUser = new Map(received.map(({ exposure }) => [exposure.userId, exposure]));
    for (const userId of users) expect(byUser.get(userId)).toMatchObject({ variant: assigned.get(userId), appName: "web-shop" });
    expect(byUser.get("user-in-request")).toMatchObject({ invocationId: "inv-42", traceId: "a".repeat(32) });
    expect(byUser.get("user-remote")).toMatchObject({ appName: "ios-app", variant: expect.stringMatching(/^(red|black)$/) });
    expect(byUser.has("user-forced")).toBe(false);
    expect(new Set(received.map(({ exposure }) => exposure.id)).size).toBe(received.length);
  });
});
