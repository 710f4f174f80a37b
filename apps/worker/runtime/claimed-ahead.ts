/**
 * The agent's local queue (graphile-worker's LocalQueue, in spirit): runs claimed ahead of the free
 * slots, leased to this agent but not started, so a slot that frees starts its next run without a
 * round trip to Postgres, and claims come in bigger batches. It only holds runs while this agent's
 * jobs are short (their mean duration under SHORT_JOB_MS): a run waits here about one short job, never
 * behind a long one that another agent's free slot could have run. A run that waited longer than
 * `maxWaitMs` (the jobs turned out long) is not started but taken out to be released (RunQueue.release);
 * the claim loop keeps maxWaitMs under a third of the lease, so a run started from here always has
 * most of its lease left. The claim loop also renews the waiting runs' leases with its running ones
 * and releases them unstarted on shutdown.
 */
import type { ClaimedRun, Renewal } from "./run-queue";

/** Jobs shorter than this on average (ms) are worth claiming ahead for. */
export const SHORT_JOB_MS = 20;
/** How many runs may wait, per slot, while jobs are short. */
export const AHEAD_PER_SLOT = 3;
/** Weight of the latest job in the mean duration (an exponential moving average). */
const LATEST_WEIGHT = 0.1;

interface Waiting {
  readonly run: ClaimedRun;
  /** When it was claimed (performance.now()). */
  readonly since: number;
}

export class ClaimedAhead {
  private waiting: Waiting[] = [];
  private meanJobMs: number | undefined;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaitMs: number,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /** How many runs may wait here now: none until jobs have been seen to be short. */
  get limit(): number {
    return this.meanJobMs !== undefined && this.meanJobMs < SHORT_JOB_MS ? this.concurrency * AHEAD_PER_SLOT : 0;
  }

  /** A job's code ran for `ms` (its slot is free again). */
  jobTook(ms: number): void {
    this.meanJobMs = this.meanJobMs === undefined ? ms : this.meanJobMs + LATEST_WEIGHT * (ms - this.meanJobMs);
  }

  push(run: ClaimedRun, now: number): void {
    this.waiting.push({ run, since: now });
  }

  /** The oldest run that has not waited too long, taken out (call takeStale() first: next() skips nothing). */
  next(now: number): ClaimedRun | undefined {
    const first = this.waiting[0];
    if (!first || now - first.since > this.maxWaitMs) return undefined;
    return this.waiting.shift()!.run;
  }

  /** Every waiting run, taken out. */
  takeAll(): ClaimedRun[] {
    const runs = this.waiting.map((waiting) => waiting.run);
    this.waiting = [];
    return runs;
  }

  /** The runs that waited longer than maxWaitMs, taken out: they are to be released, not started. */
  takeStale(now: number): ClaimedRun[] {
    // Runs wait in the order they were claimed: the stale ones are the first.
    const fresh = this.waiting.findIndex((waiting) => now - waiting.since <= this.maxWaitMs);
    return this.waiting.splice(0, fresh === -1 ? this.waiting.length : fresh).map((waiting) => waiting.run);
  }

  /** Forgets runs whose lease is gone (another agent may own them now): they must not start here. */
  drop(runIds: ReadonlySet<string>): void {
    this.waiting = this.waiting.filter((waiting) => !runIds.has(waiting.run.id));
  }

  /** What the next lease renewal carries for the waiting runs (no progress or logs: they have not started). */
  renewals(): Renewal[] {
    return this.waiting.map(({ run }) => ({ runId: run.id, token: run.leaseToken, attemptId: run.attemptId, attempt: run.attempt, logs: [] }));
  }
}
