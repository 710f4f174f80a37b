/**
 * The worker API against real Postgres: status, history, progress and logs tied to the trigger's
 * invocation context; every bad input a 4xx problem with nothing enqueued; OpenAPI-driven bad-input
 * cases and a fuzz run with no 5xx.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { testAuthorisationEnv } from "../kit/testing/authorisation-rules";
import { captureLogs, type LogCapture, logLineProblems } from "../kit/testing/log-capture";
import { badInputFailures, fuzzForServerErrors, fuzzHeaders } from "../kit/testing/openapi-fuzz";
import { createWorkerAgent } from "./runtime/index";
import { FAST, type Json, type TestAgent, actorHeaders, eventually, prepareWorkerDatabase, queueSnapshot, settled } from "./testing/harness";
import { testJobs } from "./testing/test-jobs";

const BODY_LIMIT = 16_384;

describe("worker API", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let agent: TestAgent;
  let logs: LogCapture;

  const inject = (method: string, url: string, body?: unknown, headers: Record<string, string> = actorHeaders()) =>
    agent.service.app.inject({ method: method as "GET", url, headers: body === undefined ? headers : { "content-type": "application/json", ...headers }, payload: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    database = await createTestDatabase("worker_api");
    pool = await prepareWorkerDatabase(database.url);
    logs = captureLogs();
    agent = await createWorkerAgent({
      name: "test-worker",
      jobs: ({ pool: workerPool }) => testJobs(workerPool),
      env: { HOST: "127.0.0.1", PORT: "0", DATABASE_URL: database.url, WORKER_AGENT_ID: "api-agent", LOG_LEVEL: "debug", BODY_LIMIT_BYTES: String(BODY_LIMIT), ...FAST, ...testAuthorisationEnv() },
      logDestination: logs.destination,
    });
  });
  afterAll(async () => {
    await agent?.service.shutdown();
    await pool?.end();
    await database?.drop();
  });

  it("lists the jobs with their parameter schemas, timeouts and retry policies", async () => {
    const { jobs } = (await inject("GET", "/v1/jobs")).json<{ jobs: Array<{ id: string }> }>();
    expect(jobs.map((job) => job.id)).toEqual(["test.exclusive", "test.counter", "test.flaky", "test.refuses", "test.slow"]);
    const counter = (await inject("GET", "/v1/jobs/test.counter")).json<Json>();
    expect(counter).toMatchObject({ timeoutMs: 60_000, resumable: true, retry: { maxAttempts: 3, initialDelayMs: 0, factor: 2, maxDelayMs: 60_000 } });
    expect(counter["paramsSchema"]).toMatchObject({ type: "object", required: ["steps", "stepMs"], additionalProperties: false });
  });

  it("shows status, progress, result, attempts and logs of a run, tied to the trigger's invocation context", async () => {
    const trigger = await inject("POST", "/v1/jobs/test.counter/runs", { params: { steps: 5, stepMs: 20 } }, actorHeaders("alice", { tenant: "acme", invocationId: "cli-7f3a" }));
    expect(trigger.statusCode).toBe(202);
    const triggerInvocation = trigger.headers["x-armature-invocation-id"] as string;
    const { runId, run } = trigger.json<{ runId: string; run: Json }>();
    expect(trigger.headers["location"]).toBe(`/v1/runs/${runId}`);
    expect(run["context"]).toMatchObject({ invocationId: triggerInvocation, parentInvocationId: "cli-7f3a", tenant: "acme", actor: { id: "alice", type: "user" } });
    await settled(pool);

    const detail = (await inject("GET", `/v1/runs/${runId}`)).json<Json>();
    expect(detail).toMatchObject({ state: "succeeded", attempt: 1, progress: { done: 5, of: 5 }, checkpoint: { done: 5 }, result: { counted: 5 }, lease: null, lastError: null });
    expect(detail["attempts"]).toMatchObject([{ number: 1, agent: "api-agent", outcome: "succeeded" }]);
    expect(detail["triggers"]).toMatchObject([{ source: "api", outcome: "enqueued", context: { tenant: "acme", actor: { id: "alice" } } }]);
    const attemptInvocation = detail["attempts"][0].invocationId as string;

    // The job's log lines continue the trigger's trace, with the trigger as parent invocation.
    const jobLines = logs.lines().filter((line) => (line["context"] as Record<string, unknown> | undefined)?.["invocationId"] === attemptInvocation);
    expect(jobLines.map((line) => line["msg"])).toEqual(["job test.counter started (attempt 1 of 3)", "counted", "job test.counter succeeded"]);
    for (const line of jobLines) {
      expect(line["context"]).toMatchObject({ traceId: run["context"].traceId, parentInvocationId: triggerInvocation, tenant: "acme", actor: { id: "alice" } });
      expect(logLineProblems(line)).toEqual([]);
    }
    // ...and what it logged at info and above is in the run's history.
    const { lines } = (await inject("GET", `/v1/runs/${runId}/logs`)).json<{ lines: Array<Json> }>();
    expect(lines).toMatchObject([{ attempt: 1, level: "info", msg: "counted", data: { steps: 5, resumedFrom: 0 } }]);

    const history = (await inject("GET", "/v1/runs?jobId=test.counter&state=succeeded")).json<{ runs: Array<{ id: string }> }>();
    expect(history.runs.map((r) => r.id)).toContain(runId);
  });

  it("pages through the history, newest first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await inject("POST", "/v1/jobs/test.exclusive/runs", { params: { key: `page-${i}`, ms: 0 } })).json<{ runId: string }>().runId);
    await settled(pool);
    const first = (await inject("GET", "/v1/runs?jobId=test.exclusive&limit=3")).json<{ runs: Array<{ id: string }> }>().runs.map((r) => r.id);
    const second = (await inject("GET", `/v1/runs?jobId=test.exclusive&limit=3&before=${first.at(-1)}`)).json<{ runs: Array<{ id: string }> }>().runs.map((r) => r.id);
    expect([...first, ...second].slice(0, 5)).toEqual([...ids].reverse());
  });

  it("reports the queue depth over the API and as metrics", async () => {
    const long = (await inject("POST", "/v1/jobs/test.exclusive/runs", { params: { key: "depth", ms: 800 } })).json<{ runId: string }>().runId;
    await eventually("the run to start", async () => ((await inject("GET", `/v1/runs/${long}`)).json<{ state: string }>().state === "running" ? true : undefined));
    await inject("POST", "/v1/jobs/test.exclusive/runs", { params: { key: "depth", ms: 800 } });
    const queue = (await inject("GET", "/v1/queue")).json<{ jobs: Array<Record<string, number | string>>; backlog: number }>();
    expect(queue.jobs).toEqual([{ jobId: "test.exclusive", queued: 1, retrying: 0, running: 1, due: 2 }]);
    expect(queue.backlog).toBe(2);
    const metrics = (await inject("GET", "/metrics")).body;
    expect(metrics).toMatch(/armature_worker_backlog\{service="test-worker"\} 2/);
    expect(metrics).toMatch(/armature_worker_runs\{job_id="test.exclusive",state="running",service="test-worker"\} 1/);
    await settled(pool);
  });

  describe("bad input: a 4xx problem saying what and where, and nothing enqueued", () => {
    const cases: Array<{ name: string; method: string; url: string; body?: unknown; headers?: Record<string, string>; status: number; code: string; detail: RegExp; path?: string }> = [
      { name: "unknown job id", method: "POST", url: "/v1/jobs/billing.nope/runs", body: { params: {} }, status: 404, code: "unknown_job", detail: /no job "billing.nope" is registered.*GET \/v1\/jobs/ },
      { name: "malformed job id", method: "POST", url: "/v1/jobs/Not%20A%20Job/runs", body: { params: {} }, status: 400, code: "invalid_params", detail: /jobId/ },
      { name: "parameters failing the schema", method: "POST", url: "/v1/jobs/test.counter/runs", body: { params: { steps: 0, stepMs: "fast" } }, status: 400, code: "invalid_params", detail: /params.steps: .*params.stepMs/, path: "params.steps" },
      { name: "missing required parameter", method: "POST", url: "/v1/jobs/test.exclusive/runs", body: { params: {} }, status: 400, code: "invalid_params", detail: /params.key/, path: "params.key" },
      { name: "unknown parameter", method: "POST", url: "/v1/jobs/test.exclusive/runs", body: { params: { key: "a", color: "red" } }, status: 400, code: "invalid_params", detail: /color/ },
      { name: "parameters not an object", method: "POST", url: "/v1/jobs/test.exclusive/runs", body: { params: [1, 2] }, status: 400, code: "invalid_body", detail: /params/ },
      { name: "no actor in the context", method: "POST", url: "/v1/jobs/test.exclusive/runs", body: { params: { key: "a" } }, headers: {}, status: 401, code: "actor_required", detail: /x-armature-context/ },
      { name: "bad cron expression", method: "PUT", url: "/v1/schedules/bad-cron", body: { jobId: "test.exclusive", cron: "61 * * * *", params: { key: "a" } }, status: 400, code: "invalid_cron", detail: /"61 \* \* \* \*" is not a valid cron expression \(Invalid value for minute: 61\)/, path: "cron" },
      { name: "cron with too few fields", method: "PUT", url: "/v1/schedules/bad-cron", body: { jobId: "test.exclusive", cron: "every day", params: { key: "a" } }, status: 400, code: "invalid_cron", detail: /five fields/, path: "cron" },
      { name: "cron that never fires", method: "PUT", url: "/v1/schedules/bad-cron", body: { jobId: "test.exclusive", cron: "0 0 30 2 *", params: { key: "a" } }, status: 400, code: "invalid_cron", detail: /never fires/ },
      { name: "unknown time zone", method: "PUT", url: "/v1/schedules/bad-tz", body: { jobId: "test.exclusive", cron: "0 2 * * *", timezone: "Mars/Olympus", params: { key: "a" } }, status: 400, code: "invalid_timezone", detail: /"Mars\/Olympus" is not an IANA time zone/, path: "timezone" },
      { name: "schedule of an unknown job", method: "PUT", url: "/v1/schedules/nope", body: { jobId: "billing.nope", cron: "0 2 * * *" }, status: 400, code: "unknown_job", detail: /no job "billing.nope"/, path: "jobId" },
      { name: "schedule with bad parameters", method: "PUT", url: "/v1/schedules/bad-params", body: { jobId: "test.counter", cron: "0 2 * * *", params: { steps: -1 } }, status: 400, code: "invalid_params", detail: /params.steps/ },
      { name: "bad schedule id", method: "PUT", url: "/v1/schedules/Nightly_Run", body: { jobId: "test.exclusive", cron: "0 2 * * *", params: { key: "a" } }, status: 400, code: "invalid_params", detail: /id/ },
      { name: "redrive of an unknown run", method: "POST", url: "/v1/runs/6c0e8f4e-58c5-4a6b-9f0a-8d8d6d0b8b8b/retry", body: {}, status: 404, code: "run_not_found", detail: /no run/ },
    ];

    for (const c of cases) {
      it(c.name, async () => {
        const before = await queueSnapshot(pool);
        const response = await inject(c.method, c.url, c.body, c.headers ?? actorHeaders());
        expect(response.statusCode, response.body).toBe(c.status);
        expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
        const problem = response.json<{ code: string; detail: string; issues?: Array<{ path: string }> }>();
        expect(problem.code).toBe(c.code);
        expect(problem.detail).toMatch(c.detail);
        if (c.path) expect(problem.issues?.map((issue) => issue.path)).toContain(c.path);
        expect(await queueSnapshot(pool)).toEqual(before);
      });
    }
  });

  it("every operation of the OpenAPI document rejects malformed input with a 4xx problem, enqueueing nothing", async () => {
    const before = await queueSnapshot(pool);
    const { cases, failures } = await badInputFailures(agent.service.app, actorHeaders(), BODY_LIMIT);
    expect(cases).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expect(await queueSnapshot(pool)).toEqual(before);
  });

  it("a generated fuzz run over every operation finds no 5xx", async () => {
    const sent = await fuzzForServerErrors(agent.service.app, fuzzHeaders(actorHeaders("fuzzer")), 40);
    expect(sent).toBeGreaterThan(200);
  });
});
