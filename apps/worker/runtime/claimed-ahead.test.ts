import { describe, expect, it } from "vitest";
import { AHEAD_PER_SLOT, ClaimedAhead, SHORT_JOB_MS } from "./claimed-ahead";
import type { ClaimedRun } from "./run-queue";

const run = (id: string): ClaimedRun => ({
  id,
  jobId: "test.noop",
  params: {},
  attempt: 2,
  maxAttempts: 3,
  leaseToken: `token-${id}`,
  attemptId: `attempt-${id}`,
  checkpoint: null,
  context: { traceId: "", spanId: "", invocationId: `trigger-${id}` },
  createdAt: new Date(0),
  runAfter: new Date(0),
  claimedAt: new Date(0),
  prior: { state: "queued", startedAt: null },
});

const ids = (runs: readonly ClaimedRun[]) => runs.map((claimed) => claimed.id);

describe("runs claimed ahead of the free slots", () => {
  it("makes room only once jobs are seen to be short, and none while they are long", () => {
    const ahead = new ClaimedAhead(8, 500);
    expect(ahead.limit).toBe(0);
    ahead.jobTook(SHORT_JOB_MS - 1);
    expect(ahead.limit).toBe(8 * AHEAD_PER_SLOT);
    ahead.jobTook(SHORT_JOB_MS * 100);
    expect(ahead.limit).toBe(0);
  });

  it("follows the mean job duration, not the last job: one long job among short ones keeps the room", () => {
    const ahead = new ClaimedAhead(4, 500);
    for (let i = 0; i < 20; i++) ahead.jobTook(1);
    ahead.jobTook(SHORT_JOB_MS * 2);
    expect(ahead.limit).toBe(4 * AHEAD_PER_SLOT);
    for (let i = 0; i < 20; i++) ahead.jobTook(SHORT_JOB_MS * 10);
    expect(ahead.limit).toBe(0);
  });

  it("starts the oldest waiting run first", () => {
    const ahead = new ClaimedAhead(2, 500);
    ahead.push(run("a"), 0);
    ahead.push(run("b"), 1);
    ahead.push(run("c"), 2);
    expect(ahead.size).toBe(3);
    expect(ahead.next(10)?.id).toBe("a");
    expect(ahead.next(10)?.id).toBe("b");
    expect(ahead.size).toBe(1);
    expect(ahead.next(10)?.id).toBe("c");
    expect(ahead.next(10)).toBeUndefined();
  });

  it("never starts a run that waited longer than the limit: it is taken out to be released instead", () => {
    const ahead = new ClaimedAhead(2, 100);
    ahead.push(run("old"), 0);
    ahead.push(run("older-than-limit-too"), 50);
    ahead.push(run("fresh"), 200);
    expect(ahead.next(151)).toBeUndefined();
    expect(ids(ahead.takeStale(151))).toEqual(["old", "older-than-limit-too"]);
    expect(ids(ahead.takeStale(151))).toEqual([]);
    expect(ahead.next(151)?.id).toBe("fresh");
  });

  it("takes everything out at shutdown, once", () => {
    const ahead = new ClaimedAhead(2, 500);
    ahead.push(run("a"), 0);
    ahead.push(run("b"), 0);
    expect(ids(ahead.takeAll())).toEqual(["a", "b"]);
    expect(ahead.takeAll()).toEqual([]);
    expect(ahead.size).toBe(0);
    expect(ahead.next(0)).toBeUndefined();
  });

  it("forgets runs whose lease was lost, so they never start here", () => {
    const ahead = new ClaimedAhead(2, 500);
    for (const id of ["a", "b", "c"]) ahead.push(run(id), 0);
    ahead.drop(new Set(["b", "unknown"]));
    expect(ids(ahead.takeAll())).toEqual(["a", "c"]);
  });

  it("renews the waiting runs' leases with their tokens, carrying no progress or logs", () => {
    const ahead = new ClaimedAhead(2, 500);
    expect(ahead.renewals()).toEqual([]);
    ahead.push(run("a"), 0);
    expect(ahead.renewals()).toEqual([{ runId: "a", token: "token-a", attemptId: "attempt-a", attempt: 2, logs: [] }]);
  });
});
