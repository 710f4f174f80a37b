-- Idempotent commands (apps/kit/events/idempotency.ts): the first outcome of each worker command
-- (trigger a run, put or delete a schedule), keyed by the caller's invocation id namespaced by
-- tenant, actor, command and input. Written in the command's own transaction, so a retried command
-- finds it and answers the same, and two concurrent ones cannot both commit.
--
-- The kit's runIdempotent names the table without a schema, so it lives in the search path's
-- schema (public), not armature_worker. "if not exists": a service database that already has the
-- kit's table (the same definition) shares it; keys carry the command name, so they cannot collide.
create table if not exists idempotent_commands (
  idempotency_key text primary key,
  command         text not null,
  outcome         jsonb not null,
  created_at      timestamptz not null default now()
);
