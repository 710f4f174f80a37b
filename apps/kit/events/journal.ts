/**
 * The journal writer: a change records its event in `event_journal` inside the change's own
 * transaction (migrations/<database>/..._event_journal), so the event exists exactly when the
 * change committed. The relay (relay.ts) publishes it afterwards; a NOTIFY, delivered on commit,
 * wakes the relay at once instead of at its next poll.
 */
import { type QueryExecutorProvider, sql } from "kysely";
import type { Actor } from "../audit-actor";
import type { EventOf, TopicDefinition } from "./topic";

/** The channel the relay listens on. */
export const JOURNAL_CHANNEL = "armature_event_journal";

export interface JournalledEvent {
  readonly eventId: string;
  readonly sequence: string;
}

/**
 * Writes one event of `topic`, keyed by `key` (events of one key are published in order), inside
 * `tx`: a kysely transaction (or any kysely executor) of the producing database. The event is
 * checked against the topic's schema first: an event its consumers could not read is a bug here.
 */
export async function journalEvent<T extends TopicDefinition>(tx: QueryExecutorProvider, topic: T, key: string, event: EventOf<T>, by: Actor): Promise<JournalledEvent> {
  const checked: { type: string; data: unknown } = topic.schema.parse(event);
  const { rows } = await sql<{ event_id: string; sequence: string }>`
    insert into event_journal (topic, event_key, type, data, actor, invocation_id, trace_id)
    values (${topic.name}, ${key}, ${checked.type}, ${JSON.stringify(checked.data)}::jsonb, ${by.actor}, ${by.invocationId ?? null}, ${by.traceId ?? null})
    returning event_id, sequence::text as sequence`.execute(tx);
  await sql`select pg_notify(${JOURNAL_CHANNEL}, ${topic.name})`.execute(tx);
  return { eventId: rows[0]!.event_id, sequence: rows[0]!.sequence };
}
