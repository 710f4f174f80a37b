/**
 * The values of the queue's state columns (the migration's CHECK constraints allow exactly these);
 * the table types themselves are generated: migrations/worker/schema.generated.ts.
 */
export type RunState = "queued" | "retrying" | "running" | "succeeded" | "dead" | "cancelled";
export type AttemptOutcome = "succeeded" | "failed" | "timed_out" | "handed_back" | "lease_expired";
export type TriggerSource = "api" | "schedule" | "redrive";
export type TriggerOutcome = "enqueued" | "deduplicated";
export type LogLevel = "info" | "warn" | "error";
