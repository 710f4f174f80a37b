/** What stops an agent before it starts: bad environment, broken job definitions and code schedules. */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../kit/index";
import { discardLogs } from "../../kit/testing/log-capture";
import { type WorkerAgentOptions, createWorkerAgent, defineJob, JobDefinitionError } from "./index";

const job = defineJob({ id: "reports.build", description: "Builds a report.", params: z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }), run: () => Promise.resolve() });
const start = (env: Record<string, string>, overrides: Partial<WorkerAgentOptions> = {}) =>
  createWorkerAgent({ name: "reports-worker", jobs: () => [job], env: { DATABASE_URL: "postgres://u:p@127.0.0.1:1/reports", PORT: "0", ...env }, logDestination: discardLogs(), ...overrides });

describe("starting a worker agent", () => {
  it("refuses a bad environment, naming each variable and what it expects (never echoing a URL)", async () => {
    const error = await start({ DATABASE_URL: "mysql://secret@db/x", WORKER_CONCURRENCY: "0", WORKER_LEASE_MS: "soon" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("DATABASE_URL: found a value (not shown); expected a postgres:// URL");
    expect((error as Error).message).toContain('WORKER_CONCURRENCY: found "0"; expected an integer from 1 to 256 (set WORKER_CONCURRENCY=4, or unset it for that default)');
    expect((error as Error).message).toContain('WORKER_LEASE_MS: found "soon"; expected an integer from 300 to 600000 (set WORKER_LEASE_MS=15000, or unset it for that default)');
    expect((error as Error).message).not.toContain("secret");
  });

  it("refuses a hand-back window that leaves running jobs no time to finish", async () => {
    await expect(start({ SHUTDOWN_TIMEOUT_MS: "5000", WORKER_HANDBACK_MS: "5000" })).rejects.toThrow(
      'WORKER_HANDBACK_MS: found "5000"; expected less than SHUTDOWN_TIMEOUT_MS (5000): running jobs get SHUTDOWN_TIMEOUT_MS - WORKER_HANDBACK_MS to finish',
    );
  });

  it("refuses duplicate job ids, an agent without jobs, and code schedules that cannot fire", async () => {
    await expect(start({}, { jobs: () => [job, job] })).rejects.toThrow(JobDefinitionError);
    await expect(start({}, { jobs: () => [] })).rejects.toThrow("a worker agent needs at least one job");
    await expect(start({}, { schedules: [{ id: "nightly", jobId: "reports.nope", cron: "0 2 * * *" }] })).rejects.toThrow('job "reports.nope": schedule nightly names this job, which is not registered');
    await expect(start({}, { schedules: [{ id: "nightly", jobId: "reports.build", cron: "0 2 * * *", params: { day: "yesterday" } }] })).rejects.toThrow("schedule nightly: params.day: Invalid string");
    await expect(start({}, { schedules: [{ id: "nightly", jobId: "reports.build", cron: "0 25 * * *", params: { day: "2025-01-01" } }] })).rejects.toThrow("Invalid value for hour: 25");
    await expect(start({}, { schedules: [{ id: "nightly", jobId: "reports.build", cron: "0 2 * * *", timezone: "Paris", params: { day: "2025-01-01" } }] })).rejects.toThrow('"Paris" is not an IANA time zone');
  });
});
