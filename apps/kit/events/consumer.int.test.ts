/**
 * The consumer against real Postgres, fed by the in-memory stream: poison events are recorded,
 * surfaced in health and metrics and skipped; unknown types are skipped; forced redeliveries have
 * no second effect; a handler that fails once is retried inside the micro-batch.
 */
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { runCheck } from "../health/health-check";
import { createLogger } from "../logger";
import { discardLogs } from "../testing/log-capture";
import { createConsumer } from "./consumer";
import { memoryStream } from "./memory-stream";
import { createRelay } from "./relay";
import { consumerDatabase, counterTopic, producerDatabase } from "./testing/counter-harness";

const logger = createLogger({ service: "consumer-test", version: "test", level: "fatal", format: "json", destination: discardLogs() });
const topic = counterTopic("test.poison.v1");
const envelope = (id: string, type: string, data: unknown) => JSON.stringify({ id, sequence: "1", occurredAt: new Date().toISOString(), actor: "t", type, data });
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("the idempotent consumer (in-memory stream, real Postgres)", () => {
  const databases: TestDatabase[] = [];
  let consumerDb: Awaited<ReturnType<typeof consumerDatabase>>;
  let producer: Awaited<ReturnType<typeof producerDatabase>>;

  beforeAll(async () => {
    const [consumerDatabaseUrl, producerDatabaseUrl] = await Promise.all([createTestDatabase("consumer"), createTestDatabase("producer")]);
    databases.push(consumerDatabaseUrl, producerDatabaseUrl);
    consumerDb = await consumerDatabase(consumerDatabaseUrl.url);
    producer = await producerDatabase(producerDatabaseUrl.url, topic);
  });
  afterAll(async () => {
    await consumerDb.pool.end();
    await producer.close();
    await Promise.all(databases.map((db) => db.drop()));
  });

  it("records poison events, warns in health and metrics, and moves on; skips unknown types; retries a handler that fails once", async () => {
    const stream = memoryStream({ partitions: 1 });
    const registry = new Registry();
    let failOnce = true;
    const consumer = createConsumer({
      name: "poison-test",
      topic,
      stream,
      pool: consumerDb.pool,
      logger,
      registry,
      batchIntervalMs: 20,
      handle: async (event, client) => {
        if (event.data.counter === "always-fails") throw new Error("cannot apply this one");
        if (event.data.counter === "fails-once" && failOnce) {
          failOnce = false;
          throw new Error("transient");
        }
        await consumerDb.handle(event, client);
      },
    });
    await consumer.start();
    const check = consumer.healthCheck(1000);
    expect(await runCheck(check)).toMatchObject({ status: "pass", observedValue: 0 });

    await stream.publish(topic.name, [
      { key: "a", value: envelope(uuid(1), "counter.incremented", { counter: "a", n: 1 }) },
      { key: "a", value: "{not json" },
      { key: "a", value: envelope(uuid(2), "counter.incremented", { counter: "a", n: "two" }) },
      { key: "a", value: envelope(uuid(3), "counter.incremented", { counter: "always-fails", n: 1 }) },
      { key: "a", value: envelope(uuid(4), "counter.reset", { counter: "a" }) },
      { key: "a", value: envelope(uuid(5), "counter.incremented", { counter: "fails-once", n: 1 }) },
      { key: "a", value: envelope(uuid(6), "counter.incremented", { counter: "a", n: 2 }) },
    ]);
    await stream.settled();

    const poison = (await consumerDb.pool.query<{ event_id: string | null; error: string; kafka_offset: string }>("select event_id, error, kafka_offset from poison_events order by id")).rows;
    expect(poison.map((row) => [row.kafka_offset, row.event_id])).toEqual([["1", null], ["2", uuid(2)], ["3", uuid(3)]]);
    expect(poison[0]!.error).toBe("the value is not JSON");
    expect(poison[1]!.error).toMatch(/^counter.incremented does not match test.poison.v1: /);
    expect(poison[2]!.error).toBe("counter.incremented failed 3 times: cannot apply this one");
    expect((await consumerDb.pool.query("select key, n from applied order by id")).rows).toEqual([{ key: "a", n: 1 }, { key: "fails-once", n: 1 }, { key: "a", n: 2 }]);

    expect(await runCheck(check)).toMatchObject({ status: "warn", observedValue: 3, output: "3 poison event(s) recorded in poison_events; inspect and delete them once handled" });
    const metrics = await registry.metrics();
    expect(metrics).toContain('armature_events_poison{consumer="poison-test",topic="test.poison.v1"} 3');
    expect(metrics).toContain('armature_events_consumed_total{consumer="poison-test",topic="test.poison.v1",outcome="skipped"} 1');
    expect(metrics).toContain('armature_events_consumed_total{consumer="poison-test",topic="test.poison.v1",outcome="applied"} 3');

    // Forced redelivery of everything: no second effect, no second poison record.
    stream.redeliver(topic.name, "poison-test", 100);
    await stream.settled();
    expect(await consumerDb.applied()).toBe(3);
    expect(await registry.metrics()).toContain('armature_events_consumed_total{consumer="poison-test",topic="test.poison.v1",outcome="duplicate"} 5');
    await consumer.stop();
  });

  it("runs end to end on the in-memory stream: journal, relay, consumer, with every change applied once", async () => {
    await consumerDb.pool.query("truncate applied, totals, processed_events, poison_events");
    const stream = memoryStream();
    const relay = createRelay({ pool: producer.pool, stream, logger, registry: new Registry(), database: "test", pollMs: 50 });
    const consumer = createConsumer({ name: "memory-e2e", topic, stream, pool: consumerDb.pool, logger, registry: new Registry(), batchIntervalMs: 10, handle: consumerDb.handle });
    await consumer.start();
    await relay.start();
    await Promise.all(Array.from({ length: 5 }, async (_, writer) => {
      for (let i = 0; i < 100; i++) await producer.increment(`key-${writer}`);
    }));
    for (let tries = 0; (await producer.unpublished()) > 0 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    await stream.settled();
    await relay.stop();
    await consumer.stop();
    expect(await consumerDb.audit()).toMatchObject({ applied: 500, distinctChanges: 500, processed: 500, outOfOrder: 0 });
  });
});
