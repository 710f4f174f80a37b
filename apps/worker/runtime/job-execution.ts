/**
 * One attempt of a claimed run on this agent: the job runs inside its own invocation (the trigger's
 * context forked, its trace continued), under a timeout, with progress, checkpoints and logs going
 * to Postgres under the run's lease. How the attempt ended decides what happens to the run: done,
 * retried after a backoff, dead (the dead-letter state), or handed back at shutdown.
 */
import { trace, SpanStatusCode } from "@opentelemetry/api";
import type { InvocationContext, ServiceKit } from "../../kit/index";
import { currentContext, log } from "../../kit/index";
import { JobAbort, type JobAbortReason, type JobContext, type JobDefinition, type JobLog, type JobLogLevel } from "./job-definition";
import { LeaseLostError, NonRetryableError } from "./job-errors";
import { type JobRegistry, describeIssues } from "./job-registry";
import type { WorkerMetrics } from "./metrics";
import { retryDelayMs } from "./retry-policy";
import type { FinishBatcher } from "./finish-batcher";
import type { ClaimedRun, Finish, Lease, LogLine, Renewal, RunQueue } from "./run-queue";

/** Log lines of one attempt kept in the run's history (all of them still go to the agent's log). */
export const MAX_STORED_LOG_LINES = 200;
const MAX_PROGRESS_BYTES = 16 * 1024;
const MAX_CHECKPOINT_BYTES = 1024 * 1024;
const MAX_RESULT_BYTES = 64 * 1024;

export interface ExecutionDeps {
  readonly queue: RunQueue;
  /** Where ended attempts are recorded, batched with the agent's other attempts. */
  readonly finishes: FinishBatcher;
  readonly registry: JobRegistry;
  readonly invoke: ServiceKit<unknown>["invoke"];
  readonly agentId: string;
  readonly leaseMs: number;
  readonly metrics: WorkerMetrics;
}

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
}

function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

export class Execution {
  readonly lease: Lease;
  /** Settles when the attempt is over and recorded (never rejects). */
  readonly done: Promise<void>;
  /** Settles when the job's code has returned (or never started): its slot is free while the attempt is recorded. */
  readonly jobEnded: Promise<void>;
  private endJob!: () => void;
  private readonly controller = new AbortController();
  private leaseLost = false;
  private progress: { value: unknown; dirty: boolean } | undefined;
  private readonly logs: LogLine[] = [];
  private storedLogLines = 0;
  private invocationId: string | undefined;
  private readonly started = performance.now();

  constructor(
    readonly run: ClaimedRun,
    private readonly deps: ExecutionDeps,
  ) {
    this.lease = { runId: run.id, token: run.leaseToken, attemptId: run.attemptId };
    deps.metrics.startDelay.observe({ job_id: run.jobId }, Math.max(0, run.claimedAt.getTime() - run.runAfter.getTime()) / 1000);
    this.jobEnded = new Promise((resolve) => (this.endJob = resolve));
    this.done = this.execute()
      .catch((error: unknown) => {
        // The attempt could not be recorded (Postgres unreachable): its lease expires and the run is retried.
        log().error({ err: error, runId: run.id }, "could not record the end of an attempt; the run will be retried when its lease expires");
      })
      .finally(() => this.endJob());
  }

