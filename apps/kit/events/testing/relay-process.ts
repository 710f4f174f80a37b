/**
 * A relay in a process of its own, for tests that kill it: `node --import tsx relay-process.ts`
 * with DATABASE_URL and KAFKA_BROKERS. With STALL_AFTER_PUBLISH=<n> it stalls right after the n-th
 * batch was acknowledged by Kafka and before the journal marks it published, printing
 * `stalled <rows>`: the test kills it there, mid-batch, the worst moment for at-least-once.
 */
import pg from "pg";
import { Registry } from "prom-client";
import { createKafka } from "../../dependencies";
import { createLogger } from "../../logger";
import { kafkaStream } from "../kafka-stream";
import { createRelay } from "../relay";
import type { EventStream } from "../stream";

const logger = createLogger({ service: "relay-process", version: "test", level: "warn", format: "json" });
const pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 4 });
const kafka = kafkaStream(createKafka(process.env["KAFKA_BROKERS"]!.split(","), { clientId: "relay-process", timeoutMs: 1000, logger }));
const stallAfter = Number(process.env["STALL_AFTER_PUBLISH"] ?? 0);
let batches = 0;
const stream: EventStream = {
  ...kafka,
  async publish(topic, messages) {
    await kafka.publish(topic, messages);
    if (stallAfter > 0 && ++batches === stallAfter) {
      process.stdout.write(`stalled ${messages.length}\n`);
      await new Promise(() => {}); // never marked: the test kills this process here
    }
  },
};
const relay = createRelay({ pool, stream, logger, registry: new Registry(), database: "test", batchSize: Number(process.env["BATCH_SIZE"] ?? 500) });
void relay.start().then(() => process.stdout.write("relaying\n"));
process.once("SIGTERM", () => void relay.stop().then(async () => {
  await kafka.close();
  await pool.end();
  process.exit(0);
}));
