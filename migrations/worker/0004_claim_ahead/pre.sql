-- Claiming ahead (apps/worker/runtime/claim-loop.ts): an agent whose jobs are short claims more runs
-- than it has free slots and keeps them, leased, in a small local queue, so a slot that frees starts
-- its next run without a round trip. A run it did not start (shutdown, a job that turned out long)
-- is released: claim_runs_ahead returns the state and started_at the run had before the claim, and
-- the release (run-queue.ts) restores them, removes the attempt row the claim opened and takes the
-- attempt back (it never ran), fenced by the lease token like every other write.
--
-- The rules and planner settings are claim_runs' (0002); claim_runs and claim_run stay for agents
-- of the previous release during a rollout.
create function armature_worker.claim_runs_ahead(p_job_ids text[], p_agent text, p_lease_ms integer, p_limit integer)
returns table (id uuid, job_id text, params jsonb, attempts integer, max_attempts integer, lease_token uuid,
               checkpoint jsonb, context jsonb, created_at timestamptz, run_after timestamptz,
               attempt_id bigint, claimed_at timestamptz, prior_state text, prior_started_at timestamptz)
language plpgsql
set enable_bitmapscan = off
set enable_sort = off
as $$
begin
  return query
  with locked as (
    select r.id, r.job_id, r.params_key, r.run_after, r.created_at, r.state, r.started_at
    from armature_worker.runs r
    where r.state in ('queued', 'retrying') and r.run_after <= now() and r.job_id = any(p_job_ids)
      and (select true from armature_worker.runs busy
           where busy.job_id = r.job_id and busy.params_key = r.params_key and busy.state = 'running' limit 1) is null
    order by r.run_after, r.created_at
    limit p_limit
    for update skip locked
  ), candidate as (
    select distinct on (l.job_id, l.params_key) l.id, l.state, l.started_at
    from locked l
    order by l.job_id, l.params_key, l.run_after, l.created_at
  ), claimed as (
    update armature_worker.runs r set
      state = 'running', attempts = r.attempts + 1, lease_owner = p_agent, lease_token = gen_random_uuid(),
      lease_expires_at = now() + p_lease_ms * interval '1 millisecond',
      started_at = coalesce(r.started_at, clock_timestamp()), updated_at = clock_timestamp()
    from candidate where r.id = candidate.id
    returning r.*, candidate.state as prior_state, candidate.started_at as prior_started_at
  ), opened as (
    insert into armature_worker.attempts as a (run_id, number, agent)
    select c.id, c.attempts, p_agent from claimed c
    returning a.id as attempt_id, a.run_id, a.started_at
  )
  select c.id, c.job_id, c.params, c.attempts, c.max_attempts, c.lease_token,
         c.checkpoint, c.context, c.created_at, c.run_after, o.attempt_id, o.started_at,
         c.prior_state, c.prior_started_at
  from claimed c join opened o on o.run_id = c.id;
end
$$;