  abort(reason: JobAbortReason, message: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new JobAbort(reason, message));
  }

  /** The heartbeat found that this agent no longer holds the lease. */
  lost(why: string): void {
    this.leaseLost = true;
    this.abort("lease-lost", `the lease on run ${this.run.id} was lost (${why}); stop: another agent may run it now`);
  }

  /** What the next lease renewal carries for this attempt. */
  renewal(): Renewal {
    return {
      ...this.lease,
      attempt: this.run.attempt,
      invocationId: this.invocationId,
      progress: this.progress?.dirty ? this.progress.value : undefined,
      logs: [...this.logs],
    };
  }

  /** The renewal was stored: forget what it carried. */
  acknowledge(renewal: Renewal): void {
    this.logs.splice(0, renewal.logs.length);
    if (this.progress && renewal.progress === this.progress.value) this.progress.dirty = false;
  }

  private async execute(): Promise<void> {
    const { run, deps } = this;
    const job = deps.registry.get(run.jobId)!;
    const timer = setTimeout(() => this.abort("timeout", `the attempt exceeded the job's timeout of ${job.timeoutMs} ms`), job.timeoutMs);
    // A job that ignores its abort signal keeps its lease (exclusivity first) but is reported.
    const stuck = setTimeout(() => log().error({ runId: run.id, jobId: run.jobId }, "the job ignores its abort signal; it keeps its lease until it returns"), job.timeoutMs + deps.leaseMs);
    const parent = HEX_TRACE.test(run.context.traceId ?? "") && HEX_SPAN.test(run.context.spanId ?? "") ? { traceId: run.context.traceId, spanId: run.context.spanId } : undefined;
    try {
      // The trigger's context: the kit forks it (its invocation becomes the parent), as for a request.
      await deps.invoke(`job ${job.id}`, run.context, () => this.attempt(job), {
        parent,
        attributes: { "worker.job_id": job.id, "worker.run_id": run.id, "worker.attempt": run.attempt, "worker.agent": deps.agentId },
      });
    } finally {
      clearTimeout(timer);
      clearTimeout(stuck);
    }
  }

  private async attempt(job: JobDefinition): Promise<void> {
    const { run, deps } = this;
    const context = currentContext()!;
    this.invocationId = context.invocationId;
    log().info({ runId: run.id, jobId: run.jobId, attempt: run.attempt, agent: deps.agentId }, `job ${run.jobId} started (attempt ${run.attempt} of ${run.maxAttempts})`);
    let finish: Finish;
    try {
      const params = deps.registry.parseParams(job, run.params);
      if (!params.ok) throw new NonRetryableError(`the stored parameters no longer fit the job's schema: ${describeIssues(params.issues)}`);
      const result: unknown = await job.run(this.contextFor(job, params.params, context));
      const bytes = jsonSize(result);
      finish = { state: "succeeded", outcome: "succeeded", result: bytes <= MAX_RESULT_BYTES ? (result ?? null) : { truncated: true, bytes } };
    } catch (error) {
      finish = this.failure(job, error);
    }
    this.endJob();
    const seconds = (performance.now() - this.started) / 1000;
    if (this.leaseLost) {
      log().warn({ runId: run.id }, "the attempt ended after its lease was lost; nothing recorded (the agent that took over decides)");
      deps.metrics.attempts.inc({ job_id: run.jobId, outcome: "lease_lost" });
      return;
    }
    const logs = this.logs.splice(0).map((line) => ({ ...line, runId: run.id, attempt: run.attempt }));
    const recorded = await deps.finishes.finish({ lease: this.lease, finish, progress: this.progress?.value, invocationId: this.invocationId }, logs);
    deps.metrics.attempts.inc({ job_id: run.jobId, outcome: recorded ? finish.outcome : "lease_lost" });
    deps.metrics.duration.observe({ job_id: run.jobId, outcome: finish.outcome }, seconds);
    if (!recorded) {
      log().warn({ runId: run.id }, "the lease expired before the attempt was recorded; another agent retries the run");
      return;
    }
    this.report(finish, seconds);
  }

  private report(finish: Finish, seconds: number): void {
    const data = { runId: this.run.id, jobId: this.run.jobId, attempt: this.run.attempt, durationMs: Math.round(seconds * 1000) };
    if (finish.outcome === "succeeded") return log().info(data, `job ${this.run.jobId} succeeded`);
    trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: finish.error });
    if (finish.outcome === "handed_back") return log().warn({ ...data, error: finish.error }, `job ${this.run.jobId} handed back for another agent to resume`);
    if (finish.state === "dead") return log().error({ ...data, error: finish.error }, `job ${this.run.jobId} failed for good: the run is dead`);
    log().warn({ ...data, error: finish.error, retryInMs: finish.delayMs }, `job ${this.run.jobId} failed; it will be retried`);
  }

  private failure(job: JobDefinition, error: unknown): Finish {
    const abort = this.controller.signal.aborted ? (this.controller.signal.reason as JobAbort) : undefined;
    if (abort?.reason === "shutdown") return { state: "retrying", outcome: "handed_back", error: `handed back by agent ${this.deps.agentId} at shutdown` };
    const outcome = abort?.reason === "timeout" ? "timed_out" : "failed";
    const message = abort?.reason === "timeout" ? abort.message : describe(error);
    if (error instanceof NonRetryableError || this.run.attempt >= this.run.maxAttempts) return { state: "dead", outcome, error: message };
    return { state: "retrying", outcome, delayMs: retryDelayMs(job.retry, this.run.attempt), error: message };
  }

  private contextFor(job: JobDefinition, params: unknown, context: InvocationContext): JobContext<Record<string, unknown>, unknown> {
    const { run, deps } = this;
    let resumeFrom: unknown = run.checkpoint ?? undefined;
    if (resumeFrom !== undefined && job.checkpoint) {
      const parsed = job.checkpoint.safeParse(resumeFrom);
      if (!parsed.success) log().warn({ runId: run.id }, "the saved checkpoint does not fit the job's checkpoint schema; starting over");
      resumeFrom = parsed.success ? parsed.data : undefined;
    }
    const logTo = (level: JobLogLevel) => (msg: string, data?: Record<string, unknown>) => {
      log()[level]({ runId: run.id, ...data }, msg);
      if (level === "debug" || this.storedLogLines > MAX_STORED_LOG_LINES) return;
      this.storedLogLines++;
      const stored: LogLine = this.storedLogLines > MAX_STORED_LOG_LINES ? { at: new Date(), level: "warn", msg: `more than ${MAX_STORED_LOG_LINES} log lines: the rest are only in the agent's log (invocation ${context.invocationId})` } : { at: new Date(), level, msg, data };
      this.logs.push(stored);
    };
    const jobLog: JobLog = { debug: logTo("debug"), info: logTo("info"), warn: logTo("warn"), error: logTo("error") };
    return {
      runId: run.id,
      jobId: run.jobId,
      params: params as Record<string, unknown>,
      attempt: run.attempt,
      signal: this.controller.signal,
      resumeFrom,
      context,
      log: jobLog,
      progress: (value) => {
        if (jsonSize(value) > MAX_PROGRESS_BYTES) throw new Error(`progress is limited to ${MAX_PROGRESS_BYTES} bytes of JSON`);
        this.progress = { value, dirty: true };
      },
      checkpoint: async (value) => {
        if (job.checkpoint) job.checkpoint.parse(value);
        if (jsonSize(value) > MAX_CHECKPOINT_BYTES) throw new Error(`a checkpoint is limited to ${MAX_CHECKPOINT_BYTES} bytes of JSON`);
        if (!(await deps.queue.checkpoint(this.lease, value, deps.leaseMs))) {
          this.lost("a checkpoint found it gone");
          throw new LeaseLostError(run.id);
        }
      },
    };
  }
}
