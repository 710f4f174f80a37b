-- The worker agent runtime's queue and history (apps/worker/runtime). It lives in its own schema so
-- it can sit in a product service's worker database next to that service's tables.
--
-- A run is one requested execution of a job with given parameters. Runs of the same job id and
-- parameters (same params_key) are mutually exclusive: at most one is running (runs_one_running),
-- and at most one is waiting fresh (runs_one_queued: further triggers join it, "deduplicated").
-- A running run is leased to one agent until lease_expires_at; the agent renews the lease while
-- the job runs, and every write it makes is fenced by lease_token.
create schema armature_worker;

create table armature_worker.runs (
  id               uuid primary key default gen_random_uuid(),
  job_id           text not null check (job_id ~ '^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$'),
  params           jsonb not null,
  -- sha-256 of the parameters as jsonb text (jsonb orders keys): "the same parameters".
  params_key       text not null check (params_key ~ '^[0-9a-f]{64}$'),
  state            text not null default 'queued'
                   check (state in ('queued', 'retrying', 'running', 'succeeded', 'dead', 'cancelled')),
  -- Attempts that count against max_attempts (a hand-back at shutdown does not count).
  attempts         integer not null default 0 check (attempts >= 0),
  max_attempts     integer not null check (max_attempts >= 1),
  run_after        timestamptz not null default now(),
  lease_owner      text,
  lease_token      uuid,
  lease_expires_at timestamptz,
  progress         jsonb,
  checkpoint       jsonb,
  result           jsonb,
  last_error       text,
  -- The invocation context of the trigger that created the run (trace, invocation id, tenant, actor, toggles).
  context          jsonb not null,
  created_at       timestamptz not null default clock_timestamp(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz not null default clock_timestamp(),
  check ((state = 'running') = (lease_token is not null and lease_owner is not null and lease_expires_at is not null))
);
create unique index runs_one_running on armature_worker.runs (job_id, params_key) where state = 'running';
create unique index runs_one_queued on armature_worker.runs (job_id, params_key) where state = 'queued';
create index runs_waiting on armature_worker.runs (run_after, created_at) where state in ('queued', 'retrying');
create index runs_leases on armature_worker.runs (lease_expires_at) where state = 'running';
create index runs_by_job on armature_worker.runs (job_id, created_at desc);
create index runs_by_state on armature_worker.runs (state, created_at desc);

-- Every execution attempt of a run: which agent, from when to when, how it ended.
create table armature_worker.attempts (
  id         bigint generated always as identity primary key,
  run_id     uuid not null references armature_worker.runs (id) on delete cascade,
  number     integer not null,
  agent      text not null,
  -- The invocation id the job ran under (its logs carry it).
  invocation_id text,
  started_at timestamptz not null default clock_timestamp(),
  ended_at   timestamptz,
  outcome    text check (outcome in ('succeeded', 'failed', 'timed_out', 'handed_back', 'lease_expired')),
  error      text,
  check ((ended_at is null) = (outcome is null))
);
create index attempts_by_run on armature_worker.attempts (run_id, id);
create unique index attempts_one_open on armature_worker.attempts (run_id) where ended_at is null;

-- Every accepted trigger (API, CLI or schedule tick) and the run it created or joined.
create table armature_worker.triggers (
  id          uuid primary key default gen_random_uuid(),
  run_id      uuid not null references armature_worker.runs (id) on delete cascade,
  source      text not null check (source in ('api', 'schedule', 'redrive')),
  outcome     text not null check (outcome in ('enqueued', 'deduplicated')),
  schedule_id text,
  tick_at     timestamptz,
  context     jsonb not null,
  created_at  timestamptz not null default clock_timestamp(),
  check ((source = 'schedule') = (schedule_id is not null and tick_at is not null))
);
create index triggers_by_run on armature_worker.triggers (run_id, created_at);
-- A schedule tick fires once, however many agents saw it come due.
create unique index triggers_one_per_tick on armature_worker.triggers (schedule_id, tick_at) where schedule_id is not null;

-- Cron schedules (time-zone aware). next_tick_at is advanced by whichever agent fires the tick.
create table armature_worker.schedules (
  id           text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  job_id       text not null,
  params       jsonb not null,
  cron         text not null,
  timezone     text not null,
  enabled      boolean not null default true,
  source       text not null check (source in ('api', 'code')),
  next_tick_at timestamptz not null,
  created_at   timestamptz not null default clock_timestamp(),
  updated_at   timestamptz not null default clock_timestamp(),
  updated_by   text not null
);
create index schedules_due on armature_worker.schedules (next_tick_at) where enabled;

-- What jobs logged at info and above through ctx.log, per attempt (also in the agent's stdout).
create table armature_worker.run_logs (
  id      bigint generated always as identity primary key,
  run_id  uuid not null references armature_worker.runs (id) on delete cascade,
  attempt integer not null,
  at      timestamptz not null,
  level   text not null check (level in ('info', 'warn', 'error')),
  msg     text not null,
  data    jsonb
);
create index run_logs_by_run on armature_worker.run_logs (run_id, id);
