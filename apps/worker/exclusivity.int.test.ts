/**
 * Exactly one runner: 5 agents (each with its own pool, loop and API) and 200 concurrent triggers
 * of the same job ids. Each execution records its own [start, end] in Postgres' clock; no two
 * executions of the same job and parameters may overlap, and every trigger must be accounted for.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type TestAgent, actorHeaders, prepareWorkerDatabase, settled, startTestAgent } from "./testing/harness";

const AGENTS = 5;
const TRIGGERS = 200;
const KEYS = ["alpha", "beta", "gamma", "delta"];

describe("5 agents, 200 triggers of the same job ids", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("worker_exclusive");
    pool = await prepareWorkerDatabase(database.url);
    agents.push(...(await Promise.all(Array.from({ length: AGENTS }, (_, i) => startTestAgent(database.url, `agent-${i}`)))));
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.service.shutdown()));
    await pool?.end();
    await database?.drop();
  });

  it("never overlaps two runs of the same job and parameters, and accounts for every trigger (run, deduplicated or rejected)", async () => {
    // Every 25th trigger names an unknown job, and every 25th (offset) has parameters the schema refuses.
    const requests = Array.from({ length: TRIGGERS }, (_, i) => {
      if (i % 25 === 7) return { jobId: "test.no-such-job", params: { key: "alpha" } };
      if (i % 25 === 13) return { jobId: "test.exclusive", params: { key: "" } };
      return { jobId: "test.exclusive", params: { key: KEYS[i % KEYS.length]!, ms: 15 } };
    });
    // Sent concurrently, in waves of 20, spread over the agents' APIs.
    const responses: Array<{ status: number; body: Record<string, unknown> }> = [];
    for (let wave = 0; wave < TRIGGERS; wave += 20) {
      const batch = requests.slice(wave, wave + 20).map(async (request, offset) => {
        const agent = agents[(wave + offset) % AGENTS]!;
        const response = await agent.service.app.inject({
          method: "POST",
          url: `/v1/jobs/${request.jobId}/runs`,
          headers: { "content-type": "application/json", ...actorHeaders("load") },
          payload: JSON.stringify({ params: request.params }),
        });
        return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
      });
      responses.push(...(await Promise.all(batch)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await settled(pool);

    // Every trigger has exactly one outcome.
    const accepted = responses.filter((r) => r.status === 202);
    const rejected = responses.filter((r) => r.status >= 400);
    const enqueued = accepted.filter((r) => r.body["outcome"] === "enqueued");
    const deduplicated = accepted.filter((r) => r.body["outcome"] === "deduplicated");
    expect(enqueued.length + deduplicated.length + rejected.length).toBe(TRIGGERS);
    expect(rejected.map((r) => [r.status, r.body["code"]]).sort()).toEqual([...Array(8).fill([400, "invalid_params"]), ...Array(8).fill([404, "unknown_job"])].sort());

    // Every accepted trigger is recorded against the run the API named, and every run succeeded.
    const { rows: triggers } = await pool.query<{ id: string; run_id: string; outcome: string; created_at: Date; started_at: Date }>(
      "select t.id, t.run_id, t.outcome, t.created_at, r.started_at from armature_worker.triggers t join armature_worker.runs r on r.id = t.run_id",
    );
    expect(triggers.length).toBe(accepted.length);
    const byTrigger = new Map(triggers.map((t) => [t.id, t]));
    for (const response of accepted) expect(byTrigger.get(response.body["triggerId"] as string)?.run_id).toBe(response.body["runId"]);
    const { rows: runs } = await pool.query<{ id: string; state: string; attempts: number }>("select id, state, attempts from armature_worker.runs");
    expect(runs.length).toBe(enqueued.length);
    expect(runs.filter((run) => run.state !== "succeeded" || run.attempts !== 1)).toEqual([]);
    // A deduplicated trigger joined a run that had not started yet.
    for (const trigger of triggers.filter((t) => t.outcome === "deduplicated")) expect(trigger.started_at.getTime()).toBeGreaterThanOrEqual(trigger.created_at.getTime());

    // Each run executed exactly once, and executions of the same parameters never overlap.
    const { rows: intervals } = await pool.query<{ run_id: string; job_key: string; started_at: Date; ended_at: Date | null }>(
      "select run_id, job_key, started_at, ended_at from test_intervals order by job_key, started_at",
    );
    expect(intervals.length).toBe(runs.length);
    expect(new Set(intervals.map((i) => i.run_id)).size).toBe(runs.length);
    const overlaps: string[] = [];
    for (let i = 1; i < intervals.length; i++) {
      const [previous, current] = [intervals[i - 1]!, intervals[i]!];
      expect(current.ended_at).not.toBeNull();
      if (previous.job_key === current.job_key && current.started_at < previous.ended_at!) overlaps.push(`${current.job_key}: ${current.run_id} started before ${previous.run_id} ended`);
    }
    expect(overlaps).toEqual([]);

    // The work was spread over the agents, and different parameters did run at the same time.
    const { rows: perAgent } = await pool.query<{ agent: string; attempts: number }>("select agent, count(*)::int as attempts from armature_worker.attempts group by agent order by agent");
    const parallel = intervals.filter((a) => intervals.some((b) => b.job_key !== a.job_key && b.started_at < a.ended_at! && a.started_at < b.ended_at!)).length;
    console.log(
      `exclusivity: ${enqueued.length} runs, ${deduplicated.length} deduplicated, ${rejected.length} rejected; attempts per agent ${JSON.stringify(Object.fromEntries(perAgent.map((a) => [a.agent, a.attempts])))}; ${parallel} runs overlapped a run of other parameters`,
    );
    expect(perAgent.length).toBeGreaterThan(1);
    expect(parallel).toBeGreaterThan(0);
  });
});
