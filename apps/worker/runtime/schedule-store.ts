/**
 * Cron schedules in Postgres. Each schedule row holds its next tick; an agent fires a due tick by
 * locking the row (FOR UPDATE SKIP LOCKED), advancing next_tick_at and enqueueing the run in the
 * same transaction, so a tick fires once however many agents see it come due. The trigger row's
 * unique (schedule_id, tick_at) index backs that up.
 */
import { type Kysely, type Selectable, type Transaction, sql } from "kysely";
import type { InvocationContext } from "../../kit/index";
import { type ScheduleDocument, iso } from "./api/documents";
import type { CronSchedule } from "./cron-schedule";
import type { DB, ArmatureWorkerSchedules } from "../../../migrations/worker/schema.generated";
import type { EnqueueResult, RunQueue } from "./run-queue";
import type { ScheduleSource } from "./states";

export interface ScheduleInput {
  readonly id: string;
  readonly jobId: string;
  /** Parsed by the job's schema. */
  readonly params: unknown;
  readonly cron: CronSchedule;
  readonly enabled: boolean;
  readonly source: ScheduleSource;
  readonly updatedBy: string;
}

export interface DueSchedule {
  readonly id: string;
  readonly jobId: string;
  readonly params: unknown;
  readonly cron: string;
  readonly timezone: string;
  readonly tickAt: Date;
  /** The database's clock when the tick was taken. */
  readonly now: Date;
}

/** What firing a due tick decided: enqueue (with the next tick after it), or skip it with a reason. */
export type TickPlan = { readonly fire: true; readonly maxAttempts: number; readonly params: unknown; readonly next: Date } | { readonly fire: false; readonly reason: string; readonly next: Date };

export function scheduleDocument(row: Selectable<ArmatureWorkerSchedules>): ScheduleDocument {
  return {
    id: row.id,
    jobId: row.job_id,
    params: row.params,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    source: row.source as ScheduleDocument["source"],
    nextTickAt: iso(row.next_tick_at)!,
    updatedAt: iso(row.updated_at)!,
    updatedBy: row.updated_by,
  };
}

export class ScheduleStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly queue: RunQueue,
  ) {}

  async list(): Promise<ScheduleDocument[]> {
    return (await this.db.selectFrom("armature_worker.schedules").selectAll().orderBy("id").execute()).map(scheduleDocument);
  }

  async get(id: string): Promise<ScheduleDocument | undefined> {
    const row = await this.db.selectFrom("armature_worker.schedules").selectAll().where("id", "=", id).executeTakeFirst();
    return row && scheduleDocument(row);
  }

  /**
   * Creates or replaces a schedule; the next tick is recomputed only when the cron or time zone
   * changed (so redeploying the same code schedule does not move it). `keepEnabled`: an existing
   * row keeps its enabled flag (code schedules: an operator may have paused one).
   */
  async put(input: ScheduleInput, options: { keepEnabled?: boolean } = {}, db: Kysely<DB> | Transaction<DB> = this.db): Promise<{ document: ScheduleDocument; created: boolean }> {
    const next = input.cron.next(new Date());
    if (!next) throw new Error(`schedule ${input.id}: the cron expression never fires`);
    const row = await sql<Selectable<ArmatureWorkerSchedules> & { created: boolean }>`
      insert into armature_worker.schedules as s (id, job_id, params, cron, timezone, enabled, source, next_tick_at, updated_by)
      values (${input.id}, ${input.jobId}, ${JSON.stringify(input.params)}::jsonb, ${input.cron.expression}, ${input.cron.timezone},
              ${input.enabled}, ${input.source}, ${next}, ${input.updatedBy})
      on conflict (id) do update set
        job_id = excluded.job_id, params = excluded.params, cron = excluded.cron, timezone = excluded.timezone,
        enabled = case when ${options.keepEnabled ?? false} then s.enabled else excluded.enabled end,
        source = excluded.source, updated_by = excluded.updated_by, updated_at = clock_timestamp(),
        next_tick_at = case when s.cron is distinct from excluded.cron or s.timezone is distinct from excluded.timezone
                            then excluded.next_tick_at else s.next_tick_at end
      returning s.*, (xmax = 0) as created`.execute(db);
    const { created, ...schedule } = row.rows[0]!;
    return { document: scheduleDocument(schedule), created };
  }

  async remove(id: string, db: Kysely<DB> | Transaction<DB> = this.db): Promise<boolean> {
    const result = await db.deleteFrom("armature_worker.schedules").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Whether a tick of a schedule for one of `jobIds` is due (a cheap check before opening a tick's invocation). */
  async anyDue(jobIds: readonly string[]): Promise<boolean> {
    const { rows } = await sql<{ due: boolean }>`
      select exists (select 1 from armature_worker.schedules where enabled and next_tick_at <= now() and job_id = any(${jobIds}::text[])) as due`.execute(this.db);
    return rows[0]?.due === true;
  }

  /**
   * Fires the most overdue tick of one schedule whose job is in `jobIds`, if any is due: `plan`
   * decides what to enqueue and the next tick. Ticks missed while no agent ran collapse into this
   * one. Returns undefined when nothing was due (or every due schedule is being fired elsewhere).
   */
  async fireOneDue(
    jobIds: readonly string[],
    context: InvocationContext,
    plan: (due: DueSchedule) => TickPlan,
  ): Promise<{ due: DueSchedule; plan: TickPlan; enqueued?: EnqueueResult } | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ id: string; job_id: string; params: unknown; cron: string; timezone: string; next_tick_at: Date; now: Date }>`
        select id, job_id, params, cron, timezone, next_tick_at, now() as now from armature_worker.schedules
        where enabled and next_tick_at <= now() and job_id = any(${jobIds}::text[])
        order by next_tick_at limit 1
        for update skip locked`.execute(tx);
      const row = rows[0];
      if (!row) return undefined;
      const due: DueSchedule = { id: row.id, jobId: row.job_id, params: row.params, cron: row.cron, timezone: row.timezone, tickAt: row.next_tick_at, now: row.now };
      const decided = plan(due);
      await tx.updateTable("armature_worker.schedules").set({ next_tick_at: decided.next }).where("id", "=", row.id).execute();
      if (!decided.fire) return { due, plan: decided };
      const enqueued = await this.queue.enqueue(
        { jobId: row.job_id, params: decided.params, maxAttempts: decided.maxAttempts, context, source: "schedule", schedule: { id: row.id, tickAt: row.next_tick_at } },
        tx,
      );
      return { due, plan: decided, enqueued };
    });
  }
}
