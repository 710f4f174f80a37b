/**
 * The queue in Postgres (schema armature_worker, migrations/worker): enqueue with deduplication,
 * claim with FOR UPDATE SKIP LOCKED under leases, lease renewal, and finishing an attempt. Every
 * write an agent makes about a running run is fenced by the run's lease token: an agent that lost
 * its lease (it stalled, another agent took over) can no longer change the run.
 *
 * Exclusivity of "the same job with the same parameters" is enforced by two partial unique indexes
 * (one running, one freshly queued, per job id and params_key), not by the agents' good behaviour.
 */
import { type Kysely, type Transaction, sql } from "kysely";
import type pg from "pg";
import type { InvocationContext } from "../../kit/index";
import type { DB } from "../../../migrations/worker/schema.generated";
import type { AttemptOutcome, LogLevel, RunState, TriggerOutcome, TriggerSource } from "./states";

export const WAKE_CHANNEL = "armature_worker_runs";

type Db = Kysely<DB> | Transaction<DB>;

/** The key of "the same parameters": sha-256 of the jsonb text (jsonb orders object keys). */
const paramsKey = (params: string) => sql<string>`encode(sha256(convert_to(${params}::jsonb::text, 'UTF8')), 'hex')`;

export interface EnqueueRequest {
  readonly jobId: string;
  /** Already parsed by the job's schema. */
  readonly params: unknown;
  readonly maxAttempts: number;
  /** The trigger's invocation context: the run's logs and spans continue it. */
  readonly context: InvocationContext;
  readonly source: TriggerSource;
  readonly schedule?: { readonly id: string; readonly tickAt: Date };
}

export interface EnqueueResult {
  readonly runId: string;
  readonly triggerId: string;
  readonly outcome: TriggerOutcome;
}

export interface ClaimedRun {
  readonly id: string;
  readonly jobId: string;
  readonly params: unknown;
  /** This attempt's number (attempts counted so far, this one included). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly leaseToken: string;
  readonly attemptId: string;
  readonly checkpoint: unknown;
  readonly context: InvocationContext;
  readonly createdAt: Date;
  readonly runAfter: Date;
  readonly claimedAt: Date;
  /** What the claim changed, restored when the run is released unstarted (release()). */
  readonly prior: { readonly state: "queued" | "retrying"; readonly startedAt: Date | null };
}

/** What an agent holds while a run executes: enough to renew and finish it. */
export interface Lease {
  readonly runId: string;
  readonly token: string;
  readonly attemptId: string;
}

export interface LogLine {
  readonly at: Date;
  readonly level: LogLevel;
  readonly msg: string;
  readonly data?: Record<string, unknown>;
}

export interface Renewal extends Lease {
  /** The latest progress, when it changed since the last renewal. */
  readonly progress?: unknown;
  readonly attempt: number;
  readonly invocationId?: string;
  readonly logs: readonly LogLine[];
}

export type Finish =
  | { readonly state: "succeeded"; readonly outcome: "succeeded"; readonly result: unknown }
  | { readonly state: "retrying"; readonly outcome: "failed" | "timed_out"; readonly delayMs: number; readonly error: string }
  | { readonly state: "dead"; readonly outcome: "failed" | "timed_out"; readonly error: string }
  /** Shutdown: the attempt does not count, another agent takes the run at once. */
  | { readonly state: "retrying"; readonly outcome: "handed_back"; readonly error: string };

export interface ExpiredLease {
  readonly runId: string;
  readonly jobId: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leaseOwner: string;
}

export type ExpiryDecision = { readonly state: "retrying"; readonly delayMs: number } | { readonly state: "dead" };

