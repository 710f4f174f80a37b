/**
 * Claiming ahead with real agents and Postgres: while its jobs are short and there is a backlog, an
 * agent holds claimed runs it has not started yet; it renews their leases, and when it drains
 * (SIGTERM) it releases them unstarted, so another agent runs them as their first attempt.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type TestAgent, eventually, prepareWorkerDatabase, settled, startTestAgent } from "./testing/harness";

const SHORT_RUNS = 6;
/** Longer than a lease renewal (a third of the harness's 3 s lease) and the drain, so the slots stay busy throughout. */
const LONG_MS = 4000;

interface RunRow {
  id: string;
  state: string;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  started_at: Date | null;
}

describe("runs claimed ahead of the free slots", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let drainer: TestAgent | undefined;
  let taker: TestAgent | undefined;

  beforeAll(async () => {
    database = await createTestDatabase("worker_ahead");
    pool = await prepareWorkerDatabase(database.url);
  });
  afterAll(async () => {
    await drainer?.service.shutdown();
    await taker?.service.shutdown();
    await pool?.end();
    await database?.drop();
  });

  const runsOf = async (runIds: readonly string[]) =>
    (await pool.query<RunRow>("select id, state, attempts, lease_owner, lease_expires_at, started_at from armature_worker.runs where id = any($1) order by created_at", [runIds])).rows;

  it("a draining agent releases the runs waiting for its slots, and another agent runs them as their first attempt", async () => {
    // 2 slots; no poll in the test's time (notifications wake it), so nothing but a free slot or the drain moves its waiting runs.
    drainer = await startTestAgent(database.url, "drainer", { WORKER_CONCURRENCY: "2", WORKER_POLL_MS: "60000" });
    const { queue } = drainer.worker;
    const enqueue = (jobId: string, params: Record<string, unknown>, tx?: Parameters<typeof queue.enqueue>[1]) =>
      queue.enqueue({ jobId, params, maxAttempts: 3, context: { traceId: "", spanId: "", invocationId: `ahead-${JSON.stringify(params)}` }, source: "api" }, tx);

    // The agent learns that its jobs are short (test.refuses returns at once; its run goes dead). One at
    // a time: they share their job and parameters, and only notifications wake this agent.
    for (let i = 0; i < 30; i++) {
      await enqueue("test.refuses", {});
      await settled(pool);
    }

    // Two long runs fill the slots; the short ones behind them, enqueued in the same transaction, are claimed ahead.
    const { long, short } = await queue.db.transaction().execute(async (tx) => {
      const runIds = (keys: string[], ms: number) => keys.reduce<Promise<string[]>>(async (ids, key) => [...(await ids), (await enqueue("test.exclusive", { key, ms }, tx)).runId], Promise.resolve([]));
      return { long: await runIds(["long-1", "long-2"], LONG_MS), short: await runIds(Array.from({ length: SHORT_RUNS }, (_, i) => `short-${i}`), 0) };
    });
    const claimedAhead = await eventually("the short runs claimed by the drainer", async () => {
      const rows = await runsOf(short);
      return rows.every((run) => run.state === "running" && run.lease_owner === "drainer") ? rows : undefined;
    });
    const { rows: executed } = await pool.query<{ n: number }>("select count(*)::int as n from test_intervals where run_id = any($1)", [short]);
    expect(executed[0]!.n).toBe(0);
    expect((await runsOf(long)).map((run) => run.state)).toEqual(["running", "running"]);

    // Their leases are renewed while they wait (the heartbeat carries them with the running runs).
    await eventually("the waiting runs' leases renewed", async () => {
      const rows = await runsOf(short);
      return rows.every((run, i) => run.lease_expires_at!.getTime() > claimedAhead[i]!.lease_expires_at!.getTime()) ? true : undefined;
    });

    // SIGTERM's first step: stop claiming and give back what has not started.
    drainer.worker.claimLoop.drain();
    const released = await eventually("the waiting runs released", async () => {
      const rows = await runsOf(short);
      return rows.every((run) => run.state === "queued") ? rows : undefined;
    });
    expect(released.map((run) => [run.attempts, run.lease_owner, run.started_at])).toEqual(Array(SHORT_RUNS).fill([0, null, null]));
    const { rows: openAttempts } = await pool.query<{ n: number }>("select count(*)::int as n from armature_worker.attempts where run_id = any($1)", [short]);
    expect(openAttempts[0]!.n).toBe(0);

    taker = await startTestAgent(database.url, "taker");
    await settled(pool);
    const { rows: attempts } = await pool.query<{ run_id: string; number: number; agent: string; outcome: string }>(
      "select run_id, number, agent, outcome from armature_worker.attempts where run_id = any($1) order by run_id",
      [[...long, ...short]],
    );
    const attemptsOf = (runIds: string[]) => attempts.filter((a) => runIds.includes(a.run_id)).map((a) => [a.number, a.agent, a.outcome]);
    expect(attemptsOf(short)).toEqual(Array(SHORT_RUNS).fill([1, "taker", "succeeded"]));
    // The long runs had started: the drainer finished them itself.
    expect(attemptsOf(long)).toEqual(Array(2).fill([1, "drainer", "succeeded"]));
    expect((await runsOf(short)).map((run) => [run.state, run.attempts])).toEqual(Array(SHORT_RUNS).fill(["succeeded", 1]));
    // Each short run executed once.
    const { rows: intervals } = await pool.query<{ run_id: string; n: number }>("select run_id, count(*)::int as n from test_intervals where run_id = any($1) group by run_id", [short]);
    expect(intervals.map((row) => row.n)).toEqual(Array(SHORT_RUNS).fill(1));
  });
});
