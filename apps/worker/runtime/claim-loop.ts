/**
 * The claim loop at the heart of a worker agent: `concurrency` slots, each claiming one due run at a time and running it as an
 * Execution (claims from several slots are in flight together, so short jobs do not queue behind
 * one claim loop). Idle slots wait for a Postgres notification (one slot is woken per
 * notification; a slot that found work wakes the next, since there may be more) or poll. Leases
 * are renewed every lease/3, and runs whose agent died (expired leases) are taken back every poll.
 *
 * Shutdown (spot-friendly): drain() stops claiming at once; stop() lets running jobs finish until
 * the finish deadline, then aborts them with reason "shutdown" so they checkpoint and hand the run
 * back (another agent resumes it at once), waiting until the hand-back deadline. A job that still
 * does not stop keeps its lease until the process exits; the lease then expires and another agent
 * retries the run.
 */
import type { Logger } from "pino";
import { Execution, type ExecutionDeps } from "./job-execution";
import type { JobRegistry } from "./job-registry";
import { retryDelayMs } from "./retry-policy";
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
  private slots: Promise<void>[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private reaper: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private reaping: Promise<void> | undefined;
  private lastRenewedAt = Date.now();
  private claimFailures = 0;

  constructor(private readonly options: ClaimLoopOptions) {
    this.queue = options.queue;
    this.registry = options.registry;
  }

  get id(): string {
    return this.options.agentId;
  }

  get running(): number {
    return this.executions.size;
  }

  start(): void {
    if (this.slots.length > 0) return;
    const { leaseMs, pollMs, concurrency, logger } = this.options;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.reaper = setInterval(() => void this.reap(), pollMs);
    this.slots = Array.from({ length: concurrency }, () => this.slot());
    logger.info({ agent: this.id, jobs: this.registry.ids, concurrency, leaseMs }, "worker agent started");
  }

  /** A notification: runs of `jobId` may be waiting ("*": anything may be). */
  wake(jobId: string): void {
    if (jobId === "*" || this.registry.get(jobId)) this.sleeper.wakeOne();
  }

  /** Stops claiming new runs, at once. */
  drain(): void {
    this.draining = true;
    clearInterval(this.reaper);
    this.sleeper.wakeAll();
  }

  async stop(deadlines: StopDeadlines): Promise<void> {
    this.drain();
    const { logger } = this.options;
    const settled = Promise.all(this.slots);
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

  /** One slot: claim a run, run it, again; wait when there is nothing to do. */
  private async slot(): Promise<void> {
    const { pollMs, leaseMs, agentId, logger } = this.options;
    while (!this.draining) {
      const mark = this.sleeper.mark;
      let run: ClaimedRun | undefined;
      try {
        run = await this.queue.claim(this.registry.ids, agentId, leaseMs);
        this.claimFailures = 0;
      } catch (error) {
        if (this.claimFailures++ % 20 === 0) logger.warn({ err: error }, "claiming runs failed; retrying");
      }
      if (!run) {
        await this.sleeper.sleep(pollMs, mark);
        continue;
      }
      this.sleeper.wakeOne(); // there may be more
      const execution = new Execution(run, this.options);
      this.executions.set(run.id, execution);
      await execution.done;
      this.executions.delete(run.id);
    }
  }

  private reap(): Promise<void> {
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
    try {
      const held = await this.queue.renew(renewals, this.options.leaseMs);
      this.lastRenewedAt = Date.now();
      executions.forEach((execution, index) => {
        if (held.has(execution.run.id)) execution.acknowledge(renewals[index]!);
        else if (this.executions.has(execution.run.id)) execution.lost("its renewal found it gone");
      });
    } catch (error) {
      this.options.logger.warn({ err: error }, "renewing leases failed");
      // Past the lease, another agent may already have taken these runs: stop them.
      if (Date.now() - this.lastRenewedAt > this.options.leaseMs) {
        for (const execution of executions) execution.lost("renewals failed for longer than the lease");
      }
    }
  }
}
