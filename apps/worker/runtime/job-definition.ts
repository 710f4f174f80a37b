/**
 * A job, registered in code by ID: its parameter schema (zod), a timeout, a retry policy and the
 * function that runs it. A service's worker agent is its list of jobs plus this runtime.
 *
 *   export const sendInvoices = defineJob({
 *     id: "billing.send-invoices",
 *     description: "Sends the invoices of one billing period.",
 *     params: z.strictObject({ period: z.string().regex(/^\d{4}-\d{2}$/) }),
 *     timeoutMs: 20_000,
 *     retry: { maxAttempts: 5 },
 *     async run(ctx) { ... ctx.params.period ... },
 *   });
 */
import { z } from "zod";
import type { InvocationContext } from "../../kit/index";
import { JobDefinitionError } from "./job-errors";
import { type RetryPolicy, type RetryPolicyInput, retryPolicySchema } from "./retry-policy";

export const JOB_ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
export const jobIdSchema = z.string().min(1).max(100).regex(JOB_ID_PATTERN, "lower-case words joined by - and . (e.g. billing.send-invoices)");

/**
 * Spot nodes get 30 s notice and the agent keeps a few seconds to hand work back: a job that may
 * run longer than this must be able to resume (declare a checkpoint schema and save checkpoints).
 */
export const SPOT_SAFE_TIMEOUT_MS = 20_000;
export const MAX_TIMEOUT_MS = 6 * 3_600_000;

export type JobLogLevel = "debug" | "info" | "warn" | "error";
/** Logs of one attempt: to the agent's log (with the invocation context) and, from info up, to the run's history. */
export type JobLog = Record<JobLogLevel, (msg: string, data?: Record<string, unknown>) => void>;

export interface JobContext<P, C> {
  readonly runId: string;
  readonly jobId: string;
  /** The parameters, as parsed by the job's schema (defaults applied). */
  readonly params: P;
  /** 1 for the first attempt (attempts handed back at shutdown do not count). */
  readonly attempt: number;
  /**
   * Aborted when the attempt must stop: its timeout passed, the agent is shutting down (save a
   * checkpoint and throw, e.g. `signal.throwIfAborted()`: the run is handed back), or the lease was
   * lost. `signal.reason` is a JobAbort.
   */
  readonly signal: AbortSignal;
  /** The last checkpoint an earlier attempt saved, if any (checked against the checkpoint schema). */
  readonly resumeFrom: C | undefined;
  /** The invocation context of this attempt: forked from the trigger's (same trace, parent = the trigger). */
  readonly context: InvocationContext;
  readonly log: JobLog;
  /** Records progress (small JSON); written with the next lease renewal, readable over the API. */
  progress(value: unknown): void;
  /** Saves resumable state now. A later attempt (after a crash, timeout or hand-back) receives it as resumeFrom. */
  checkpoint(value: C): Promise<void>;
}

export type JobAbortReason = "timeout" | "shutdown" | "lease-lost";
export class JobAbort extends Error {
  constructor(readonly reason: JobAbortReason, message: string) {
    super(message);
    this.name = "JobAbort";
  }
}

export interface JobSpec<P extends z.ZodObject, C extends z.ZodType> {
  readonly id: string;
  readonly description: string;
  readonly params: P;
  /** The shape of the job's checkpoints; required when timeoutMs exceeds SPOT_SAFE_TIMEOUT_MS. */
  readonly checkpoint?: C;
  /** Default 10 s. An attempt still running after this is aborted and counts as failed. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicyInput;
  run(ctx: JobContext<z.output<P>, z.output<C>>): Promise<unknown>;
}

export interface JobDefinition<P extends z.ZodObject = z.ZodObject, C extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly description: string;
  readonly params: P;
  readonly checkpoint: C | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  run(ctx: JobContext<z.output<P>, z.output<C>>): Promise<unknown>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Checks a job's definition and fills in defaults; a broken rule throws JobDefinitionError. */
export function defineJob<P extends z.ZodObject, C extends z.ZodType = z.ZodUnknown>(spec: JobSpec<P, C>): JobDefinition<P, C> {
  const id = jobIdSchema.safeParse(spec.id);
  if (!id.success) throw new JobDefinitionError(spec.id, `the id must be ${id.error.issues[0]?.message ?? "valid"}`);
  if (!spec.description.trim()) throw new JobDefinitionError(spec.id, "describe what the job does (description)");
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new JobDefinitionError(spec.id, `timeoutMs must be an integer from 10 to ${MAX_TIMEOUT_MS}, not ${timeoutMs}`);
  }
  if (timeoutMs > SPOT_SAFE_TIMEOUT_MS && !spec.checkpoint) {
    throw new JobDefinitionError(
      spec.id,
      `timeoutMs ${timeoutMs} is longer than a spot node's notice allows (${SPOT_SAFE_TIMEOUT_MS} ms): declare a checkpoint schema and save checkpoints so another agent can resume it, or split the work`,
    );
  }
  const retry = retryPolicySchema.safeParse(spec.retry ?? {});
  if (!retry.success) {
    throw new JobDefinitionError(spec.id, `retry: ${retry.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return { id: spec.id, description: spec.description, params: spec.params, checkpoint: spec.checkpoint, timeoutMs, retry: retry.data, run: (ctx) => spec.run(ctx) };
}
