-- Discovery's registry: services (name -> endpoints, version, settings, health), developer
-- overrides, and an audit log of every change (who, when, before, after).
create table services (
  name              text primary key check (name ~ '^[a-z][a-z0-9-]{0,62}$'),
  endpoints         jsonb not null check (jsonb_typeof(endpoints) = 'array'),
  version           text not null,
  settings          jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  settings_schema   jsonb,
  health            text not null default 'unknown' check (health in ('unknown', 'pass', 'warn', 'fail')),
  health_checked_at timestamptz,
  revision          bigint not null default 1,
  updated_at        timestamptz not null default now(),
  updated_by        text not null
);

create table overrides (
  id          uuid primary key default gen_random_uuid(),
  service     text not null references services (name) on delete cascade,
  target      text not null,
  environment text,
  routing_key text,
  expires_at  timestamptz not null,
  created_at  timestamptz not null default now(),
  created_by  text not null,
  -- An override is scoped to exactly one of: an environment, or requests carrying a routing key.
  check ((environment is null) <> (routing_key is null))
);
create index overrides_by_service on overrides (service, expires_at);

create table audit_log (
  id            bigserial primary key,
  at            timestamptz not null default now(),
  actor         text not null,
  invocation_id text,
  trace_id      text,
  entity        text not null check (entity in ('service', 'override')),
  entity_key    text not null,
  action        text not null check (action in ('create', 'update', 'delete', 'health')),
  before        jsonb,
  after         jsonb
);
create index audit_log_by_entity on audit_log (entity, entity_key, at desc);
