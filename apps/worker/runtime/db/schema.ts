/**
 * Kysely table types for migrations/worker (schema armature_worker).
 * Hand-written, like discovery's, until the migrator generates them from the migrated schema.
 */
import type { ColumnType, Generated } from "kysely";

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type CreatedAt = ColumnType<Date, undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type RunState = "queued" | "retrying" | "running" | "succeeded" | "dead" | "cancelled";
export type AttemptOutcome = "succeeded" | "failed" | "timed_out" | "handed_back" | "lease_expired";
export type TriggerSource = "api" | "schedule" | "redrive";
export type TriggerOutcome = "enqueued" | "deduplicated";

export interface RunsTable {
  id: Generated<string>;
  job_id: string;
  params: Json<unknown>;
  params_key: string;
  state: ColumnType<RunState, RunState | undefined, RunState>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_after: Timestamp;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: NullableTimestamp;
  progress: NullableJson<unknown>;
  checkpoint: NullableJson<unknown>;
  result: NullableJson<unknown>;
  last_error: string | null;
  context: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AttemptsTable {
  id: Generated<string>;
  run_id: string;
  number: number;
  agent: string;
  invocation_id: string | null;
  started_at: CreatedAt;
  ended_at: NullableTimestamp;
  outcome: AttemptOutcome | null;
  error: string | null;
}

export interface TriggersTable {
  id: Generated<string>;
  run_id: string;
  source: TriggerSource;
  outcome: TriggerOutcome;
  schedule_id: string | null;
  tick_at: NullableTimestamp;
  context: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface SchedulesTable {
  id: string;
  job_id: string;
  params: Json<unknown>;
  cron: string;
  timezone: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  source: "api" | "code";
  next_tick_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
  updated_by: string;
}

export interface RunLogsTable {
  id: Generated<string>;
  run_id: string;
  attempt: number;
  at: Timestamp;
  level: "info" | "warn" | "error";
  msg: string;
  data: NullableJson<Record<string, unknown>>;
}

export interface WorkerDatabase {
  "armature_worker.runs": RunsTable;
  "armature_worker.attempts": AttemptsTable;
  "armature_worker.triggers": TriggersTable;
  "armature_worker.schedules": SchedulesTable;
  "armature_worker.run_logs": RunLogsTable;
}
