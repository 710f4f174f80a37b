/** Reads of runs, their attempts, triggers and logs, as the API's documents. */
import type { Kysely, Selectable } from "kysely";
import { type AttemptDocument, type LogLineDocument, type RunDocument, type TriggerDocument, iso } from "./api/documents";
import type { RunState, RunsTable, WorkerDatabase } from "./db/schema";

export interface RunFilter {
  readonly jobId?: string;
  readonly state?: RunState;
  readonly limit: number;
  /** Only runs created before this one (the page cursor: the last id of the previous page). */
  readonly before?: string;
}

const contextOf = (context: Record<string, unknown>) => {
  const { traceId, invocationId, parentInvocationId, tenant, actor } = context as RunDocument["context"];
  return { traceId, invocationId, parentInvocationId, tenant, actor };
};

export function runDocument(row: Selectable<RunsTable>): RunDocument {
  return {
    id: row.id,
    jobId: row.job_id,
    params: row.params,
    state: row.state,
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
  constructor(private readonly db: Kysely<WorkerDatabase>) {}

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
      outcome: row.outcome,
      error: row.error,
    }));
  }

  async triggers(runId: string): Promise<TriggerDocument[]> {
    const rows = await this.db.selectFrom("armature_worker.triggers").selectAll().where("run_id", "=", runId).orderBy("created_at").execute();
    return rows.map((row) => ({
      id: row.id,
      source: row.source,
      outcome: row.outcome,
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
    return rows.map((row) => ({ id: String(row.id), attempt: row.attempt, at: iso(row.at)!, level: row.level, msg: row.msg, data: row.data }));
  }
}
