-- The event journal (the outbox): every change is written here in the transaction that makes it,
-- and the relay (apps/kit/events/relay.ts) publishes each row to Kafka at least once, in sequence
-- order. published_at stays null until Kafka acknowledged the row; a replay sets it back to null.
create table event_journal (
  sequence      bigserial primary key,
  event_id      uuid not null unique default gen_random_uuid(),
  topic         text not null check (topic ~ '^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$'),
  event_key     text not null,
  type          text not null,
  data          jsonb not null,
  actor         text not null,
  invocation_id text,
  trace_id      text,
  occurred_at   timestamptz not null default now(),
  published_at  timestamptz
);
-- The relay reads only what is not yet published: a partial index keeps that cheap however long the journal grows.
create index event_journal_unpublished on event_journal (sequence) where published_at is null;

-- Idempotent commands: the first outcome of each command, keyed by the invocation id namespaced by
-- tenant and actor (apps/kit/events/idempotency.ts). Written in the same transaction as the change,
-- so a retried command finds it and answers the same, and two concurrent ones cannot both commit.
create table idempotent_commands (
  idempotency_key text primary key,
  command         text not null,
  outcome         jsonb not null,
  created_at      timestamptz not null default now()
);
