/**
 * An idempotent consumer of one topic. Delivery is at least once (the stream redelivers whatever it
 * was not told was handled); the effect happens once: each event's id goes into `processed_events`
 * in the same transaction as its effect, so a redelivered event finds its id and is skipped.
 *
 * Deliveries are gathered into micro-batches (every 250 ms by default, or sooner when `maxBatch`
 * are waiting) and each micro-batch is one transaction. An event that cannot be applied (invalid,
 * or the handler fails `maxAttempts` times) is a poison event: recorded in `poison_events`, counted
 * in metrics and the `events:poison` health check, and skipped, so its partition moves on.
 * A type the reader does not know (added by a newer producer) is skipped and counted.
 * Tables: migrations/health/0001_registrations (copy them into a consumer's own database).
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { HealthCheck } from "../health/health-check";
import { type EventMetrics, eventMetrics } from "./event-metrics";
import type { DeliveredMessage, EventStream, Subscription } from "./stream";
import { type DecodedEvent, type TopicDefinition, decodeEvent } from "./topic";

export interface ConsumerOptions<T extends TopicDefinition> {
  /** The consumer's name: its key in processed_events, and its Kafka consumer group unless `group` names another. */
  readonly name: string;
  /** The stream's consumer group (default `name`). A new group reads the topic from its start: a full redelivery. */
  readonly group?: string;
  readonly topic: T;
  readonly stream: EventStream;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Applies one event inside the micro-batch's transaction (use `client` for every write). */
  handle(event: DecodedEvent<T>, client: pg.PoolClient): Promise<void>;
  /** How long deliveries gather before a micro-batch runs (default 250 ms). */
  readonly batchIntervalMs?: number;
  /** A micro-batch runs at once when this many deliveries wait (default 1000). */
  readonly maxBatch?: number;
  /** Tries of a failing event within a micro-batch before it is recorded as poison (default 3). */
  readonly maxAttempts?: number;
}

export interface Consumer {
  start(): Promise<void>;
  /** Stops fetching and finishes the micro-batch in hand. */
  stop(): Promise<void>;
  /** `events:poison`: warns while poison events of this consumer are recorded, with how many. */
  healthCheck(timeoutMs: number): HealthCheck;
}

interface Pending {
  readonly messages: readonly DeliveredMessage[];
  resolve(): void;
  reject(error: unknown): void;
}

type Outcome = "applied" | "duplicate" | "skipped" | "poison";

