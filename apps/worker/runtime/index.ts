/**
 * The worker agent runtime: what a service imports to get its worker agent. See ../README.md.
 *
 *   import { defineJob, runWorkerAgent } from "../worker/runtime";
 */
export { type CodeSchedule, type WorkerAgent, type WorkerAgentOptions, type WorkerKit, createWorkerAgent, runWorkerAgent } from "./worker-agent";
export { JobAbort, type JobAbortReason, type JobContext, type JobDefinition, type JobLog, type JobSpec, SPOT_SAFE_TIMEOUT_MS, defineJob } from "./job-definition";
export { JobDefinitionError, LeaseLostError, NonRetryableError } from "./job-errors";
export { type RetryPolicy, type RetryPolicyInput, retryDelayMs } from "./retry-policy";
export { type WorkerConfig, workerConfigSchema } from "./config";