export interface QueueDepth {
  readonly jobId: string;
  readonly state: Extract<RunState, "queued" | "retrying" | "running">;
  readonly count: number;
  /** Waiting runs whose run_after has passed (for running runs: all of them). */
  readonly due: number;
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/** One attempt to record: its lease, how it ended, and what it carries since the last renewal. */
export interface FinishRequest {
  readonly lease: Lease;
  readonly finish: Finish;
  readonly progress?: unknown;
  readonly invocationId?: string;
}

/**
 * The two statements every run goes through, each for a batch of runs: the claim fills an agent's
 * free slots and the finish records every attempt that ended meanwhile, one round trip each (a
 * statement per run was most of an agent's cost: a socket write per query, Postgres' per-statement
 * work and commit). They are named: node-postgres prepares them once per connection, so Postgres
 * plans them once.
 */
const CLAIM = { name: "armature_worker_claim_runs_ahead", text: "select * from armature_worker.claim_runs_ahead($1::text[], $2, $3::int, $4::int)" };
/**
 * Gives back claimed runs that never started (claim-loop.ts claims ahead of its free slots): the run
 * gets back the state and started_at it had before the claim (a run freshly queued again only if no
 * other run of its job and parameters was queued meanwhile: runs_one_queued; else it waits as
 * retrying, due now), the claim's attempt is taken back and its row removed, and agents are woken.
 */
const RELEASE = {
  name: "armature_worker_release_runs",
  text: `
    with input as (
      select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[]) as u(id, token, attempt_id, state, started_at)
    ), released as (
      update armature_worker.runs r set
        state = case when i.state = 'queued' and $6::boolean and not exists (
            select 1 from armature_worker.runs q where q.job_id = r.job_id and q.params_key = r.params_key and q.state = 'queued')
          then 'queued' else 'retrying' end,
        attempts = r.attempts - 1, started_at = i.started_at,
        lease_owner = null, lease_token = null, lease_expires_at = null, updated_at = clock_timestamp()
      from input i
      where r.id = i.id and r.lease_token = i.token and r.state = 'running'
      returning r.id, r.job_id, i.attempt_id
    ), removed as (
      delete from armature_worker.attempts a using released where a.id = released.attempt_id and a.run_id = released.id and a.ended_at is null
      returning a.id
    ), wake as (
      select pg_notify('${WAKE_CHANNEL}', job_id) from (select distinct job_id from released) j
    )
    select id, (select count(*) from removed)::int as removed, (select count(*) from wake)::int as woken from released`,
};
const FINISH = {
  name: "armature_worker_finish_runs",
  text: `
    with input as (
      select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])
        as u(id, token, state, attempts_delta, delay_ms, result, error, progress, outcome, invocation_id, attempt_id)
    ), run as (
      update armature_worker.runs r set
        state = i.state,
        attempts = r.attempts + i.attempts_delta,
        run_after = case when i.state = 'retrying' then now() + i.delay_ms * interval '1 millisecond' else r.run_after end,
        result = i.result::jsonb,
        last_error = i.error,
        progress = coalesce(i.progress::jsonb, r.progress),
        finished_at = case when i.state in ('succeeded', 'dead') then clock_timestamp() end,
        lease_owner = null, lease_token = null, lease_expires_at = null, updated_at = clock_timestamp()
      from input i
      where r.id = i.id and r.lease_token = i.token and r.state = 'running'
      returning r.id, r.job_id, r.params_key, i.state, i.delay_ms, i.outcome, i.error, i.invocation_id, i.attempt_id
    ), attempt as (
      update armature_worker.attempts a set ended_at = clock_timestamp(), outcome = run.outcome, error = run.error,
        invocation_id = coalesce(a.invocation_id, run.invocation_id)
      from run where a.id = run.attempt_id
      returning a.id
    ), wake as (
      -- Agents claim again: for a hand-back, and for a run of the same job and parameters that was
      -- queued behind this one (runs_one_queued finds it).
      select pg_notify('${WAKE_CHANNEL}', run.job_id) from run
      where (run.state = 'retrying' and run.delay_ms = 0)
         or exists (select 1 from armature_worker.runs w where w.job_id = run.job_id and w.params_key = run.params_key and w.state = 'queued')
    )
    select id, (select count(*) from attempt)::int as attempts, (select count(*) from wake)::int as woken from run`,
};

export class RunQueue {
  constructor(
    readonly db: Kysely<DB>,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Creates a run, or joins the run of the same job and parameters that is queued and not started
   * yet (outcome "deduplicated"). The joined run is locked FOR SHARE until the trigger is recorded,
   * so no agent can start it in between: a deduplicated trigger always has a run that starts after it.
   * Runs in `db` when it is a transaction (a schedule tick), else in its own.
   */
  async enqueue(request: EnqueueRequest, db?: Transaction<DB>): Promise<EnqueueResult> {
    if (!db) return this.db.transaction().execute((tx) => this.enqueue(request, tx));
    const params = json(request.params);
    for (let tries = 0; tries < 5; tries++) {
      const inserted = await sql<{ id: string }>`
        insert into armature_worker.runs (job_id, params, params_key, max_attempts, context)
        values (${request.jobId}, ${params}::jsonb, ${paramsKey(params)}, ${request.maxAttempts}, ${json(request.context)}::jsonb)
        on conflict (job_id, params_key) where state = 'queued' do nothing
        returning id`.execute(db);
      let runId = inserted.rows[0]?.id;
      const outcome: TriggerOutcome = runId ? "enqueued" : "deduplicated";
      if (!runId) {
        const existing = await sql<{ id: string }>`
          select id from armature_worker.runs
          where job_id = ${request.jobId} and params_key = ${paramsKey(params)} and state = 'queued'
          for share`.execute(db);
        runId = existing.rows[0]?.id;
        if (!runId) continue; // it started in between: try to insert again
      }
      const trigger = await db
        .insertInto("armature_worker.triggers")
        .values({
          run_id: runId,
          source: request.source,
          outcome,
          schedule_id: request.schedule?.id ?? null,
          tick_at: request.schedule?.tickAt ?? null,
          context: json(request.context),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (outcome === "enqueued") await sql`select pg_notify(${WAKE_CHANNEL}, ${request.jobId})`.execute(db);
      return { runId, triggerId: trigger.id, outcome };
    }
    throw new Error(`could not enqueue ${request.jobId}: the queued run kept starting while joining it`);
  }

  /**
   * Claims up to `limit` of the oldest due runs of `jobIds` whose job and parameters are not running
   * anywhere, leases them to `agent` for `leaseMs` and opens their attempts, in one statement
   * (armature_worker.claim_runs_ahead, migration 0004: claim_runs of 0002, plus what release() restores). Empty when there is none. When another agent won
   * a race for the same job and parameters, the unique index refuses the whole claim: claiming again
   * then skips that run (its job and parameters are running now).
   */
  async claim(jobIds: readonly string[], agent: string, leaseMs: number, limit: number): Promise<ClaimedRun[]> {
    for (let tries = 1; ; tries++) {
      try {
        const { rows } = await this.pool.query<ClaimedRow>({ ...CLAIM, values: [jobIds, agent, leaseMs, limit] });
        return rows.map(toClaimedRun);
      } catch (error) {
        if ((error as { code?: string }).code !== "23505") throw error;
        if (tries === 3) return [];
      }
    }
  }

  /**
   * Releases claimed runs that never started (see RELEASE): other agents (or this one) claim them
   * again at once. Returns the run ids it released: any other had lost its lease.
   */
  async release(runs: readonly ClaimedRun[]): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const values = (queuedAgain: boolean) => [
      runs.map((run) => run.id),
      runs.map((run) => run.leaseToken),
      runs.map((run) => run.attemptId),
      runs.map((run) => run.prior.state),
      runs.map((run) => run.prior.startedAt),
      queuedAgain,
    ];
    try {
      const { rows } = await this.pool.query<{ id: string }>({ ...RELEASE, values: values(true) });
      return new Set(rows.map((row) => row.id));
    } catch (error) {
      // A trigger queued a run of the same job and parameters in between: ours waits as retrying.
      if ((error as { code?: string }).code !== "23505") throw error;
      const { rows } = await this.pool.query<{ id: string }>({ ...RELEASE, values: values(false) });
      return new Set(rows.map((row) => row.id));
    }
  }

  /**
   * Extends the leases this agent still holds (and stores progress, the attempt's invocation id and
   * buffered log lines). Returns the run ids whose lease is still held: any other was lost.
   */
  async renew(renewals: readonly Renewal[], leaseMs: number): Promise<Set<string>> {
    if (renewals.length === 0) return new Set();
    const logs = renewals.flatMap((renewal) => renewal.logs.map((line) => ({ ...line, runId: renewal.runId, attempt: renewal.attempt })));
    if (logs.length > 0) await this.appendLogs(logs);
    const { rows } = await sql<{ id: string }>`
      with held as (
        update armature_worker.runs r set
          lease_expires_at = now() + ${leaseMs}::int * interval '1 millisecond',
          progress = coalesce(u.progress::jsonb, r.progress),
          updated_at = clock_timestamp()
        from unnest(${renewals.map((r) => r.runId)}::uuid[], ${renewals.map((r) => r.token)}::uuid[], ${renewals.map((r) => (r.progress === undefined ? null : json(r.progress)))}::text[])
          as u(id, token, progress)
        where r.id = u.id and r.lease_token = u.token and r.state = 'running'
        returning r.id
      ), named as (
        update armature_worker.attempts a set invocation_id = u.invocation_id
        from unnest(${renewals.map((r) => r.attemptId)}::bigint[], ${renewals.map((r) => r.invocationId ?? null)}::text[]) as u(id, invocation_id)
        where a.id = u.id and a.invocation_id is null and u.invocation_id is not null
        returning a.id
      )
      select id from held`.execute(this.db);
    return new Set(rows.map((row) => row.id));
  }

  /** Saves a checkpoint (and renews the lease); false when the lease is no longer held. */
  async checkpoint(lease: Lease, checkpoint: unknown, leaseMs: number): Promise<boolean> {
    const result = await sql`
      update armature_worker.runs set checkpoint = ${json(checkpoint)}::jsonb,
        lease_expires_at = now() + ${leaseMs}::int * interval '1 millisecond', updated_at = clock_timestamp()
      where id = ${lease.runId} and lease_token = ${lease.token} and state = 'running'`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  /**
   * Ends the attempts and moves their runs on, in one statement. Returns the run ids it recorded:
   * any other had lost its lease (another agent owns that run now).
   */
  async finish(requests: readonly FinishRequest[]): Promise<Set<string>> {
    if (requests.length === 0) return new Set();
    const column = <T>(value: (request: FinishRequest) => T) => requests.map(value);
    const { rows } = await this.pool.query<{ id: string }>({
      ...FINISH,
      values: [
        column((r) => r.lease.runId),
        column((r) => r.lease.token),
        column((r) => r.finish.state),
        column((r) => (r.finish.outcome === "handed_back" ? -1 : 0)),
        column((r) => ("delayMs" in r.finish ? r.finish.delayMs : 0)),
        column((r) => (r.finish.state === "succeeded" ? json(r.finish.result) : null)),
        column((r) => ("error" in r.finish ? r.finish.error.slice(0, 4000) : null)),
        column((r) => (r.progress === undefined ? null : json(r.progress))),
        column((r) => r.finish.outcome),
        column((r) => r.invocationId ?? null),
        column((r) => r.lease.attemptId),
      ],
    });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Takes back runs whose lease expired (their agent died or stalled): each one's open attempt ends
   * as lease_expired (it counts), and the run is retried after the delay `decide` gives, or is dead.
   */
  async reapExpired(jobIds: readonly string[], decide: (expired: ExpiredLease) => ExpiryDecision): Promise<ExpiredLease[]> {
    return this.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ id: string; job_id: string; attempts: number; max_attempts: number; lease_owner: string }>`
        select id, job_id, attempts, max_attempts, lease_owner from armature_worker.runs
        where state = 'running' and lease_expires_at < now() and job_id = any(${jobIds}::text[])
        order by lease_expires_at limit 50
        for update skip locked`.execute(tx);
      const reaped: ExpiredLease[] = [];
      for (const row of rows) {
        const expired: ExpiredLease = { runId: row.id, jobId: row.job_id, attempts: row.attempts, maxAttempts: row.max_attempts, leaseOwner: row.lease_owner };
        const decision = decide(expired);
        const error = `the lease of agent ${row.lease_owner} expired (it stopped renewing: crashed, killed or stalled)`;
        await sql`
          update armature_worker.runs set state = ${decision.state},
            run_after = now() + ${decision.state === "retrying" ? decision.delayMs : 0}::int * interval '1 millisecond',
            finished_at = case when ${decision.state}::text = 'dead' then clock_timestamp() end,
            last_error = ${error}, lease_owner = null, lease_token = null, lease_expires_at = null, updated_at = clock_timestamp()
          where id = ${row.id}`.execute(tx);
        await sql`
          update armature_worker.attempts set ended_at = clock_timestamp(), outcome = ${"lease_expired" satisfies AttemptOutcome}, error = ${error}
          where run_id = ${row.id} and ended_at is null`.execute(tx);
        reaped.push(expired);
      }
      return reaped;
    });
  }

  /**
   * Dead-letter redrive: a dead (or cancelled) run gets a fresh set of attempts, keeping its
   * checkpoint. Recorded as a trigger with the operator's context. Undefined when the run is not
   * in one of those states (or does not exist).
   */
  async redrive(runId: string, context: InvocationContext): Promise<EnqueueResult | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const run = await sql<{ id: string; job_id: string }>`
        update armature_worker.runs set state = 'retrying', attempts = 0, run_after = now(), finished_at = null, updated_at = clock_timestamp()
        where id = ${runId} and state in ('dead', 'cancelled')
        returning id, job_id`.execute(tx);
      const row = run.rows[0];
      if (!row) return undefined;
      const trigger = await tx
        .insertInto("armature_worker.triggers")
        .values({ run_id: row.id, source: "redrive", outcome: "enqueued", context: json(context) })
        .returning("id")
        .executeTakeFirstOrThrow();
      await sql`select pg_notify(${WAKE_CHANNEL}, ${row.job_id})`.execute(tx);
      return { runId: row.id, triggerId: trigger.id, outcome: "enqueued" };
    });
  }

  /** Cancels a run that has not started (queued, or waiting to retry); false for any other state. */
  async cancel(runId: string, reason: string): Promise<boolean> {
    const result = await sql`
      update armature_worker.runs set state = 'cancelled', finished_at = clock_timestamp(), last_error = ${reason}, updated_at = clock_timestamp()
      where id = ${runId} and state in ('queued', 'retrying')`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  async appendLogs(lines: ReadonlyArray<LogLine & { runId: string; attempt: number }>, db: Db = this.db): Promise<void> {
    if (lines.length === 0) return;
    await db
      .insertInto("armature_worker.run_logs")
      .values(lines.map((line) => ({ run_id: line.runId, attempt: line.attempt, at: line.at, level: line.level, msg: line.msg, data: line.data ? json(line.data) : null })))
      .execute();
  }

  /** Runs waiting and running, per job and state: what the agents are scaled on. */
  async depth(): Promise<QueueDepth[]> {
    const { rows } = await sql<{ job_id: string; state: QueueDepth["state"]; count: number; due: number }>`
      select job_id, state, count(*)::int as count,
        count(*) filter (where state = 'running' or run_after <= now())::int as due
      from armature_worker.runs where state in ('queued', 'retrying', 'running')
      group by job_id, state order by job_id, state`.execute(this.db);
    return rows.map((row) => ({ jobId: row.job_id, state: row.state, count: row.count, due: row.due }));
  }
}

interface ClaimedRow {
  id: string;
  job_id: string;
  params: unknown;
  attempts: number;
  max_attempts: number;
  lease_token: string;
  attempt_id: string;
  checkpoint: unknown;
  context: InvocationContext;
  created_at: Date;
  run_after: Date;
  claimed_at: Date;
  prior_state: ClaimedRun["prior"]["state"];
  prior_started_at: Date | null;
}

function toClaimedRun(row: ClaimedRow): ClaimedRun {
  return {
    id: row.id,
    jobId: row.job_id,
    params: row.params,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    leaseToken: row.lease_token,
    attemptId: String(row.attempt_id),
    checkpoint: row.checkpoint,
    context: row.context,
    createdAt: row.created_at,
    runAfter: row.run_after,
    claimedAt: row.claimed_at,
    prior: { state: row.prior_state, startedAt: row.prior_started_at },
  };
}