export function createConsumer<T extends TopicDefinition>(options: ConsumerOptions<T>): Consumer {
  const intervalMs = options.batchIntervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 1000;
  const maxAttempts = options.maxAttempts ?? 3;
  const metrics: EventMetrics = eventMetrics(options.registry);
  const labels = { consumer: options.name, topic: options.topic.name };
  let waiting: Pending[] = [];
  let waitingCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let subscription: Subscription | undefined;

  /** Called by the stream per partition batch: joins the current micro-batch and resolves once it committed. */
  function enqueue(messages: readonly DeliveredMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      waiting.push({ messages, resolve, reject });
      waitingCount += messages.length;
      if (waitingCount >= maxBatch) flush();
      else timer ??= setTimeout(() => flush(), intervalMs);
    });
  }

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    waitingCount = 0;
    if (batch.length === 0) return;
    // Micro-batches run one after another: their transactions never race for the same rows.
    flushing = flushing.then(async () => {
      try {
        await applyBatch(batch.flatMap((pending) => pending.messages));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        options.logger.warn({ err: error }, `${options.name}: a micro-batch of ${options.topic.name} failed; it will be delivered again`);
        for (const pending of batch) pending.reject(error);
      }
    });
  }

  async function applyBatch(messages: readonly DeliveredMessage[]): Promise<void> {
    const decoded = messages.map((message) => ({ message, decoded: decodeEvent(options.topic, message.value) }));
    const client = await options.pool.connect();
    const outcomes: Array<{ outcome: Outcome; occurredAt?: string }> = [];
    let poisonRecorded = 0;
    try {
      await client.query("begin");
      // Claim every id in one statement: only the ids not processed before come back.
      const ids = [...new Set(decoded.flatMap(({ decoded: item }) => (item.kind === "event" ? [item.event.id] : item.kind === "unknown-type" ? [item.id] : [])))];
      const claimed = new Set(
        (
          await client.query<{ event_id: string }>(
            "insert into processed_events (consumer, event_id, topic) select $1, id, $2 from unnest($3::uuid[]) as id on conflict do nothing returning event_id",
            [options.name, options.topic.name, ids],
          )
        ).rows.map((row) => row.event_id),
      );
      const toApply: Array<{ message: DeliveredMessage; event: DecodedEvent<T> }> = [];
      for (const { message, decoded: item } of decoded) {
        if (item.kind === "invalid") {
          await recordPoison(client, message, item.id, item.problem);
          poisonRecorded++;
          outcomes.push({ outcome: "poison" });
        } else if (!claimed.delete(item.kind === "event" ? item.event.id : item.id)) {
          outcomes.push({ outcome: "duplicate" });
        } else if (item.kind === "unknown-type") {
          outcomes.push({ outcome: "skipped" });
        } else {
          toApply.push({ message, event: item.event });
        }
      }
      // Fast path: the whole micro-batch at once. On any failure, again event by event behind savepoints.
      await client.query("savepoint batch");
      let failed = false;
      for (const { event } of toApply) {
        try {
          await options.handle(event, client);
        } catch {
          failed = true;
          break;
        }
      }
      if (failed) {
        await client.query("rollback to savepoint batch");
        for (const { message, event } of toApply) {
          const problem = await applyAlone(client, event);
          if (problem === undefined) outcomes.push({ outcome: "applied", occurredAt: event.occurredAt });
          else {
            await recordPoison(client, message, event.id, problem);
            poisonRecorded++;
            outcomes.push({ outcome: "poison" });
          }
        }
      } else {
        for (const { event } of toApply) outcomes.push({ outcome: "applied", occurredAt: event.occurredAt });
      }
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => {});
      client.release(true);
      throw error;
    }
    client.release();
    const now = Date.now();
    for (const { outcome, occurredAt } of outcomes) {
      metrics.consumed.inc({ ...labels, outcome });
      if (occurredAt) metrics.effectDelay.observe(labels, (now - Date.parse(occurredAt)) / 1000);
    }
    if (poisonRecorded > 0) {
      metrics.poison.inc(labels, poisonRecorded);
      options.logger.error({ poison: poisonRecorded }, `${options.name}: ${poisonRecorded} poison event(s) of ${options.topic.name} recorded in poison_events and skipped`);
    }
  }

  /** One event behind its own savepoint, up to maxAttempts: undefined when applied, else the last error. */
  async function applyAlone(client: pg.PoolClient, event: DecodedEvent<T>): Promise<string | undefined> {
    let lastError = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await client.query("savepoint event");
      try {
        await options.handle(event, client);
        await client.query("release savepoint event");
        return undefined;
      } catch (error) {
        await client.query("rollback to savepoint event");
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    return `${event.type} failed ${maxAttempts} times: ${lastError}`;
  }

  async function recordPoison(client: pg.PoolClient, message: DeliveredMessage, eventId: string | undefined, problem: string): Promise<void> {
    await client.query("insert into poison_events (consumer, topic, kafka_partition, kafka_offset, event_id, error, value) values ($1, $2, $3, $4, $5, $6, $7)", [
      options.name,
      options.topic.name,
      message.partition,
      message.offset,
      eventId ?? null,
      problem,
      message.value,
    ]);
  }

  async function poisonCount(): Promise<number> {
    const { rows } = await options.pool.query<{ count: string }>("select count(*) as count from poison_events where consumer = $1 and topic = $2", [options.name, options.topic.name]);
    return Number(rows[0]!.count);
  }

  return {
    async start() {
      // The gauge starts from what earlier runs recorded, so a restart does not hide poison events.
      metrics.poison.set(labels, await poisonCount());
      subscription = await options.stream.subscribe({ topic: options.topic.name, group: options.group ?? options.name, onBatch: enqueue });
    },
    async stop() {
      await subscription?.stop();
      flush();
      await flushing;
    },
    healthCheck(timeoutMs) {
      return {
        key: "events:poison",
        componentType: "component",
        componentId: `${options.name}/${options.topic.name}`,
        timeoutMs,
        run: async () => {
          const count = await poisonCount();
          return {
            observedValue: count,
            observedUnit: "events",
            status: count > 0 ? "warn" : "pass",
            ...(count > 0 ? { output: `${count} poison event(s) recorded in poison_events; inspect and delete them once handled` } : {}),
          };
        },
      };
    },
  };
}
