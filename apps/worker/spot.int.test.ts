/**
 * Spot-friendliness with real child processes: an agent killed with SIGKILL mid-job loses its lease
 * and another agent retries the run from its last checkpoint; an agent sent SIGTERM stops taking
 * work, lets short jobs finish and hands long ones back within the grace period.
 */
import path from "node:path";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { freePort } from "../../tools/test-services/free-port";
import { type ChildService, startChildService } from "../kit/testing/child-service";
import { testAuthorisationEnv } from "../kit/testing/authorisation-rules";
import { type TestAgent, actorHeaders, eventually, prepareWorkerDatabase, startTestAgent } from "./testing/harness";

const AGENT_MODULE = path.join(__dirname, "testing/test-agent.ts");
const LEASE_MS = 1500;

interface Attempt {
  number: number;
  agent: string;
  outcome: string | null;
  started_at: Date;
  ended_at: Date | null;
}

const SIGKILL_STEPS = 50;

describe("agents on spot nodes", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let child: ChildService | undefined;
  let rescuer: TestAgent | undefined;

  beforeAll(async () => {
    database = await createTestDatabase("worker_spot");
    pool = await prepareWorkerDatabase(database.url);
  });
  afterEach(async () => {
    child?.kill();
    await child?.exited;
    await rescuer?.service.shutdown();
    child = rescuer = undefined;
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  async function startChildAgent(id: string, env: Record<string, string> = {}): Promise<{ child: ChildService; url: string }> {
    const port = await freePort();
    const started = startChildService(AGENT_MODULE, {
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      WORKER_AGENT_ID: id,
      WORKER_POLL_MS: "50",
      WORKER_LEASE_MS: String(LEASE_MS),
      ...testAuthorisationEnv(),
      ...env,
    });
    await started.waitForLine((line) => line["msg"] === "test-worker listening");
    return { child: started, url: `http://127.0.0.1:${port}` };
  }

  async function trigger(url: string, jobId: string, params: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${url}/v1/jobs/${jobId}/runs`, { method: "POST", headers: { "content-type": "application/json", ...actorHeaders("spot-test") }, body: JSON.stringify({ params }) });
    expect(response.status).toBe(202);
    return ((await response.json()) as { runId: string }).runId;
  }

  const attemptsOf = async (runId: string) => (await pool.query<Attempt>("select number, agent, outcome, started_at, ended_at from armature_worker.attempts where run_id = $1 order by id", [runId])).rows;
  const stepsOf = async (runId: string) => (await pool.query<{ step: number; pid: number }>("select step, pid from test_steps where run_id = $1 order by id", [runId])).rows;
  const stateOf = async (runId: string) => (await pool.query<{ state: string; attempts: number }>("select state, attempts from armature_worker.runs where id = $1", [runId])).rows[0]!;
  const finished = (runId: string) => eventually(`run ${runId} to finish`, async () => ((await stateOf(runId)).state === "succeeded" ? true : undefined), 30_000);

  it("SIGKILL mid-job: another agent retries the run after the lease expires, from the last checkpoint", async () => {
    const started = await startChildAgent("doomed");
    child = started.child;
    // Long enough (5 s) that the doomed agent is still mid-job after the rescuer has started on a loaded machine.
    const runId = await trigger(started.url, "test.counter", { steps: SIGKILL_STEPS, stepMs: 100, label: "sigkill" });
    await eventually("3 steps on the doomed agent", async () => ((await stepsOf(runId)).length >= 3 ? true : undefined));
    // The rescuer is up before the kill: while the doomed agent holds the lease it must not take the run.
    rescuer = await startTestAgent(database.url, "rescuer", { WORKER_LEASE_MS: String(LEASE_MS) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.process.kill("SIGKILL");
    expect(await child.exited).toBe("SIGKILL");
    const { rows } = await pool.query<{ lease_expires_at: Date; lease_owner: string }>("select lease_expires_at, lease_owner from armature_worker.runs where id = $1", [runId]);
    const leaseEnd = rows[0]!.lease_expires_at;
    expect(rows[0]!.lease_owner).toBe("doomed");
    await finished(runId);

    const attempts = await attemptsOf(runId);
    expect(attempts.map((a) => [a.number, a.agent, a.outcome])).toEqual([
      [1, "doomed", "lease_expired"],
      [2, "rescuer", "succeeded"],
    ]);
    expect(attempts[1]!.started_at.getTime()).toBeGreaterThanOrEqual(leaseEnd.getTime());
    // The rescuer resumed from the checkpoint: every step is done, the doomed agent's checkpointed steps were not redone.
    const steps = await stepsOf(runId);
    const doomedSteps = steps.filter((s) => s.pid === child!.process.pid).map((s) => s.step);
    const rescuerSteps = steps.filter((s) => s.pid === process.pid).map((s) => s.step);
    expect(doomedSteps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(steps.map((s) => s.step))).toEqual(new Set(Array.from({ length: SIGKILL_STEPS }, (_, i) => i)));
    // At most the step in flight when the kill came is done twice (at-least-once).
    expect(rescuerSteps[0]).toBeGreaterThanOrEqual(Math.max(...doomedSteps));
    expect(steps.length - SIGKILL_STEPS).toBeLessThanOrEqual(1);
  });

  it("SIGTERM: stops claiming, finishes short jobs, hands long ones back to be resumed, and exits 0 within the grace period", async () => {
    const started = await startChildAgent("preempted", { SHUTDOWN_TIMEOUT_MS: "4000", WORKER_HANDBACK_MS: "2000", SHUTDOWN_DELAY_MS: "1000" });
    child = started.child;
    const short = await trigger(started.url, "test.exclusive", { key: "short", ms: 1200 });
    const long = await trigger(started.url, "test.counter", { steps: 30, stepMs: 150, label: "sigterm" });
    await eventually("both runs started on the preempted agent", async () => {
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from armature_worker.runs where id = any($1) and lease_owner = 'preempted'", [[short, long]]);
      return rows[0]!.n === 2 ? true : undefined;
    });
    child.process.kill("SIGTERM");
    await child.waitForLine((line) => line["msg"] === "shutting down: readiness now fails");
    // Its API still answers during SHUTDOWN_DELAY_MS, but work that arrives now must wait for another
    // agent, although the preempted one has free slots.
    const arrivedLate = await trigger(started.url, "test.exclusive", { key: "late", ms: 1 });
    // Exit 0 means the kit's SHUTDOWN_TIMEOUT_MS (the grace period) was not exceeded.
    expect(await child.exited, JSON.stringify(child.lines.slice(-5))).toBe(0);
    expect(await stateOf(arrivedLate)).toEqual({ state: "queued", attempts: 0 });
    rescuer = await startTestAgent(database.url, "rescuer");
    await finished(long);
    await finished(arrivedLate);
    expect((await attemptsOf(arrivedLate)).map((a) => a.agent)).toEqual(["rescuer"]);

    // The short job finished on the preempted agent before it exited.
    expect((await attemptsOf(short)).map((a) => [a.agent, a.outcome])).toEqual([["preempted", "succeeded"]]);
    // The long one was handed back (not counted as an attempt) and resumed by the rescuer from its checkpoint.
    const attempts = await attemptsOf(long);
    expect(attempts.map((a) => [a.number, a.agent, a.outcome])).toEqual([
      [1, "preempted", "handed_back"],
      [1, "rescuer", "succeeded"],
    ]);
    expect((await stateOf(long)).attempts).toBe(1);
    const steps = await stepsOf(long);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(steps.some((s) => s.pid === child!.process.pid) && steps.some((s) => s.pid === process.pid)).toBe(true);
    expect(child.lines.some((line) => line["msg"] === "draining: jobs still running; asking them to checkpoint and hand back")).toBe(true);
  });
});
