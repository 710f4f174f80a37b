/**
 * Jobs for the worker's own tests. Each records what it did in plain tables (test_*), written by
 * the job itself, so the tests check real executions rather than the runtime's own bookkeeping.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { z } from "zod";
import { type JobDefinition, NonRetryableError, defineJob } from "../runtime/index";

export const TEST_TABLES_SQL = `
  create table if not exists test_intervals (id bigserial primary key, run_id uuid not null, job_key text not null, attempt int not null,
    invocation_id text not null, started_at timestamptz not null, ended_at timestamptz);
  create table if not exists test_steps (id bigserial primary key, run_id uuid not null, step int not null, attempt int not null, pid int not null);
`;

export function testJobs(pool: pg.Pool): JobDefinition[] {
  /** Records [start, end] of each execution in Postgres' clock, around a short sleep. */
  const exclusive = defineJob({
    id: "test.exclusive",
    description: "Records its start and end, sleeping ms in between.",
    params: z.strictObject({ key: z.string().min(1).max(20), ms: z.number().int().min(0).max(5000).default(20) }),
    timeoutMs: 10_000,
    async run(ctx) {
      const { rows } = await pool.query<{ id: string }>(
        "insert into test_intervals (run_id, job_key, attempt, invocation_id, started_at) values ($1, $2, $3, $4, clock_timestamp()) returning id",
        [ctx.runId, ctx.params.key, ctx.attempt, ctx.context.invocationId],
      );
      await sleep(ctx.params.ms, undefined, { signal: ctx.signal });
      await pool.query("update test_intervals set ended_at = clock_timestamp() where id = $1", [rows[0]!.id]);
      return { key: ctx.params.key };
    },
  });

  /** Counts to `steps`, one step every stepMs, checkpointing after each: resumes where an earlier attempt stopped. */
  const counter = defineJob({
    id: "test.counter",
    description: "Counts steps with a checkpoint after each.",
    params: z.strictObject({ steps: z.number().int().min(1).max(1000), stepMs: z.number().int().min(0).max(5000), label: z.string().default("") }),
    checkpoint: z.strictObject({ done: z.number().int().min(0) }),
    timeoutMs: 60_000,
    retry: { maxAttempts: 3, initialDelayMs: 0 },
    async run(ctx) {
      for (let step = ctx.resumeFrom?.done ?? 0; step < ctx.params.steps; step++) {
        await sleep(ctx.params.stepMs, undefined, { signal: ctx.signal });
        await pool.query("insert into test_steps (run_id, step, attempt, pid) values ($1, $2, $3, $4)", [ctx.runId, step, ctx.attempt, process.pid]);
        await ctx.checkpoint({ done: step + 1 });
        ctx.progress({ done: step + 1, of: ctx.params.steps });
      }
      ctx.log.info("counted", { steps: ctx.params.steps, resumedFrom: ctx.resumeFrom?.done ?? 0 });
      return { counted: ctx.params.steps };
    },
  });

  /** Fails its first `failures` executions (counted in test_steps, across redrives), then succeeds. */
  const flaky = defineJob({
    id: "test.flaky",
    description: "Fails a given number of times, then succeeds.",
    params: z.strictObject({ failures: z.number().int().min(0).max(10), key: z.string().default("") }),
    retry: { maxAttempts: 3, initialDelayMs: 50, factor: 2, maxDelayMs: 1000 },
    async run(ctx) {
      const { rows } = await pool.query<{ n: number }>(
        "insert into test_steps (run_id, step, attempt, pid) select $1, count(*), $2, $3 from test_steps where run_id = $1 returning step + 1 as n",
        [ctx.runId, ctx.attempt, process.pid],
      );
      const execution = rows[0]!.n;
      ctx.log.warn("attempting", { attempt: ctx.attempt, execution });
      if (execution <= ctx.params.failures) throw new Error(`planned failure ${execution}`);
      return { succeededOnAttempt: ctx.attempt, execution };
    },
  });

  const refuses = defineJob({
    id: "test.refuses",
    description: "Fails in a way retrying cannot fix.",
    params: z.strictObject({}),
    retry: { maxAttempts: 5, initialDelayMs: 10 },
    run: () => Promise.reject(new NonRetryableError("the invoice does not exist")),
  });

  const slow = defineJob({
    id: "test.slow",
    description: "Sleeps longer than its timeout.",
    params: z.strictObject({ ms: z.number().int().min(0).max(60_000) }),
    timeoutMs: 200,
    retry: { maxAttempts: 2, initialDelayMs: 10 },
    async run(ctx) {
      await sleep(ctx.params.ms, undefined, { signal: ctx.signal });
    },
  });

  return [exclusive, counter, flaky, refuses, slow];
}
