/**
 * The claim loop at the heart of a worker agent: `concurrency` slots, filled by one loop that claims
 * as many due runs as there are free slots in one statement and runs each as an Execution (ended
 * attempts are recorded in batches too: finish-batcher.ts). A slot is free again as soon as its job
 * returns (the attempt is recorded meanwhile). While there is a backlog and jobs are short, it also
 * claims ahead of the free slots into a local queue (claimed-ahead.ts): a freed slot starts the next
 * waiting run at once, and the loop tops the local queue up in batches while jobs run. The loop
 * claims again after a claim that found work, and when a slot frees while the last claim got all it
 * asked for; otherwise it waits for a Postgres notification or its poll. Leases (of waiting runs
 * too) are renewed every lease/3, and runs whose agent died (expired leases) are taken back every
 * poll. A waiting run is never started after MAX_WAIT_MS (or a third of the lease): it is released
 * instead, at the next freed slot or poll, since the jobs turned out long and another agent may be free.
 *
 * Shutdown (spot-friendly): drain() stops claiming at once and releases the runs waiting in the
 * local queue (unstarted: their attempt is taken back); stop() lets running jobs finish until
 * the finish deadline, then aborts them with reason "shutdown" so they checkpoint and hand the run
 * back (another agent resumes it at once), waiting until the hand-back deadline. A job that still
 * does not stop keeps its lease until the process exits; the lease then expires and another agent
 * retries the run.
 */
import type { Logger } from "pino";
import { Execution, type ExecutionDeps } from "./job-execution";
import type { JobRegistry } from "./job-registry";
import { retryDelayMs } from "./retry-policy";
import { ClaimedAhead } from "./claimed-ahead";
import type { ClaimedRun, ExpiredLease, ExpiryDecision, RunQueue } from "./run-queue";
import { Sleeper } from "./sleeper";

export interface ClaimLoopOptions extends ExecutionDeps {
  readonly concurrency: number;
  readonly pollMs: number;
  readonly logger: Logger;
}

export interface StopDeadlines {
  /** Running jobs may finish until this (ms since the epoch)... */
  readonly finishBy: number;
  /** ...then they are asked to hand back, and waited for until this. */
  readonly handBackBy: number;
}

/** A run claimed ahead is released, not started, when it waited this long (or a third of the lease, if shorter) for a free slot. */
const MAX_WAIT_MS = 500;

const within = (work: Promise<unknown>, until: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, until - Date.now()));
    void work.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

export class ClaimLoop {
  private readonly executions = new Map<string, Execution>();
  private readonly sleeper = new Sleeper();
  private readonly queue: RunQueue;
  private readonly registry: JobRegistry;
  private draining = false;
  private claiming: Promise<void> | undefined;
  /** Each execution until its attempt is over and recorded. */
  private readonly unrecorded = new Set<Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private reaper: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private reaping: Promise<void> | undefined;
  private lastRenewedAt = Date.now();
  private claimFailures = 0;
  /** Slots whose job's code is running (an ended attempt frees its slot while it is recorded). */
  private busySlots = 0;
  /** The last claim got all it asked for: more runs are probably due, so a freed slot claims at once. */
  private backlog = false;
  /** Runs claimed ahead of the free slots, waiting for one. */
  private readonly ahead: ClaimedAhead;
  /** Releases of waiting runs in flight. */
  private readonly releasing = new Set<Promise<void>>();

  constructor(private readonly options: ClaimLoopOptions) {
    this.queue = options.queue;
    this.registry = options.registry;
    this.ahead = new ClaimedAhead(options.concurrency, Math.min(MAX_WAIT_MS, options.leaseMs / 3));
  }

  get id(): string {
    return this.options.agentId;
  }

  get running(): number {
    return this.executions.size;
  }

  start(): void {
    if (this.claiming) return;
    const { leaseMs, pollMs, concurrency, logger } = this.options;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.reaper = setInterval(() => void this.reap(), pollMs);
    this.claiming = this.claimRuns();
    logger.info({ agent: this.id, jobs: this.registry.ids, concurrency, leaseMs }, "worker agent started");
  }

  /** A notification: runs of `jobId` may be waiting ("*": anything may be). */
  wake(jobId: string): void {
    if (jobId === "*" || this.registry.get(jobId)) this.sleeper.wakeOne();
  }

  /** Stops claiming new runs, at once, and releases the runs waiting in the local queue. */
  drain(): void {
    this.draining = true;
    clearInterval(this.reaper);
    this.release(this.ahead.takeAll());
    this.sleeper.wakeAll();
  }

  async stop(deadlines: StopDeadlines): Promise<void> {
    this.drain();
    const { logger } = this.options;
    const settled = this.settled();
    if (this.executions.size > 0) {
      logger.info({ running: this.executions.size, finishWithinMs: deadlines.finishBy - Date.now() }, "draining: letting running jobs finish");
      if (!(await within(settled, deadlines.finishBy))) {
        logger.warn({ running: this.executions.size }, "draining: jobs still running; asking them to checkpoint and hand back");
        for (const execution of this.executions.values()) execution.abort("shutdown", "the agent is shutting down: save a checkpoint and stop; another agent resumes the run");
        if (!(await within(settled, deadlines.handBackBy))) {
          logger.error({ runs: [...this.executions.keys()] }, "jobs ignored the shutdown: their leases expire and other agents retry them");
        }
      }
    }
    await within(settled, deadlines.handBackBy);
    clearInterval(this.heartbeat);
    await Promise.all([this.renewing, this.reaping]);
    logger.info({ agent: this.id }, "worker agent stopped");
  }

