-- The flags service: flags (per-environment targeting as JSON), reusable segments, the flag-set
-- version SDKs follow, and an audit log of every change (who, when, before, after).

-- One row: grows by one with every change to any flag or segment. Every write locks it first, so
-- changes are serialised and SDKs can tell a missed change (a gap) from an old one.
create table flag_set_version (
  singleton boolean primary key default true check (singleton),
  version   bigint not null
);
insert into flag_set_version (version) values (0);

create table segments (
  key         text primary key check (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,58}$'),
  description text not null default '',
  constraints jsonb not null check (jsonb_typeof(constraints) = 'array'),
  revision    bigint not null default 1,
  updated_at  timestamptz not null default now(),
  updated_by  text not null
);

create table flags (
  key                  text primary key check (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,58}$'),
  description          text not null default '',
  lifecycle            text not null default 'off-by-default' check (lifecycle in ('off-by-default', 'on-by-default', 'always-on')),
  lifecycle_changed_at timestamptz not null default now(),
  environments         jsonb not null check (jsonb_typeof(environments) = 'object'),
  dependencies         jsonb not null default '[]'::jsonb check (jsonb_typeof(dependencies) = 'array'),
  exposures            boolean not null default false,
  revision             bigint not null default 1,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  updated_by           text not null
);
create index flags_by_lifecycle on flags (lifecycle);

-- The segments each flag uses: a segment in use cannot be deleted.
create table flag_segments (
  flag_key    text not null references flags (key) on delete cascade,
  segment_key text not null references segments (key) on delete restrict,
  primary key (flag_key, segment_key)
);
create index flag_segments_by_segment on flag_segments (segment_key);

-- The flags each flag depends on: a flag others depend on cannot be deleted.
create table flag_dependencies (
  flag_key   text not null references flags (key) on delete cascade,
  parent_key text not null references flags (key) on delete restrict,
  primary key (flag_key, parent_key)
);
create index flag_dependencies_by_parent on flag_dependencies (parent_key);

create table audit_log (
  id            bigserial primary key,
  at            timestamptz not null default now(),
  version       bigint not null,
  actor         text not null,
  invocation_id text,
  trace_id      text,
  entity        text not null check (entity in ('flag', 'segment')),
  entity_key    text not null,
  action        text not null check (action in ('create', 'update', 'delete', 'transition')),
  before        jsonb,
  after         jsonb
);
create index audit_log_by_entity on audit_log (entity, entity_key, id desc);
