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
-- History: everything newest first, per job, and the dead letters.
create index runs_history on armature_worker.runs (created_at desc, id desc);
create index runs_by_job on armature_worker.runs (job_id, created_at desc);
create index runs_dead on armature_worker.runs (created_at desc) where state in ('dead', 'cancelled');

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

-- Claims the oldest due run of job_ids whose job and parameters are not running anywhere,
-- leases it to agent for lease_ms and opens its attempt. Returns no row when none is free.
--
-- PL/pgSQL so its plan is cached per connection (planning was half the cost of a claim). The planner
-- settings are pinned for it: it must walk runs_waiting in order and stop at the first free run. A
-- queue that was empty and suddenly holds thousands of runs has stale statistics, and the planner
-- then prefers a bitmap scan that sorts (and checks) every waiting run on every claim; measured, that
-- cut throughput by more than half until autovacuum's next analyze. The busy check is a correlated
-- subquery (a probe of runs_one_running by key), not an anti-join that would scan that index, dead
-- entries included.
create function armature_worker.claim_run(p_job_ids text[], p_agent text, p_lease_ms integer)
returns table (id uuid, job_id text, params jsonb, attempts integer, max_attempts integer, lease_token uuid,
               checkpoint jsonb, context jsonb, created_at timestamptz, run_after timestamptz,
               attempt_id bigint, claimed_at timestamptz)
language plpgsql
set enable_bitmapscan = off
set enable_sort = off
as $$
begin
  return query
  with candidate as (
    select r.id
    from armature_worker.runs r
    where r.state in ('queued', 'retrying') and r.run_after <= now() and r.job_id = any(p_job_ids)
      and (select true from armature_worker.runs busy
           where busy.job_id = r.job_id and busy.params_key = r.params_key and busy.state = 'running' limit 1) is null
    order by r.run_after, r.created_at
    limit 1
    for update skip locked
  ), claimed as (
    update armature_worker.runs r set
      state = 'running', attempts = r.attempts + 1, lease_owner = p_agent, lease_token = gen_random_uuid(),
      lease_expires_at = now() + p_lease_ms * interval '1 millisecond',
      started_at = coalesce(r.started_at, clock_timestamp()), updated_at = clock_timestamp()
    from candidate where r.id = candidate.id
    returning r.*
  ), opened as (
    insert into armature_worker.attempts as a (run_id, number, agent)
    select c.id, c.attempts, p_agent from claimed c
    returning a.id as attempt_id, a.run_id, a.started_at
  )
  select c.id, c.job_id, c.params, c.attempts, c.max_attempts, c.lease_token,
         c.checkpoint, c.context, c.created_at, c.run_after, o.attempt_id, o.started_at
  from claimed c join opened o on o.run_id = c.id;
end
$$;
