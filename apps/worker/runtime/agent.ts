/**
 * The agent loop: claim due runs up to the concurrency, run each as an Execution, renew their leases
 * every lease/3, and take back runs whose agent died (expired leases). Woken at once by Postgres
 * notifications and by finishing jobs; polls as a fallback.
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
import type { ExpiredLease, ExpiryDecision, RunQueue } from "./run-queue";
import { Sleeper } from "./sleeper";

export interface AgentOptions extends ExecutionDeps {
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

export class Agent {
  private readonly executions = new Map<string, Execution>();
  private readonly sleeper = new Sleeper();
  private readonly queue: RunQueue;
  private readonly registry: JobRegistry;
  private draining = false;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private lastRenewedAt = Date.now();
  private lastReapAt = 0;

  constructor(private readonly options: AgentOptions) {
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
    if (this.loop) return;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.loop = this.claimLoop();
    this.options.logger.info({ agent: this.id, jobs: this.registry.ids, concurrency: this.options.concurrency, leaseMs: this.options.leaseMs }, "worker agent started");
  }

  /** A notification: runs of `jobId` may be waiting ("*": anything may be). */
  wake(jobId: string): void {
    if (jobId === "*" || this.registry.get(jobId)) this.sleeper.wake();
  }

  /** Stops claiming new runs, at once. */
  drain(): void {
    this.draining = true;
    this.sleeper.wake();
  }

  async stop(deadlines: StopDeadlines): Promise<void> {
    this.drain();
    await this.loop;
    const { logger } = this.options;
    const settled = () => Promise.all([...this.executions.values()].map((execution) => execution.done));
    if (this.executions.size > 0) {
      logger.info({ running: this.executions.size, finishWithinMs: deadlines.finishBy - Date.now() }, "draining: letting running jobs finish");
      if (!(await within(settled(), deadlines.finishBy))) {
        logger.warn({ running: this.executions.size }, "draining: jobs still running; asking them to checkpoint and hand back");
        for (const execution of this.executions.values()) execution.abort("shutdown", "the agent is shutting down: save a checkpoint and stop; another agent resumes the run");
        if (!(await within(settled(), deadlines.handBackBy))) {
          logger.error({ runs: [...this.executions.keys()] }, "jobs ignored the shutdown: their leases expire and other agents retry them");
        }
      }
    }
    clearInterval(this.heartbeat);
    await this.renewing;
    logger.info({ agent: this.id }, "worker agent stopped");
  }

  private async claimLoop(): Promise<void> {
    const { concurrency, pollMs, leaseMs, agentId, logger } = this.options;
    let failures = 0;
    while (!this.draining) {
      let more = false;
      try {
        if (Date.now() - this.lastReapAt >= pollMs) {
          this.lastReapAt = Date.now();
          await this.reap();
        }
        const free = concurrency - this.executions.size;
        if (free > 0) {
          const runs = await this.queue.claim(this.registry.ids, free, agentId, leaseMs);
          for (const run of runs) this.startExecution(run);
          more = runs.length === free;
        }
        failures = 0;
      } catch (error) {
        if (failures++ % 20 === 0) logger.warn({ err: error }, "claiming runs failed; retrying");
      }
      if (!more) await this.sleeper.sleep(pollMs);
    }
  }

  private startExecution(run: ConstructorParameters<typeof Execution>[0]): void {
    const execution = new Execution(run, this.options);
    this.executions.set(run.id, execution);
    void execution.done.then(() => {
      this.executions.delete(run.id);
      this.sleeper.wake();
    });
  }

  private async reap(): Promise<void> {
    const reaped = await this.queue.reapExpired(this.registry.ids, (expired) => this.afterExpiry(expired));
    for (const run of reaped) {
      this.options.logger.warn({ runId: run.runId, jobId: run.jobId, agent: run.leaseOwner }, `took back run ${run.runId}: the lease of agent ${run.leaseOwner} expired`);
    }
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
