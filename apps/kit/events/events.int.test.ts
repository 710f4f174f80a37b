/**
 * The events pipeline against real Postgres and a Kafka of this file's own (so it can be restarted):
 * journal → relay → Kafka → idempotent consumer. 10,000 changes while the relay is killed mid-batch
 * and Kafka restarts; forced redelivery; replay of a journal range.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tools/test-services/fixtures";
import { type RestartableKafka, startRestartableKafka } from "../../../tools/test-services/kafka";
import { waitUntil } from "../../../tools/test-services/wait-until";
import { createKafka } from "../dependencies";
import { discardLogs } from "../testing/log-capture";
import { createLogger } from "../logger";
import { type Consumer, createConsumer } from "./consumer";
import { kafkaStream } from "./kafka-stream";
import { createRelay } from "./relay";
import type { EventStream } from "./stream";
import { consumerDatabase, counterTopic, producerDatabase } from "./testing/counter-harness";

const CHANGES = 10_000;
const KEYS = 40;
const topic = counterTopic();
const logger = createLogger({ service: "events-test", version: "test", level: "error", format: "json", destination: discardLogs() });
const progress = (message: string) => process.stderr.write(`[events] ${message}\n`);

describe("events: journal, relay, Kafka, idempotent consumer", () => {
  let kafka: RestartableKafka;
  const databases: TestDatabase[] = [];
  let producer: Awaited<ReturnType<typeof producerDatabase>>;
  let consumerDb: Awaited<ReturnType<typeof consumerDatabase>>;
  let stream: EventStream;
  let consumer: Consumer;
  const registry = new Registry();
  const children = new Set<ChildProcess>();

  const database = async (prefix: string) => {
    const created = await createTestDatabase(prefix);
    databases.push(created);
    return created.url;
  };
  const startConsumer = async (name: string, db: typeof consumerDb, metrics = registry) => {
    const started = createConsumer({ name, topic, stream, pool: db.pool, logger, registry: metrics, handle: db.handle });
    await started.start();
    return started;
  };
  const consumed = async (outcome: string) => (await registry.getSingleMetric("armature_events_consumed_total")!.get()).values.find((value) => value.labels["outcome"] === outcome)?.value ?? 0;

  /** The relay in a child process, killed with SIGKILL by the test. */
  const startRelayProcess = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "testing/relay-process.ts")], {
      env: { ...process.env, DATABASE_URL: databases[0]!.url, KAFKA_BROKERS: kafka.url, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    child.on("exit", () => children.delete(child));
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return { child, printed: (text: string) => output.split("\n").find((line) => line.startsWith(text)) };
  };

  beforeAll(async () => {
    const started = Date.now();
    kafka = await startRestartableKafka();
    const admin = new Kafka({ brokers: [kafka.url], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: topic.name, numPartitions: 4 }], waitForLeaders: true });
    await admin.disconnect();
    producer = await producerDatabase(await database("events_producer"), topic);
    consumerDb = await consumerDatabase(await database("events_consumer"));
    stream = kafkaStream(createKafka([kafka.url], { clientId: "events-test", timeoutMs: 1000, logger }));
    progress(`own Kafka and two databases ready in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await consumer?.stop();
    await stream?.close();
    await producer?.close();
    await consumerDb?.pool.end();
    await Promise.all(databases.map((db) => db.drop()));
    await kafka?.stop();
  });

  it(`applies each of ${CHANGES} changes exactly once while the relay is killed mid-batch and Kafka restarts`, { timeout: 240_000 }, async () => {
    consumer = await startConsumer("counter-consumer", consumerDb);
    // The relay stalls after its 3rd acknowledged batch, before marking it published: killed there.
    const first = startRelayProcess({ STALL_AFTER_PUBLISH: "3", BATCH_SIZE: "500" });

    let written = 0;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let i = writer; i < CHANGES; i += 8) {
        await producer.increment(`counter-${i % KEYS}`);
        written++;
      }
    });
    const writing = Promise.all(writers);

    await waitUntil("the relay to stall mid-batch", () => Promise.resolve(first.printed("stalled") ? undefined : Promise.reject(new Error("not yet"))), 60_000, 50);
    first.child.kill("SIGKILL");
    const stalledRows = Number(first.printed("stalled")!.split(" ")[1]);
    progress(`relay killed mid-batch: ${stalledRows} rows acknowledged by Kafka but never marked published (written so far: ${written})`);
    startRelayProcess({ BATCH_SIZE: "500" });

    await waitUntil("4,000 changes applied", async () => ((await consumerDb.applied()) >= 4000 ? undefined : Promise.reject(new Error(`${await consumerDb.applied()} applied`))), 120_000, 100);
    progress(`Kafka restarting with ${await consumerDb.applied()} applied, ${written} written`);
    await kafka.halt();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await kafka.resume();
    progress(`Kafka back with ${await consumerDb.applied()} applied, ${written} written`);

    await writing;
    await waitUntil(
      `all ${CHANGES} changes applied`,
      async () => {
        const [applied, unpublished] = [await consumerDb.applied(), await producer.unpublished()];
        if (applied < CHANGES || unpublished > 0) throw new Error(`${applied} applied, ${unpublished} unpublished`);
      },
      180_000,
      250,
    );
    // Anything still in flight would show up as a second effect: give it a few micro-batches.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const audit = await consumerDb.audit();
    const duplicates = await consumed("duplicate");
    progress(`written ${CHANGES}, applied ${audit.applied} (distinct ${audit.distinctChanges}), processed_events ${audit.processed}, duplicate deliveries dropped ${duplicates}, out of order ${audit.outOfOrder}`);
    expect(audit).toMatchObject({ applied: CHANGES, distinctChanges: CHANGES, processed: CHANGES, outOfOrder: 0 });
    // The killed relay's batch was published twice: its rows reached the consumer twice.
    expect(duplicates).toBeGreaterThanOrEqual(stalledRows);
    expect(await consumed("applied")).toBe(CHANGES);
  });

  it("has no second effect when every message in the topic is delivered again (a new consumer group reads it all)", async () => {
    const before = await consumerDb.audit();
    const duplicatesBefore = await consumed("duplicate");
    await consumer.stop();
    const admin = new Kafka({ brokers: [kafka.url], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic.name);
    await admin.disconnect();
    const inTopic = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    // The same consumer (its processed_events), under a group with no committed offsets: every message again.
    const redelivering = createConsumer({ name: "counter-consumer", group: "counter-consumer-redelivery", topic, stream, pool: consumerDb.pool, logger, registry, handle: consumerDb.handle });
    await redelivering.start();
    await waitUntil(`${inTopic} messages delivered again`, async () => ((await consumed("duplicate")) - duplicatesBefore >= inTopic ? undefined : Promise.reject(new Error("not yet"))), 60_000, 100);
    await redelivering.stop();
    const after = await consumerDb.audit();
    progress(`redelivered ${inTopic} messages: state ${after.state === before.state ? "unchanged" : "CHANGED"}, applied ${after.applied}`);
    expect(after).toEqual(before);
    consumer = await startConsumer("counter-consumer", consumerDb);
  });

  it("replays a journal range: the running consumer's state is unchanged, and a fresh consumer reaches the same state", async () => {
    const before = await consumerDb.audit();
    const relay = createRelay({ pool: producer.pool, stream, logger, registry: new Registry(), database: "test" });
    const requeued = await relay.replay(2001n, 4000n);
    expect(requeued).toBe(2000);
    while ((await relay.publishBatch()) > 0);
    const duplicatesBefore = await consumed("duplicate");
    await waitUntil("the replayed range delivered", async () => ((await consumed("duplicate")) - duplicatesBefore >= 2000 ? undefined : Promise.reject(new Error("not yet"))), 60_000, 100);
    expect(await consumerDb.audit()).toEqual(before);

    const fresh = await consumerDatabase(await database("events_fresh"));
    const freshConsumer = await startConsumer("counter-consumer-fresh", fresh, new Registry());
    await waitUntil("the fresh consumer caught up", async () => ((await fresh.applied()) >= CHANGES ? undefined : Promise.reject(new Error(`${await fresh.applied()} applied`))), 120_000, 250);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await freshConsumer.stop();
    const rebuilt = await fresh.audit();
    await fresh.pool.end();
    progress(`replayed 2000 journal rows; fresh consumer from the topic: applied ${rebuilt.applied}, state ${rebuilt.state === before.state ? "identical" : "DIFFERENT"}`);
    expect(rebuilt.state).toBe(before.state);
    expect(rebuilt.applied).toBe(CHANGES);
  }, 240_000); // its two waits allow 60 s and 120 s: a loaded machine needs them
});
