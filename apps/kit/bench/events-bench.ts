/**
 * Events benchmark, each figure beside a bare kafkajs baseline measured in the same run, with the
 * ratio (printed, never asserted). Run: npm run bench:events [-- --events N --samples S]
 *  1. events per second end to end: N changes written (8 concurrent writers, one transaction each:
 *     the change + its journal row), relayed to Kafka and applied by the idempotent consumer
 *     (processed_events + the effect, one transaction per micro-batch); first write to last effect.
 *     Baseline: N messages of the same size produced with kafkajs (acks all, 8 concurrent
 *     producers' sends) and consumed by a bare kafkajs consumer; first send to last message read.
 *  2. journal write -> consumer effect latency, p50/p99, S changes written one at a time every
 *     10 ms (occurred_at of the journal row -> clock_timestamp() of the effect, one Postgres clock);
 *     with the default 250 ms micro-batches and with 10 ms ones. Baseline: kafkajs send -> a bare
 *     consumer's eachMessage, same pacing.
 */
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { Registry } from "prom-client";
import { z } from "zod";
import { startKafka } from "../../../tools/test-services/kafka";
import { startPostgres } from "../../../tools/test-services/postgres";
import { migrateToLatest } from "../../migrator/src";
import { createKafka } from "../dependencies";
import { createLogger } from "../logger";
import { createBenchDatabase, formatCount, percentile, runBenchmark } from "../testing/bench";
import { createConsumer } from "../events/consumer";
import { journalEvent } from "../events/journal";
import { kafkaStream } from "../events/kafka-stream";
import { createRelay } from "../events/relay";
import { defineTopic } from "../events/topic";

const WRITERS = 8;
const PARTITIONS = 4;
const logger = createLogger({ service: "events-bench", version: "bench", level: "error", format: "json" });
const topicOf = (name: string) =>
  defineTopic(name, "Benchmark changes.", z.discriminatedUnion("type", [z.object({ type: z.literal("bench.changed"), data: z.object({ key: z.string(), n: z.number().int(), padding: z.string() }) })]));