  /** Fill free slots (and the local queue) with claimed runs, again; wait when there is no room or nothing is due. */
  private async claimRuns(): Promise<void> {
    const { pollMs, leaseMs, agentId, logger } = this.options;
    while (!this.draining) {
      const mark = this.sleeper.mark;
      const wanted = this.wanted();
      let runs: ClaimedRun[] = [];
      if (wanted > 0) {
        try {
          runs = await this.queue.claim(this.registry.ids, agentId, leaseMs, wanted);
          this.backlog = runs.length === wanted;
          this.claimFailures = 0;
        } catch (error) {
          if (this.claimFailures++ % 20 === 0) logger.warn({ err: error }, "claiming runs failed; retrying");
        }
      }
      // Claimed runs are ours (leased) even if draining started meanwhile: those with a free slot run.
      const now = performance.now();
      const unstarted: ClaimedRun[] = [];
      for (const run of runs) {
        if (this.busySlots < this.options.concurrency) this.execute(run);
        else if (this.draining) unstarted.push(run);
        else this.ahead.push(run, now);
      }
      this.release(unstarted);
      // Nothing found, or no room: a notification (an enqueue, a hand-back, a finished run with
      // another queued behind it), a freed slot while there is a backlog, or the poll wakes the loop.
      if (runs.length === 0) await this.sleeper.sleep(pollMs, mark);
    }
  }

  /** How many runs to claim now: every free slot's, plus the local queue's room while there is a backlog of short jobs. */
  private wanted(): number {
    const { concurrency } = this.options;
    const room = concurrency + (this.backlog ? this.ahead.limit : 0) - this.busySlots - this.ahead.size;
    if (room <= 0) return 0;
    // An idle slot claims whatever there is room for; topping up the local queue waits for half a batch.
    if (this.busySlots < concurrency && this.ahead.size === 0) return room;
    return room >= Math.ceil(concurrency / 2) ? room : 0;
  }

  private execute(run: ClaimedRun): void {
    const execution = new Execution(run, this.options);
    const started = performance.now();
    this.executions.set(run.id, execution);
    this.busySlots++;
    void execution.jobEnded.then(() => {
      this.busySlots--;
      const now = performance.now();
      this.ahead.jobTook(now - started);
      this.release(this.ahead.takeStale(now));
      const next = this.draining ? undefined : this.ahead.next(now);
      if (next) this.execute(next);
      if (this.backlog && this.wanted() > 0) this.sleeper.wakeOne(); // claim the next runs while this attempt is recorded
    });
    const recorded = execution.done.then(() => {
      this.executions.delete(run.id);
      this.unrecorded.delete(recorded);
    });
    this.unrecorded.add(recorded);
  }

  /** Resolves when the loop stopped claiming, the waiting runs are released and every execution is over. */
  private async settled(): Promise<void> {
    await this.claiming;
    while (this.releasing.size > 0) await Promise.all(this.releasing);
    while (this.unrecorded.size > 0) await Promise.all(this.unrecorded);
  }

  /** Gives unstarted runs back to the queue; if that fails, their leases expire and the reaper takes them back. */
  private release(runs: ClaimedRun[]): void {
    if (runs.length === 0) return;
    const released = this.queue
      .release(runs)
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.warn({ err: error, runs: runs.map((run) => run.id) }, "releasing unstarted runs failed; their leases expire and they are retried"))
      .finally(() => this.releasing.delete(released));
    this.releasing.add(released);
  }

  private reap(): Promise<void> {
    // Runs that waited too long in the local queue (the jobs turned out long): another agent may be free.
    this.release(this.ahead.takeStale(performance.now()));
    this.reaping ??= this.queue
      .reapExpired(this.registry.ids, (expired) => this.afterExpiry(expired))
      .then((reaped) => {
        for (const run of reaped) {
          this.options.logger.warn({ runId: run.runId, jobId: run.jobId, agent: run.leaseOwner }, `took back run ${run.runId}: the lease of agent ${run.leaseOwner} expired`);
        }
        if (reaped.length > 0) this.sleeper.wakeOne();
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "taking back expired leases failed; retrying"))
      .finally(() => (this.reaping = undefined));
    return this.reaping;
  }

  /** An expired lease counts as a failed attempt (the job may be what killed its agent). */
  private afterExpiry(expired: ExpiredLease): ExpiryDecision {
    const job = this.registry.get(expired.jobId);
    if (!job || expired.attempts >= expired.maxAttempts) return { state: "dead" };
    return { state: "retrying", delayMs: retryDelayMs(job.retry, expired.attempts) };
  }

  private renew(): Promise<void> {
    this.renewing ??= this.renewLeases().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewLeases(): Promise<void> {
    const executions = [...this.executions.values()];
    const renewals = executions.map((execution) => execution.renewal());
    const waiting = this.ahead.renewals();
    try {
      const held = await this.queue.renew([...renewals, ...waiting], this.options.leaseMs);
      this.lastRenewedAt = Date.now();
      executions.forEach((execution, index) => {
        if (held.has(execution.run.id)) execution.acknowledge(renewals[index]!);
        else if (this.executions.has(execution.run.id)) execution.lost("its renewal found it gone");
      });
      this.ahead.drop(new Set(waiting.filter((renewal) => !held.has(renewal.runId)).map((renewal) => renewal.runId)));
    } catch (error) {
      this.options.logger.warn({ err: error }, "renewing leases failed");
      // Past the lease, another agent may already have taken these runs: stop them, and start none of
      // the waiting ones (released: fenced by their tokens, so a release that comes too late changes nothing).
      if (Date.now() - this.lastRenewedAt > this.options.leaseMs) {
        for (const execution of executions) execution.lost("renewals failed for longer than the lease");
        this.release(this.ahead.takeAll());
      }
    }
  }
}
