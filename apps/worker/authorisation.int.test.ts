/**
 * Who may run, retry, cancel and schedule which jobs, with real service-account tokens from a
 * loopback issuer, against real Postgres (apps/kit/README.md, Authorisation).
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../../tools/test-services/fixtures";
import { type AuthorisationHarness, denialsIn, startAuthorisationHarness } from "../kit/testing/authorisation-harness";
import { type LogCapture, captureLogs } from "../kit/testing/log-capture";
import { createWorkerAgent, defineJob } from "./runtime/index";
import { FAST, type TestAgent, prepareWorkerDatabase } from "./testing/harness";

const ACME = "tenant-acme/acme";
const ADMIN = "platform/ops-console";
const report = (id: string) => defineJob({ id, description: `${id} for the authorisation tests.`, params: z.strictObject({ month: z.string().default("2026-01") }), async run() {} });

describe("worker authorisation", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let harness: AuthorisationHarness;
  let agent: TestAgent;
  let logs: LogCapture;

  const call = async (method: string, url: string, account: string, body?: unknown) => {
    const headers = { ...(await harness.as(account)), ...(body === undefined ? {} : { "content-type": "application/json" }) };
    const response = await agent.service.app.inject({ method: method as "GET", url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.statusCode, type: response.headers["content-type"], body: (response.statusCode === 204 ? {} : response.json()) };
  };

  beforeAll(async () => {
    database = await createTestDatabase("worker_authorisation");
    pool = await prepareWorkerDatabase(database.url);
    harness = await startAuthorisationHarness();
    logs = captureLogs();
    agent = await createWorkerAgent({
      name: "test-worker",
      jobs: () => [report("acme.report"), report("globex.report"), report("platform.cleanup")],
      env: { HOST: "127.0.0.1", PORT: "0", DATABASE_URL: database.url, WORKER_AGENT_ID: "authorisation-agent", ...FAST, ...harness.env },
      logDestination: logs.destination,
    });
  });
  afterAll(async () => {
    await agent?.service.shutdown();
    await pool?.end();
    await harness?.close();
    await database?.drop();
  });

  it("tenant A cannot run, cancel, retry or schedule B's jobs: 403 problems, each denial audited", async () => {
    const queued = await call("POST", "/v1/jobs/globex.report/runs", ADMIN, { params: { month: "2026-02" } });
    expect(queued.status).toBe(202);
    const runId = String(queued.body["runId"]);
    expect((await call("PUT", "/v1/schedules/globex-nightly", ADMIN, { jobId: "globex.report", cron: "0 3 * * *" })).status).toBe(201);

    const attempts = [
      ["POST", "/v1/jobs/globex.report/runs", { params: {} }, "job.run", "job globex.report"],
      ["POST", `/v1/runs/${runId}/cancel`, undefined, "job.run", "job globex.report"],
      ["POST", `/v1/runs/${runId}/retry`, undefined, "job.run", "job globex.report"],
      ["PUT", "/v1/schedules/globex-weekly", { jobId: "globex.report", cron: "0 3 * * 1" }, "schedule.change", "job globex.report"],
      // Taking over B's schedule with one of A's own jobs needs the right on the job it runs now.
      ["PUT", "/v1/schedules/globex-nightly", { jobId: "acme.report", cron: "0 3 * * *" }, "schedule.change", "job globex.report"],
      ["DELETE", "/v1/schedules/globex-nightly", undefined, "schedule.change", "job globex.report"],
      ["POST", "/v1/jobs/platform.cleanup/runs", { params: {} }, "job.run", "job platform.cleanup"],
    ] as const;
    for (const [method, url, body, action, resource] of attempts) {
      const before = denialsIn(logs).length;
      const response = await call(method, url, ACME, body);
      expect(response.status, `${method} ${url}`).toBe(403);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: "forbidden", detail: expect.stringContaining(`${ACME} may not ${action} ${resource}: no rule grants it.`) });
      expect(denialsIn(logs).slice(before)).toEqual([{ subject: ACME, action, resource, reason: "no rule grants it" }]);
    }
    const run = (await call("GET", `/v1/runs/${runId}`, ACME)).body;
    expect(run["state"]).not.toBe("cancelled");
    expect((run["triggers"] as unknown[]).length).toBe(1); // neither a second trigger nor a redrive
    expect((await call("GET", "/v1/schedules/globex-nightly", ACME)).body).toMatchObject({ jobId: "globex.report" });
  });

  it("A runs, cancels and schedules its own jobs; a run or schedule that does not exist is still a 404", async () => {
    const queued = await call("POST", "/v1/jobs/acme.report/runs", ACME, { params: {} });
    expect(queued.status).toBe(202);
    // Past authorisation: cancelled if still queued, else 409 (it ran already); never 403.
    expect([200, 409]).toContain((await call("POST", `/v1/runs/${String(queued.body["runId"])}/cancel`, ACME)).status);
    expect((await call("PUT", "/v1/schedules/acme-nightly", ACME, { jobId: "acme.report", cron: "0 4 * * *" })).status).toBe(201);
    expect((await call("DELETE", "/v1/schedules/acme-nightly", ACME)).status).toBe(204);
    expect((await call("POST", "/v1/runs/6f1d8a3e-3f9c-4a5e-9a43-2b1f0c7d9e11/cancel", ACME)).status).toBe(404);
    expect((await call("DELETE", "/v1/schedules/acme-nowhere", ACME)).status).toBe(404);
  });

  it("a platform admin runs and changes anything", async () => {
    expect((await call("POST", "/v1/jobs/platform.cleanup/runs", ADMIN, { params: {} })).status).toBe(202);
    expect((await call("PUT", "/v1/schedules/globex-nightly", ADMIN, { jobId: "acme.report", cron: "0 5 * * *" })).status).toBe(200);
    expect((await call("DELETE", "/v1/schedules/globex-nightly", ADMIN)).status).toBe(204);
  });
});
