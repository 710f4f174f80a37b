/**
 * The values of the queue's state columns (the migration's CHECK constraints allow exactly these);
 * the table types themselves are generated: migrations/worker/schema.generated.ts. The API's zod
 * schemas use these lists too, so a value added here reaches the documents.
 */
export const RUN_STATES = ["queued", "retrying", "running", "succeeded", "dead", "cancelled"] as const;
export const ATTEMPT_OUTCOMES = ["succeeded", "failed", "timed_out", "handed_back", "lease_expired"] as const;
export const TRIGGER_SOURCES = ["api", "schedule", "redrive"] as const;
export const TRIGGER_OUTCOMES = ["enqueued", "deduplicated"] as const;
export const LOG_LEVELS = ["info", "warn", "error"] as const;
/** Where a schedule was defined: through the API, or in an agent's code. */
export const SCHEDULE_SOURCES = ["api", "code"] as const;

export type RunState = (typeof RUN_STATES)[number];
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type ScheduleSource = (typeof SCHEDULE_SOURCES)[number];