const PADDING = "x".repeat(200); // an event of about the size of a registration change

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: "string", default: "20000" }, samples: { type: "string", default: "400" } } });
  const events = Number(values.events);
  const samples = Number(values.samples);
  const [postgres, kafkaServer] = await Promise.all([startPostgres(), startKafka()]);
  const brokers = [kafkaServer.url];
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const cleanups: Array<() => Promise<unknown>> = [() => admin.disconnect(), () => kafkaServer.stop(), () => postgres.stop()];
  let round = 0;

  /** One pipeline: producer database + relay, consumer database + consumer, on a topic of its own. */
  async function pipeline(batchIntervalMs: number) {
    round++;
    const topic = topicOf(`bench.change-${round}.v1`);
    await admin.createTopics({ topics: [{ topic: topic.name, numPartitions: PARTITIONS }], waitForLeaders: true });
    const producerUrl = await createBenchDatabase(postgres.url, `events_bench_producer_${round}`);
    const consumerUrl = await createBenchDatabase(postgres.url, `events_bench_consumer_${round}`);
    await migrateToLatest({ databaseUrl: producerUrl, database: "discovery" });
    await migrateToLatest({ databaseUrl: consumerUrl, database: "health" });
    const producerPool = new pg.Pool({ connectionString: producerUrl, max: WRITERS + 2 });
    const consumerPool = new pg.Pool({ connectionString: consumerUrl, max: 4 });
    await producerPool.query("create table changes (key text primary key, n int not null)");
    await consumerPool.query("create table effects (key text not null, n int not null, applied_at timestamptz not null default clock_timestamp())");
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool: producerPool }) });
    const stream = kafkaStream(createKafka(brokers, { clientId: "events-bench", timeoutMs: 2000, logger }));
    const relay = createRelay({ pool: producerPool, stream, logger, registry: new Registry(), database: "bench" });
    const consumer = createConsumer({
      name: `bench-${round}`,
      topic,
      stream,
      pool: consumerPool,
      logger,
      registry: new Registry(),
      batchIntervalMs,
      handle: async (event, client) => void (await client.query("insert into effects (key, n) values ($1, $2)", [event.data.key, event.data.n])),
    });
    await relay.start();
    await consumer.start();
    const write = (key: string, n: number) =>
      db.transaction().execute(async (tx) => {
        await sql`insert into changes (key, n) values (${key}, ${n}) on conflict (key) do update set n = excluded.n`.execute(tx);
        await journalEvent(tx, topic, key, { type: "bench.changed", data: { key, n, padding: PADDING } }, { actor: "bench" });
      });
    const effects = async () => Number((await consumerPool.query<{ count: string }>("select count(*) from effects")).rows[0]!.count);
    return {
      write,
      effects,
      async latencies(): Promise<number[]> {
        const written = new Map((await producerPool.query<{ n: number; at: Date }>("select (data->>'n')::int as n, occurred_at as at from event_journal")).rows.map((row) => [row.n, row.at.getTime()]));
        const applied = (await consumerPool.query<{ n: number; at: Date }>("select n, applied_at as at from effects")).rows;
        return applied.map((row) => row.at.getTime() - written.get(row.n)!);
      },
      async lastEffectAt(): Promise<number> {
        return (await consumerPool.query<{ at: Date }>("select max(applied_at) as at from effects")).rows[0]!.at.getTime();
      },
      async close() {
        await consumer.stop();
        await relay.stop();
        await stream.close();
        await db.destroy();
        await consumerPool.end();
      },
    };
  }

  /** A bare kafkajs producer and consumer on a topic of their own; `received` holds each message's receive time by n. */
  async function bare() {
    round++;
    const topic = `bench.bare-${round}.v1`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `bare-${round}` });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Map<number, number>();
    await consumer.run({ partitionsConsumedConcurrently: PARTITIONS, eachMessage: ({ message }) => {
        received.set((JSON.parse(message.value!.toString()) as { n: number }).n, Date.now());
        return Promise.resolve();
      },
    });
    const send = (key: string, n: number) => producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify({ key, n, padding: PADDING }) }] });
    return { send, received, close: () => Promise.all([producer.disconnect(), consumer.disconnect()]) };
  }

  const waitFor = async (what: string, done: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 300_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const concurrently = (count: number, each: (i: number) => Promise<unknown>) =>
    Promise.all(Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = writer; i < count; i += WRITERS) await each(i);
    }));
  const paced = async (count: number, each: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < count; i++) {
      await each(i);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  try {
    console.log(`\nevents benchmark: ${formatCount(events)} events for throughput, ${samples} paced events for latency; Kafka ${PARTITIONS} partitions, acks all`);

    const events1 = await pipeline(250);
    const started = Date.now();
    await concurrently(events, (i) => events1.write(`key-${i % 500}`, i));
    await waitFor("every effect", async () => (await events1.effects()) >= events);
    const pipelineRate = events / ((Math.max(await events1.lastEffectAt(), started) - started) / 1000);
    await events1.close();

    const bare1 = await bare();
    const bareStarted = Date.now();
    await concurrently(events, (i) => bare1.send(`key-${i % 500}`, i));
    await waitFor("every bare message", () => bare1.received.size >= events);
    const bareRate = events / ((Math.max(...bare1.received.values()) - bareStarted) / 1000);
    await bare1.close();
    console.log(`1. end to end: ${formatCount(pipelineRate)} events/s (journal + relay + Kafka + idempotent consumer); baseline bare kafkajs produce/consume: ${formatCount(bareRate)} messages/s (ratio ${(pipelineRate / bareRate).toFixed(2)})`);

    const bare2 = await bare();
    const bareSent = new Map<number, number>();
    await paced(samples, async (i) => {
      bareSent.set(i, Date.now());
      await bare2.send(`key-${i % 50}`, i);
    });
    await waitFor("every bare message", () => bare2.received.size >= samples);
    const bareLatencies = [...bare2.received].map(([n, at]) => at - bareSent.get(n)!);
    await bare2.close();
    const [b50, b99] = [percentile(bareLatencies, 50), percentile(bareLatencies, 99)];

    for (const interval of [250, 10]) {
      const timed = await pipeline(interval);
      await paced(samples, (i) => timed.write(`key-${i % 50}`, i));
      await waitFor("every effect", async () => (await timed.effects()) >= samples);
      const latencies = await timed.latencies();
      await timed.close();
      const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
      console.log(
        `2. journal write -> consumer effect, ${interval} ms micro-batches (${latencies.length} events, one every 10 ms): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
          `baseline kafkajs send -> eachMessage: p50 ${b50.toFixed(1)} ms, p99 ${b99.toFixed(1)} ms (ratio p50 ${(p50 / b50).toFixed(1)}, p99 ${(p99 / b99).toFixed(1)})`,
      );
    }
    console.log("");
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

runBenchmark(main);
