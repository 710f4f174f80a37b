/** Reads of runs, their attempts, triggers and logs, as the API's documents. */
import type { Kysely, Selectable } from "kysely";
import { type AttemptDocument, type LogLineDocument, type RunDocument, type TriggerDocument, iso } from "./api/documents";
import type { ArmatureWorkerRuns, DB } from "../../../migrations/worker/schema.generated";
import type { AttemptOutcome, LogLevel, RunState, TriggerOutcome, TriggerSource } from "./states";

export interface RunFilter {
  readonly jobId?: string;
  readonly state?: RunState;
  readonly limit: number;
  /** Only runs created before this one (the page cursor: the last id of the previous page). */
  readonly before?: string;
}

const contextOf = (context: unknown) => {
  const { traceId, invocationId, parentInvocationId, tenant, actor } = context as RunDocument["context"];
  return { traceId, invocationId, parentInvocationId, tenant, actor };
};

export function runDocument(row: Selectable<ArmatureWorkerRuns>): RunDocument {
  return {
    id: row.id,
    jobId: row.job_id,
    params: row.params,
    state: row.state as RunState,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: iso(row.run_after)!,
    progress: row.progress,
    checkpoint: row.checkpoint,
    result: row.result,
    lastError: row.last_error,
    lease: row.state === "running" && row.lease_owner && row.lease_expires_at ? { agent: row.lease_owner, expiresAt: iso(row.lease_expires_at)! } : null,
    context: contextOf(row.context),
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    updatedAt: iso(row.updated_at)!,
  };
}

export class RunHistory {
  constructor(private readonly db: Kysely<DB>) {}

  async get(runId: string): Promise<RunDocument | undefined> {
    const row = await this.db.selectFrom("armature_worker.runs").selectAll().where("id", "=", runId).executeTakeFirst();
    return row && runDocument(row);
  }

  async list(filter: RunFilter): Promise<RunDocument[]> {
    let query = this.db.selectFrom("armature_worker.runs").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit);
    if (filter.jobId) query = query.where("job_id", "=", filter.jobId);
    if (filter.state) query = query.where("state", "=", filter.state);
    if (filter.before) {
      const cursor = filter.before;
      query = query.where((eb) =>
        eb(
          eb.refTuple("created_at", "id"),
          "<",
          eb.tuple(eb.selectFrom("armature_worker.runs").select("created_at").where("id", "=", cursor), eb.val(cursor)),
        ),
      );
    }
    return (await query.execute()).map(runDocument);
  }

  async attempts(runId: string): Promise<AttemptDocument[]> {
    const rows = await this.db.selectFrom("armature_worker.attempts").selectAll().where("run_id", "=", runId).orderBy("id").execute();
    return rows.map((row) => ({
      number: row.number,
      agent: row.agent,
      invocationId: row.invocation_id,
      startedAt: iso(row.started_at)!,
      endedAt: iso(row.ended_at),
      outcome: row.outcome as AttemptOutcome | null,
      error: row.error,
    }));
  }

  async triggers(runId: string): Promise<TriggerDocument[]> {
    const rows = await this.db.selectFrom("armature_worker.triggers").selectAll().where("run_id", "=", runId).orderBy("created_at").execute();
    return rows.map((row) => ({
      id: row.id,
      source: row.source as TriggerSource,
      outcome: row.outcome as TriggerOutcome,
      scheduleId: row.schedule_id,
      tickAt: iso(row.tick_at),
      context: contextOf(row.context),
      createdAt: iso(row.created_at)!,
    }));
  }

  async logs(runId: string, options: { after?: string; limit: number }): Promise<LogLineDocument[]> {
    let query = this.db.selectFrom("armature_worker.run_logs").selectAll().where("run_id", "=", runId).orderBy("id").limit(options.limit);
    if (options.after) query = query.where("id", ">", options.after);
    const rows = await query.execute();
    return rows.map((row) => ({ id: String(row.id), attempt: row.attempt, at: iso(row.at)!, level: row.level as LogLevel, msg: row.msg, data: row.data as Record<string, unknown> | null }));
  }
}
