-- The health service as a consumer of discovery's events (discovery.registration.v1): the
-- registrations it probes, learnt from the events, and the consumer's bookkeeping
-- (apps/kit/events/consumer.ts).

-- One row per event applied: the effect and this row commit together, so a redelivered event
-- (at-least-once delivery) finds its id here and has no second effect.
create table processed_events (
  event_id     uuid not null,
  consumer     text not null,
  topic        text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

-- Events the consumer could not apply (invalid, or the handler kept failing): kept for operators,
-- counted in health and metrics, and skipped so the partition moves on.
create table poison_events (
  id           bigserial primary key,
  consumer     text not null,
  topic        text not null,
  kafka_partition integer not null,
  kafka_offset text not null,
  event_id     text,
  error        text not null,
  value        text not null,
  recorded_at  timestamptz not null default now()
);
create index poison_events_by_consumer on poison_events (consumer, recorded_at desc);

-- What health probes: every registration discovery announced, as of its latest revision.
create table registrations (
  name       text primary key,
  endpoints  jsonb not null check (jsonb_typeof(endpoints) = 'array'),
  version    text not null,
  revision   bigint not null,
  updated_at timestamptz not null default now()
);
