import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "./job-definition";
import { JobRegistry } from "./job-registry";

const base = { description: "does things", params: z.strictObject({ n: z.number().int().min(1) }), run: () => Promise.resolve() };

describe("job definitions", () => {
  it("fills in the defaults", () => {
    const job = defineJob({ ...base, id: "billing.send-invoices" });
    expect(job).toMatchObject({ id: "billing.send-invoices", timeoutMs: 10_000, retry: { maxAttempts: 3 }, checkpoint: undefined });
  });

  it("refuses bad ids, timeouts and retry policies with the job and the fix named", () => {
    expect(() => defineJob({ ...base, id: "Billing Send" })).toThrow('job "Billing Send": the id must be lower-case words joined by - and . (e.g. billing.send-invoices)');
    expect(() => defineJob({ ...base, id: "a.b", timeoutMs: 0 })).toThrow("timeoutMs must be an integer from 10");
    expect(() => defineJob({ ...base, id: "a.b", retry: { maxAttempts: 0 } })).toThrow('job "a.b": retry: maxAttempts');
    expect(() => defineJob({ ...base, id: "a.b", description: " " })).toThrow("describe what the job does");
  });

  it("requires a checkpoint schema for jobs that may outlive a spot node's notice", () => {
    expect(() => defineJob({ ...base, id: "reports.rebuild", timeoutMs: 120_000 })).toThrow("declare a checkpoint schema and save checkpoints");
    expect(defineJob({ ...base, id: "reports.rebuild", timeoutMs: 120_000, checkpoint: z.object({ page: z.number() }) }).timeoutMs).toBe(120_000);
  });

  it("a registry refuses duplicate ids and reports parameter issues under params", () => {
    const job = defineJob({ ...base, id: "a.b" });
    expect(() => new JobRegistry([job, job])).toThrow("registered twice");
    const registry = new JobRegistry([job]);
    expect(registry.parseParams(job, { n: 0, extra: true })).toEqual({
      ok: false,
      issues: [
        { path: "params.n", message: "Too small: expected number to be >=1" },
        { path: "params", message: 'Unrecognized key: "extra"' },
      ],
    });
    expect(registry.parseParams(job, { n: 2 })).toEqual({ ok: true, params: { n: 2 } });
  });
});
