/**
 * The relay: publishes the journal (event_journal) to the stream, each row at least once, in
 * sequence order (so per key in order: a key's changes take its row lock, so their journal rows
 * are numbered in commit order). A row is marked published only after the stream acknowledged it,
 * so a relay killed mid-batch republishes that batch when it (or another replica) starts again:
 * consumers drop the duplicates by event id. One replica relays at a time (a Postgres advisory
 * lock); the others wait to take over. `replay(from, to)` re-queues a range of the journal.
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type EventMetrics, eventMetrics } from "./event-metrics";
import { JOURNAL_CHANNEL } from "./journal";
import type { Envelope } from "./topic";
import type { EventStream, StreamMessage } from "./stream";

export interface RelayOptions {
  readonly pool: pg.Pool;
  readonly stream: EventStream;
  readonly logger: Logger;
  /** Where the publish-lag metric goes (the service's registry). */
  readonly registry: Registry;
  /** Names the producing database in the lag metric, e.g. "discovery". */
  readonly database: string;
  /** Rows per batch (default 500). */
  readonly batchSize?: number;
  /** Poll interval when no NOTIFY arrives (default 1000 ms; a NOTIFY wakes the relay at once). */
  readonly pollMs?: number;
}

export interface Relay {
  /** Starts relaying in the background; resolves once the first attempt to take the relay lock ran. */
  start(): Promise<void>;
  /** Stops after the batch in hand (published and marked). */
  stop(): Promise<void>;
  /** Re-queues journal rows `from`..`to` (inclusive sequences): published again, in order. Returns how many. */
  replay(from: bigint, to: bigint): Promise<number>;
  /** Publishes one batch now (tests, tools): how many rows were published. Needs no lock: do not run beside a started relay. */
  publishBatch(): Promise<number>;
}

/** Every Armature relay takes this advisory lock in its own database: one active relay per database. */
const RELAY_LOCK = 0x61726d72; // "armr"

interface JournalRow {
  sequence: string;
  event_id: string;
  topic: string;
  event_key: string;
  type: string;
  data: unknown;
  actor: string;
  invocation_id: string | null;
  trace_id: string | null;
  occurred_at: Date;
}

export function createRelay(options: RelayOptions): Relay {
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 1000;
  const metrics: EventMetrics = eventMetrics(options.registry);
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: () => void = () => {};
  let lastLagAt = 0;
  let lastWarnAt = 0;

  async function publishBatch(): Promise<number> {
    // Ordered by the bigint column (not the text alias, which would sort "10" before "9").
    const { rows } = await options.pool.query<JournalRow>(
      `select sequence::text as sequence, event_id, topic, event_key, type, data, actor, invocation_id, trace_id, occurred_at
         from event_journal where published_at is null order by event_journal.sequence limit $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, StreamMessage[]>();
    for (const row of rows) {
      const envelope: Envelope = {
        id: row.event_id,
        sequence: row.sequence,
        occurredAt: row.occurred_at.toISOString(),
        actor: row.actor,
        ...(row.invocation_id ? { invocationId: row.invocation_id } : {}),
        ...(row.trace_id ? { traceId: row.trace_id } : {}),
        type: row.type,
        data: row.data,
      };
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.event_key, value: JSON.stringify(envelope), headers: { "content-type": "application/json", "armature-event-id": row.event_id, "armature-event-type": row.type } });
      byTopic.set(row.topic, messages);
    }
    for (const [topic, messages] of byTopic) await options.stream.publish(topic, messages);
    await options.pool.query("update event_journal set published_at = now() where sequence = any($1::bigint[])", [rows.map((row) => row.sequence)]);
    const now = Date.now();
    for (const row of rows) {
      metrics.published.inc({ topic: row.topic });
      metrics.publishDelay.observe({ topic: row.topic }, (now - row.occurred_at.getTime()) / 1000);
    }
    return rows.length;
  }

  async function updateLag(): Promise<void> {
    if (Date.now() - lastLagAt < 1000) return;
    lastLagAt = Date.now();
    const { rows } = await options.pool.query<{ lag: number | null }>("select extract(epoch from now() - min(occurred_at))::float8 as lag from event_journal where published_at is null");
    metrics.publishLag.set({ database: options.database }, Math.max(0, rows[0]?.lag ?? 0));
  }

  function warn(error: unknown, message: string): void {
    if (Date.now() - lastWarnAt < 10_000) return; // one line per 10 s while a dependency is down
    lastWarnAt = Date.now();
    options.logger.warn({ err: error }, message);
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Holds the relay lock on one connection (which also LISTENs), relaying until stopped or the connection fails. */
  async function relayWhileLocked(): Promise<void> {
    const client = await options.pool.connect();
    let broken = false;
    client.on("error", () => (broken = true));
    client.on("notification", () => wake());
    try {
      const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [RELAY_LOCK]);
      if (!rows[0]!.locked) return void (await sleep(pollMs)); // another replica relays
      await client.query(`listen ${JOURNAL_CHANNEL}`);
      while (running && !broken) {
        let published = 0;
        try {
          published = await publishBatch();
          await updateLag();
        } catch (error) {
          warn(error, "relaying the event journal failed; retrying (the rows stay in the journal)");
          await sleep(500);
          continue;
        }
        if (published < batchSize && running) await sleep(pollMs);
      }
    } finally {
      // Closing the connection releases the advisory lock and the LISTEN.
      client.release(true);
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await relayWhileLocked();
          } catch (error) {
            warn(error, "the relay lost its database connection; reconnecting");
            if (running) await sleep(500);
          }
        }
      })();
      await Promise.resolve();
    },
    async stop() {
      running = false;
      wake();
      await loop;
    },
    async replay(from, to) {
      const result = await options.pool.query("update event_journal set published_at = null where sequence between $1 and $2", [from.toString(), to.toString()]);
      wake();
      return result.rowCount ?? 0;
    },
    publishBatch,
  };
}
