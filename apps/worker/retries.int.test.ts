/** Retries with backoff, timeouts, the dead-letter state, redrive and cancel, against real Postgres. */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type Json, type TestAgent, actorHeaders, eventually, prepareWorkerDatabase, startTestAgent } from "./testing/harness";

describe("retries and the dead-letter state", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let agent: TestAgent;

  const post = async (url: string, body?: unknown) => {
    const response = await agent.service.app.inject({ method: "POST", url, headers: { "content-type": "application/json", ...actorHeaders("ops") }, payload: JSON.stringify(body ?? {}) });
    return { status: response.statusCode, body: response.json<Json>() };
  };
  const trigger = async (jobId: string, params: Record<string, unknown>) => (await post(`/v1/jobs/${jobId}/runs`, { params })).body["runId"] as string;
  const detail = async (runId: string) => (await agent.service.app.inject({ method: "GET", url: `/v1/runs/${runId}` })).json<Json>();
  const until = (runId: string, state: string) => eventually(`run ${runId} ${state}`, async () => ((await detail(runId))["state"] === state ? detail(runId) : undefined));

  beforeAll(async () => {
    database = await createTestDatabase("worker_retries");
    pool = await prepareWorkerDatabase(database.url);
    agent = await startTestAgent(database.url, "retrier");
  });
  afterAll(async () => {
    await agent?.service.shutdown();
    await pool?.end();
    await database?.drop();
  });

  it("retries a failing job with growing delays and succeeds on a later attempt", async () => {
    const run = await until(await trigger("test.flaky", { failures: 2, key: "recovers" }), "succeeded");
    expect(run["attempt"]).toBe(3);
    expect(run["result"]).toEqual({ succeededOnAttempt: 3, execution: 3 });
    const attempts = run["attempts"] as Array<{ outcome: string; error: string; startedAt: string; endedAt: string }>;
    expect(attempts.map((a) => a.outcome)).toEqual(["failed", "failed", "succeeded"]);
    expect(attempts[0]!.error).toBe("planned failure 1");
    // Backoff (initial 50 ms, factor 2, equal jitter): the second wait is at least half of 100 ms.
    const gap = (i: number) => Date.parse(attempts[i + 1]!.startedAt) - Date.parse(attempts[i]!.endedAt);
    expect(gap(0)).toBeGreaterThanOrEqual(25);
    expect(gap(1)).toBeGreaterThanOrEqual(50);
  });

  it("moves a run to dead after its last attempt, keeps the error, and a redrive runs it again", async () => {
    const runId = await trigger("test.flaky", { failures: 4, key: "dies" });
    const dead = await until(runId, "dead");
    expect(dead["attempt"]).toBe(3);
    expect(dead["lastError"]).toBe("planned failure 3");
    expect(dead["finishedAt"]).not.toBeNull();
    expect((await agent.service.app.inject({ method: "GET", url: "/v1/runs?state=dead&jobId=test.flaky" })).json().runs.map((r: { id: string }) => r.id)).toContain(runId);

    // Redrive: a fresh set of attempts (its first fails, execution 4; the second succeeds).
    const redriven = await post(`/v1/runs/${runId}/retry`);
    expect(redriven.status).toBe(202);
    expect(redriven.body["outcome"]).toBe("enqueued");
    const run = await until(runId, "succeeded");
    expect(run["result"]).toEqual({ succeededOnAttempt: 2, execution: 5 });
    expect((run["attempts"] as Array<{ number: number; outcome: string }>).map((a) => [a.number, a.outcome])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect((run["triggers"] as Array<{ source: string; context: { actor: { id: string } } }>).map((t) => [t.source, t.context.actor.id])).toEqual([
      ["api", "ops"],
      ["redrive", "ops"],
    ]);
    // Only dead or cancelled runs can be redriven.
    expect((await post(`/v1/runs/${runId}/retry`)).body).toMatchObject({ status: 409, code: "run_not_dead" });
  });

  it("a NonRetryableError makes the run dead at once", async () => {
    const run = await until(await trigger("test.refuses", {}), "dead");
    expect(run["attempt"]).toBe(1);
    expect(run["lastError"]).toBe("NonRetryableError: the invoice does not exist");
  });

  it("aborts an attempt at the job's timeout, counts it as timed out and retries it", async () => {
    const run = await until(await trigger("test.slow", { ms: 5000 }), "dead");
    expect((run["attempts"] as Array<{ outcome: string; error: string }>).map((a) => [a.outcome, a.error])).toEqual([
      ["timed_out", "the attempt exceeded the job's timeout of 200 ms"],
      ["timed_out", "the attempt exceeded the job's timeout of 200 ms"],
    ]);
  });

  it("cancels a run that has not started, which then never runs, and refuses to cancel a finished one", async () => {
    const first = await trigger("test.exclusive", { key: "hold", ms: 600 });
    await until(first, "running");
    // Same job and parameters: it waits for the first to end.
    const second = await trigger("test.exclusive", { key: "hold", ms: 600 });
    expect((await detail(second))["state"]).toBe("queued");
    const cancelled = await post(`/v1/runs/${second}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: "cancelled", lastError: "cancelled by ops" });
    await until(first, "succeeded");
    expect((await post(`/v1/runs/${first}/cancel`)).body).toMatchObject({ status: 409, code: "run_not_waiting" });
    const { rows } = await pool.query<{ run_id: string }>("select run_id from test_intervals where job_key = 'hold'");
    expect(rows.map((row) => row.run_id)).toEqual([first]);
    expect((await detail(second))["state"]).toBe("cancelled");
  });
});
