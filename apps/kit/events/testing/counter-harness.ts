/**
 * The events tests' producer and consumer: a producer database with counters whose every increment
 * journals `counter.incremented` in its own transaction, and a consumer database whose effect is
 * deliberately not idempotent by itself (a count goes up, a row is appended), so only the
 * consumer's processed_events stands between a duplicate delivery and a double effect.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { z } from "zod";
import { migrateToLatest } from "../../../migrator/src";
import type { Actor } from "../../audit-actor";
import { journalEvent } from "../journal";
import { type DecodedEvent, defineTopic } from "../topic";

export function counterTopic(name = "test.counter.v1") {
  return defineTopic(name, "Test counters: one event per increment.", z.discriminatedUnion("type", [z.object({ type: z.literal("counter.incremented"), data: z.object({ counter: z.string(), n: z.number().int().min(1) }) })]));
}
export type CounterTopic = ReturnType<typeof counterTopic>;

const actor: Actor = { actor: "events-test", invocationId: "00000000-0000-4000-8000-000000000000" };

/** The producer: `discovery`'s migrations give it the event journal; the counters are the test's. */
export async function producerDatabase(url: string, topic: CounterTopic) {
  await migrateToLatest({ databaseUrl: url, database: "discovery" });
  const pool = new pg.Pool({ connectionString: url, max: 12 });
  await pool.query("create table counters (key text primary key, value int not null)");
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    /** One change: the counter goes up and its event is journalled, in one transaction. */
    increment: (key: string) =>
      db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ value: number }>`insert into counters (key, value) values (${key}, 1) on conflict (key) do update set value = counters.value + 1 returning value`.execute(tx);
        await journalEvent(tx, topic, key, { type: "counter.incremented", data: { counter: key, n: rows[0]!.value } }, actor);
      }),
    unpublished: async () => Number((await pool.query<{ count: string }>("select count(*) from event_journal where published_at is null")).rows[0]!.count),
    close: () => db.destroy(),
  };
}

/** The consumer's database: `health`'s migrations give it processed_events and poison_events. */
export async function consumerDatabase(url: string) {
  await migrateToLatest({ databaseUrl: url, database: "health" });
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  await pool.query("create table totals (key text primary key, count int not null, last_n int not null)");
  await pool.query("create table applied (id bigserial primary key, key text not null, n int not null, sequence bigint not null)");
  return {
    pool,
    /** The effect: not idempotent on its own. */
    handle: async (event: DecodedEvent<CounterTopic>, client: pg.PoolClient) => {
      const { counter, n } = event.data;
      // One round trip: the count goes up and the change is appended.
      await client.query(
        `with counted as (insert into totals (key, count, last_n) values ($1, 1, $2) on conflict (key) do update set count = totals.count + 1, last_n = excluded.last_n)
         insert into applied (key, n, sequence) values ($1, $2, $3)`,
        [counter, n, event.sequence],
      );
    },
    applied: async () => Number((await pool.query<{ count: string }>("select count(*) from applied")).rows[0]!.count),
    /** Counts that prove exactly once and per-key order. */
    audit: async () => {
      const { rows } = await pool.query<{ applied: string; distinct_changes: string; processed: string; out_of_order: string; state: string }>(`
        select (select count(*) from applied) as applied,
               (select count(distinct (key, n)) from applied) as distinct_changes,
               (select count(*) from processed_events) as processed,
               (select count(*) from (select n < lag(n) over (partition by key order by id) as back from applied) ordered where back) as out_of_order,
               (select coalesce(md5(string_agg(key || ':' || count || ':' || last_n, ',' order by key)), '') from totals) as state`);
      const row = rows[0]!;
      return { applied: Number(row.applied), distinctChanges: Number(row.distinct_changes), processed: Number(row.processed), outOfOrder: Number(row.out_of_order), state: row.state };
    },
  };
}
