/**
 * RunQueue.release against real Postgres: a run claimed ahead and never started goes back to the
 * queue as it was before the claim (state, started_at, attempts; the claim's attempt row removed),
 * fenced by its lease token, and never breaks "one freshly queued run per job and parameters".
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import type { DB } from "../../migrations/worker/schema.generated";
import { type ClaimedRun, RunQueue, WAKE_CHANNEL } from "./runtime/run-queue";
import { eventually, prepareWorkerDatabase } from "./testing/harness";

const JOB = "test.exclusive";
const LEASE_MS = 60_000;

interface RunRow {
  state: string;
  attempts: number;
  started_at: Date | null;
  run_after: Date;
  lease_token: string | null;
  lease_owner: string | null;
  due: boolean;
}

describe("releasing claimed runs that never started", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let queue: RunQueue;

  beforeAll(async () => {
    database = await createTestDatabase("worker_release");
    pool = await prepareWorkerDatabase(database.url);
    queue = new RunQueue(new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), pool);
  });
  beforeEach(async () => {
    await pool.query("truncate armature_worker.runs cascade");
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const enqueue = (key: string) =>
    queue.enqueue({ jobId: JOB, params: { key, ms: 0 }, maxAttempts: 3, context: { traceId: "", spanId: "", invocationId: `release-${key}` }, source: "api" });
  const claimOne = async (agent = "agent-a") => {
    const claimed = await queue.claim([JOB], agent, LEASE_MS, 1);
    expect(claimed).toHaveLength(1);
    return claimed[0]!;
  };
  const runOf = async (runId: string) =>
    (await pool.query<RunRow>("select state, attempts, started_at, run_after, lease_token, lease_owner, run_after <= now() as due from armature_worker.runs where id = $1", [runId])).rows[0]!;
  const attemptsOf = async (runId: string) =>
    (await pool.query<{ id: string; number: number; agent: string; outcome: string | null }>("select id, number, agent, outcome from armature_worker.attempts where run_id = $1 order by id", [runId])).rows;

  it("puts a fresh run back as queued, with no start, no attempt counted and no attempt row", async () => {
    const { runId } = await enqueue("fresh");
    const before = await runOf(runId);
    const claimed = await claimOne();
    expect(claimed.prior).toEqual({ state: "queued", startedAt: null });
    expect(await runOf(runId)).toMatchObject({ state: "running", attempts: 1, lease_owner: "agent-a" });
    expect(await attemptsOf(runId)).toHaveLength(1);

    expect(await queue.release([claimed])).toEqual(new Set([runId]));
    expect(await runOf(runId)).toEqual({ ...before, state: "queued", attempts: 0, started_at: null, lease_token: null, lease_owner: null, due: true });
    expect(await attemptsOf(runId)).toEqual([]);
    // Claimed again, it starts as attempt 1: the released claim left nothing behind.
    const again = await claimOne("agent-b");
    expect(again.attempt).toBe(1);
    expect((await attemptsOf(runId)).map((a) => [a.number, a.agent])).toEqual([[1, "agent-b"]]);
  });

  it("puts a retried run back as retrying, keeping its first start and its earlier attempts", async () => {
    const { runId } = await enqueue("retried");
    const first = await claimOne();
    const recorded = await queue.finish([{ lease: { runId, token: first.leaseToken, attemptId: first.attemptId }, finish: { state: "retrying", outcome: "failed", delayMs: 0, error: "planned" } }]);
    expect(recorded).toEqual(new Set([runId]));
    const { started_at: firstStart } = await runOf(runId);
    expect(firstStart).not.toBeNull();

    const second = await claimOne();
    expect(second.attempt).toBe(2);
    expect(second.prior).toEqual({ state: "retrying", startedAt: firstStart });
    expect(await queue.release([second])).toEqual(new Set([runId]));
    expect(await runOf(runId)).toMatchObject({ state: "retrying", attempts: 1, started_at: firstStart, lease_token: null, due: true });
    expect((await attemptsOf(runId)).map((a) => [a.number, a.outcome])).toEqual([[1, "failed"]]);
  });

  it("releases nothing with a stale lease token: not a forged one, not one whose lease expired and was claimed again", async () => {
    const { runId } = await enqueue("stale");
    const claimed = await claimOne();
    expect(await queue.release([{ ...claimed, leaseToken: "00000000-0000-4000-8000-000000000000" }])).toEqual(new Set());
    expect(await runOf(runId)).toMatchObject({ state: "running", attempts: 1, lease_token: claimed.leaseToken });
    expect(await attemptsOf(runId)).toHaveLength(1);

    // The lease expires, another agent takes the run back and claims it: the first claim's release changes nothing.
    await pool.query("update armature_worker.runs set lease_expires_at = now() - interval '1 second' where id = $1", [runId]);
    expect((await queue.reapExpired([JOB], () => ({ state: "retrying", delayMs: 0 }))).map((expired) => expired.runId)).toEqual([runId]);
    const taken = await claimOne("agent-b");
    expect(await queue.release([claimed])).toEqual(new Set());
    expect(await runOf(runId)).toMatchObject({ state: "running", attempts: 2, lease_owner: "agent-b", lease_token: taken.leaseToken });
    expect((await attemptsOf(runId)).map((a) => [a.number, a.agent, a.outcome])).toEqual([
      [1, "agent-a", "lease_expired"],
      [2, "agent-b", null],
    ]);
  });

  it("releases a batch, and only the runs whose lease it still holds", async () => {
    const runIds = [(await enqueue("batch-1")).runId, (await enqueue("batch-2")).runId];
    const claimed = await queue.claim([JOB], "agent-a", LEASE_MS, 2);
    expect(claimed.map((run) => run.id).sort()).toEqual([...runIds].sort());
    const [kept, lost] = claimed as [ClaimedRun, ClaimedRun];
    expect(await queue.release([kept, { ...lost, leaseToken: "00000000-0000-4000-8000-000000000000" }])).toEqual(new Set([kept.id]));
    expect((await runOf(kept.id)).state).toBe("queued");
    expect((await runOf(lost.id)).state).toBe("running");
  });

  it("wakes the agents: a released run is due at once", async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      const notified: string[] = [];
      listener.on("notification", (message) => notified.push(message.payload ?? ""));
      await listener.query(`listen ${WAKE_CHANNEL}`);
      await enqueue("wake");
      const claimed = await claimOne();
      await eventually("the enqueue's notification", () => Promise.resolve(notified.length > 0 ? true : undefined));
      notified.length = 0;
      await queue.release([claimed]);
      expect(await eventually("the release's notification", () => Promise.resolve(notified.length > 0 ? notified : undefined))).toEqual([JOB]);
    } finally {
      await listener.end();
    }
  });

  it("leaves a run retrying and due when a trigger queued another of its job and parameters meanwhile", async () => {
    const { runId } = await enqueue("joined");
    const claimed = await claimOne();
    // The claimed run counts as running, so this trigger queues a new run instead of joining it.
    const next = await enqueue("joined");
    expect(next).toMatchObject({ outcome: "enqueued" });
    expect(next.runId).not.toBe(runId);

    expect(await queue.release([claimed])).toEqual(new Set([runId]));
    expect(await runOf(runId)).toMatchObject({ state: "retrying", attempts: 0, started_at: null, due: true });
    expect((await runOf(next.runId)).state).toBe("queued");
    expect(await attemptsOf(runId)).toEqual([]);
    // The released run is older: it is claimed first, and the other waits until it is over.
    expect((await claimOne()).id).toBe(runId);
    expect(await queue.claim([JOB], "agent-a", LEASE_MS, 5)).toEqual([]);
  });

  it("leaves a run retrying when the other queued run commits while the release is writing (the unique index decides)", async () => {
    const { runId } = await enqueue("racing");
    const claimed = await claimOne();
    // Another trigger's transaction has inserted a queued run of the same job and parameters, not committed yet.
    const trigger = await pool.connect();
    try {
      await trigger.query("begin");
      await trigger.query(
        `insert into armature_worker.runs (job_id, params, params_key, max_attempts, context)
         select job_id, params, params_key, max_attempts, context from armature_worker.runs where id = $1`,
        [runId],
      );
      const releasing = queue.release([claimed]);
      // The release's write waits on runs_one_queued for that transaction; then it commits.
      await eventually("the release to wait for the trigger's transaction", async () => {
        const { rows } = await pool.query<{ waiting: number }>("select count(*)::int as waiting from pg_locks where not granted and locktype = 'transactionid'");
        return rows[0]!.waiting > 0 ? true : undefined;
      });
      await trigger.query("commit");
      expect(await releasing).toEqual(new Set([runId]));
    } finally {
      trigger.release();
    }
    expect(await runOf(runId)).toMatchObject({ state: "retrying", attempts: 0, due: true, lease_token: null });
    expect(await attemptsOf(runId)).toEqual([]);
    const { rows } = await pool.query<{ state: string; n: number }>("select state, count(*)::int as n from armature_worker.runs group by state order by state");
    expect(rows).toEqual([
      { state: "queued", n: 1 },
      { state: "retrying", n: 1 },
    ]);
  });
});
