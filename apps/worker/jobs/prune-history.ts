/**
 * platform.prune-history: deletes finished runs (with their attempts, triggers and logs) older
 * than a number of days, in batches. It checkpoints after each batch, so a run interrupted by a
 * spot preemption or a timeout resumes where it stopped; it is the example of a long, resumable job.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import type pg from "pg";
import { z } from "zod";
import type { DB } from "../../../migrations/worker/schema.generated";
import { defineJob } from "../runtime/index";

export function pruneHistoryJob(pool: pg.Pool) {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return defineJob({
    id: "platform.prune-history",
    description: "Deletes succeeded, dead and cancelled runs that finished more than olderThanDays ago, batch by batch (resumable).",
    params: z.strictObject({
      olderThanDays: z.number().int().min(1).max(3650).default(30),
      batchSize: z.number().int().min(1).max(10_000).default(1000),
    }),
    checkpoint: z.strictObject({ deleted: z.number().int().min(0) }),
    timeoutMs: 600_000,
    retry: { maxAttempts: 5, initialDelayMs: 30_000 },
    async run(ctx) {
      let deleted = ctx.resumeFrom?.deleted ?? 0;
      if (ctx.resumeFrom) ctx.log.info("resuming", { deletedSoFar: deleted });
      for (;;) {
        ctx.signal.throwIfAborted();
        const batch = await sql`
          delete from armature_worker.runs where id in (
            select id from armature_worker.runs
            where state in ('succeeded', 'dead', 'cancelled') and finished_at < now() - ${ctx.params.olderThanDays}::int * interval '1 day'
            order by finished_at limit ${ctx.params.batchSize}
            for update skip locked)`.execute(db);
        const count = Number(batch.numAffectedRows ?? 0);
        deleted += count;
        ctx.progress({ deleted });
        await ctx.checkpoint({ deleted });
        if (count < ctx.params.batchSize) break;
      }
      ctx.log.info("pruned run history", { deleted, olderThanDays: ctx.params.olderThanDays });
      return { deleted };
    },
  });
}
