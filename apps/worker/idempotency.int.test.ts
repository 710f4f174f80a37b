/**
 * The worker's changes are idempotent per invocation: a trigger or schedule change retried with the
 * same invocation id (x-armature-context; the agent sees it as parentInvocationId) changes state
 * once and answers the first outcome; another invocation id is another command.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type Json, type TestAgent, actorHeaders, prepareWorkerDatabase, settled, startTestAgent } from "./testing/harness";

describe("idempotent worker commands", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let agent: TestAgent;

  const send = (method: "POST" | "PUT" | "DELETE", url: string, invocationId: string, body?: unknown) =>
    agent.service.app.inject({
      method,
      url,
      headers: { ...actorHeaders("ops", { invocationId }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
  const trigger = (invocationId: string, key: string) => send("POST", "/v1/jobs/test.exclusive/runs", invocationId, { params: { key, ms: 5 } });
  const runsOf = async (key: string) =>
    (await pool.query<{ id: string; triggers: number }>("select r.id, (select count(*)::int from armature_worker.triggers t where t.run_id = r.id) as triggers from armature_worker.runs r where r.params->>'key' = $1 order by r.created_at", [key])).rows;

  beforeAll(async () => {
    database = await createTestDatabase("worker_idempotency");
    pool = await prepareWorkerDatabase(database.url);
    agent = await startTestAgent(database.url, "idempotency-agent");
  });
  afterAll(async () => {
    await agent?.service.shutdown();
    await pool?.end();
    await database?.drop();
  });

  it("a retried trigger creates one run and answers its run id; another invocation id triggers another run", async () => {
    const first = await trigger("invocation-1", "idem");
    expect(first.statusCode).toBe(202);
    const answer = first.json<Json>();
    expect(answer).toMatchObject({ outcome: "enqueued" });

    // The retry, while the run may still be queued: the same answer, not a second trigger joining it.
    const retried = await trigger("invocation-1", "idem");
    expect(retried.statusCode).toBe(202);
    expect(retried.json<Json>()).toMatchObject({ runId: answer["runId"], triggerId: answer["triggerId"], outcome: "enqueued" });
    expect(retried.headers["location"]).toBe(`/v1/runs/${answer["runId"] as string}`);

    // And after the run finished: still the first outcome, nothing enqueued.
    await settled(pool);
    const late = await trigger("invocation-1", "idem");
    expect(late.json<Json>()).toMatchObject({ runId: answer["runId"], triggerId: answer["triggerId"], outcome: "enqueued" });
    expect(late.json<Json>()["run"]).toMatchObject({ id: answer["runId"], state: "succeeded" });
    expect(await runsOf("idem")).toEqual([{ id: answer["runId"], triggers: 1 }]);

    const other = await trigger("invocation-2", "idem");
    expect(other.statusCode).toBe(202);
    expect(other.json<Json>()["runId"]).not.toBe(answer["runId"]);
    expect((await runsOf("idem")).map((run) => run.id)).toEqual([answer["runId"], other.json<Json>()["runId"]]);
  });

  it("concurrent retries of one trigger wait for the first and answer its run", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => trigger("invocation-concurrent", "concurrent")));
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const runIds = new Set(answers.map((answer) => answer.json<Json>()["runId"] as string));
    expect(runIds.size).toBe(1);
    expect(await runsOf("concurrent")).toEqual([{ id: [...runIds][0], triggers: 1 }]);
  });

  it("a retried schedule change answers its first outcome; a new invocation is a new change", async () => {
    const body = { jobId: "test.exclusive", cron: "0 3 * * *", timezone: "UTC", params: { key: "nightly" } };
    expect((await send("PUT", "/v1/schedules/idem-nightly", "put-1", body)).statusCode).toBe(201);
    expect((await send("PUT", "/v1/schedules/idem-nightly", "put-1", body)).statusCode).toBe(201); // the first outcome: created
    expect((await send("PUT", "/v1/schedules/idem-nightly", "put-2", { ...body, cron: "0 4 * * *" })).statusCode).toBe(200);
    const replaced = await pool.query<{ cron: string }>("select cron from armature_worker.schedules where id = 'idem-nightly'");
    expect(replaced.rows).toEqual([{ cron: "0 4 * * *" }]);

    expect((await send("DELETE", "/v1/schedules/idem-nightly", "delete-1")).statusCode).toBe(204);
    expect((await send("DELETE", "/v1/schedules/idem-nightly", "delete-1")).statusCode).toBe(204); // the first outcome: deleted
    expect((await send("DELETE", "/v1/schedules/idem-nightly", "delete-2")).statusCode).toBe(404);
  });
});
