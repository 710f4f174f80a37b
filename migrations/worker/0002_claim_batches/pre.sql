-- Claims up to p_limit due runs of p_job_ids in one statement (an agent fills all its free slots
-- with one round trip), with the rules of claim_run (0001): the oldest due runs first, none whose
-- job and parameters are running anywhere, FOR UPDATE SKIP LOCKED, a lease and an open attempt per
-- run. Of several waiting runs with the same job and parameters only the oldest is taken (the
-- runs_one_running index would refuse the second). claim_run stays for agents of the previous
-- release during a rollout.
--
-- The planner settings are pinned as for claim_run: walk runs_waiting in order and stop after
-- p_limit free runs, however stale the statistics of a queue that just filled up.
create function armature_worker.claim_runs(p_job_ids text[], p_agent text, p_lease_ms integer, p_limit integer)
returns table (id uuid, job_id text, params jsonb, attempts integer, max_attempts integer, lease_token uuid,
               checkpoint jsonb, context jsonb, created_at timestamptz, run_after timestamptz,
               attempt_id bigint, claimed_at timestamptz)
language plpgsql
set enable_bitmapscan = off
set enable_sort = off
as $$
begin
  return query
  with locked as (
    select r.id, r.job_id, r.params_key, r.run_after, r.created_at
    from armature_worker.runs r
    where r.state in ('queued', 'retrying') and r.run_after <= now() and r.job_id = any(p_job_ids)
      and (select true from armature_worker.runs busy
           where busy.job_id = r.job_id and busy.params_key = r.params_key and busy.state = 'running' limit 1) is null
    order by r.run_after, r.created_at
    limit p_limit
    for update skip locked
  ), candidate as (
    select distinct on (l.job_id, l.params_key) l.id
    from locked l
    order by l.job_id, l.params_key, l.run_after, l.created_at
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
