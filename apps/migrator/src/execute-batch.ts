/**
 * Applies consecutive transactional SQL steps in one round trip: a single simple-protocol query
 * holding, for each step, `BEGIN; <start marker>; <the file>; <its history row>; COMMIT;`. Postgres
 * runs these transactions in order and stops at the first error, so the guarantees are those of a
 * query per step: each step commits together with its history row or not at all, the steps before a
 * failing one stay applied, and when the runner is killed the server rolls back the step it is in
 * (client_connection_check_interval on the step connection). The start marker raises a NOTICE,
 * which the server sends at once, so progress is still reported as each step starts.
 */
import type pg from "pg";
import { committedInRun } from "./history";
import { historySql } from "./execute-step";
import type { PendingStep } from "./pending";
import { type SentText, stepFailed } from "./step-failure";
import type { SqlStep } from "./step-file";

export interface StepProgress {
  started(pending: PendingStep): void;
  done(pending: PendingStep, durationMs: number): void;
}

/** Where a step's start time is kept, for its history row; local to the step's transaction. */
const startedSetting = "armature_migrator.step_started";
const noticePrefix = "armature-migrator step";

/** The server measures the duration it records: from the start marker to the history row. */
const serverDurationSql = `((extract(epoch FROM clock_timestamp()) - current_setting('${startedSetting}')::numeric) * 1000)::integer`;

/** Notes the start time and announces the step; client_min_messages is raised so the notice is sent whatever the role's setting. */
function startMarkerSql(runId: string, index: number): string {
  return (
    `DO $armature$BEGIN PERFORM set_config('client_min_messages', 'notice', true); ` +
    `PERFORM set_config('${startedSetting}', extract(epoch FROM clock_timestamp())::text, true); ` +
    `RAISE NOTICE '${noticePrefix} ${runId}/${index}'; END$armature$;\n`
  );
}

export function isBatchable(pending: PendingStep): pending is PendingStep & { step: SqlStep } {
  return pending.step.language === "sql" && pending.step.transactional;
}

interface Batch {
  readonly text: string;
  /** Per step, the string index in `text` where its file's text starts. */
  readonly textStarts: readonly number[];
}

function buildBatch(steps: readonly (PendingStep & { step: SqlStep })[], database: string, runId: string): Batch {
  let text = "";
  const textStarts: number[] = [];
  steps.forEach((pending, index) => {
    text += `BEGIN;\n${startMarkerSql(runId, index)}`;
    textStarts.push(text.length);
    // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
    text += `${pending.step.text}\n;\n${historySql(pending, database, runId, serverDurationSql)};\nCOMMIT;\n`;
  });
  return { text, textStarts };
}

/** Emits step-started and step-done in order as the server reaches each step. */
function progressTracker(steps: readonly PendingStep[], progress: StepProgress) {
  let current = -1;
  let startedAt = 0;
  const durations: number[] = [];
  const finishCurrent = () => {
    const pending = steps[current];
    if (!pending) return;
    const durationMs = Math.round(performance.now() - startedAt);
    durations.push(durationMs);
    progress.done(pending, durationMs);
  };
  /** The server started step `index`: every step before it has committed. */
  const reach = (index: number) => {
    while (current < index && current < steps.length - 1) {
      finishCurrent();
      current += 1;
      startedAt = performance.now();
      progress.started(steps[current] as PendingStep);
    }
  };
  const finish = () => {
    reach(steps.length - 1);
    finishCurrent();
  };
  return { durations, reach, finish };
}

/** Applies the steps in one query; returns each step's duration in ms (as the client saw it). */
export async function executeSqlBatch(
  client: pg.ClientBase,
  steps: readonly (PendingStep & { step: SqlStep })[],
  database: string,
  runId: string,
  progress: StepProgress,
): Promise<number[]> {
  const batch = buildBatch(steps, database, runId);
  const tracker = progressTracker(steps, progress);
  const prefix = `${noticePrefix} ${runId}/`;
  const onNotice = (notice: { message?: string }) => {
    if (notice.message?.startsWith(prefix)) tracker.reach(Number(notice.message.slice(prefix.length)));
  };
  client.on("notice", onNotice);
  try {
    await client.query(batch.text);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    // The history says which steps committed; the next one failed.
    const versions = steps.map((pending) => pending.version.version);
    const failed = await committedInRun(client, steps[0]?.command ?? "pre", versions, runId).catch(() => undefined);
    const index = Math.min(failed ?? Math.max(0, tracker.durations.length), steps.length - 1);
    tracker.reach(index);
    const where: SentText = { sent: batch.text, textStart: batch.textStarts[index] ?? 0, byteStart: 0 };
    throw stepFailed(steps[index] as PendingStep, error, where);
  } finally {
    client.off("notice", onNotice);
  }
  tracker.finish();
  return tracker.durations;
}
