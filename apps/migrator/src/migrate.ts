/**
 * The runner: applies a command's pending steps for one database folder. Order of work: read and
 * check the folder (nothing touched yet), take the migration lock on a connection of its own, read
 * the history under the lock, check it against the folder, then apply step by step.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type LockHolder, acquireMigrationLock, releaseMigrationLock } from "./advisory-lock";
import { connect, databaseFailure } from "./connection";
import { prepareHistory } from "./history";
import { type MigrationSet, loadMigrations } from "./layout";
import { type FolderChoice, resolveDirectory } from "./locate";
import { type MigrateCommand, type PendingStep, checkHistory, pendingSteps } from "./pending";
import { executeStep } from "./execute-step";
import { type StepProgress, executeSqlBatch, isBatchable } from "./execute-batch";

export type MigratorEvent =
  | { readonly type: "waiting-for-lock"; readonly holder: LockHolder | undefined }
  | { readonly type: "locked" }
  | { readonly type: "step-started"; readonly label: string; readonly command: MigrateCommand }
  | { readonly type: "step-done"; readonly label: string; readonly command: MigrateCommand; readonly durationMs: number }
  | { readonly type: "nothing-pending"; readonly command: MigrateCommand };

export interface MigrateOptions extends FolderChoice {
  readonly databaseUrl: string;
  /** `pre` (expand, before a deploy), `post` (contract, after the switch) or `rollback-post`. */
  readonly phase: MigrateCommand;
  /** How long to wait for another runner's lock; default 60 s. */
  readonly lockTimeoutMs?: number;
  /** rollback-post only: undo every post step above this version instead of the latest post run. */
  readonly rollbackTo?: number;
  readonly onEvent?: (event: MigratorEvent) => void;
}

export interface AppliedStep {
  readonly label: string;
  readonly durationMs: number;
}

export interface MigrateResult {
  readonly database: string;
  readonly phase: MigrateCommand;
  readonly runId: string;
  readonly applied: AppliedStep[];
}

export const defaultLockTimeoutMs = 60_000;

/** Splits the pending steps into runs: consecutive transactional SQL steps go together in one batch. */
function runsOf(pending: readonly PendingStep[]): PendingStep[][] {
  const runs: PendingStep[][] = [];
  for (const step of pending) {
    const last = runs.at(-1);
    const lastStep = last?.at(-1);
    if (last && lastStep && isBatchable(lastStep) && isBatchable(step)) last.push(step);
    else runs.push([step]);
  }
  return runs;
}

async function applyPending(client: pg.Client, set: MigrationSet, options: MigrateOptions, runId: string): Promise<AppliedStep[]> {
  const emit = options.onEvent ?? (() => undefined);
  const history = await prepareHistory(client).catch((error: unknown) => {
    throw databaseFailure("cannot prepare the migration history", error);
  });
  checkHistory(set, history);
  const pending = pendingSteps(set, history, options.phase, options.rollbackTo);
  if (pending.length === 0) emit({ type: "nothing-pending", command: options.phase });
  const applied: AppliedStep[] = [];
  const progress: StepProgress = {
    started: (step) => emit({ type: "step-started", label: step.step.label, command: step.command }),
    done: (step, durationMs) => {
      emit({ type: "step-done", label: step.step.label, command: step.command, durationMs });
      applied.push({ label: step.step.label, durationMs });
    },
  };
  for (const run of runsOf(pending)) {
    const [first] = run;
    if (run.every(isBatchable)) {
      await executeSqlBatch(client, run, set.database, runId, progress);
    } else if (first) {
      progress.started(first);
      progress.done(first, await executeStep(client, first, set.database, runId));
    }
  }
  return applied;
}

/** The lock and the step connections, opened side by side (one connection set-up of waiting instead of two). */
async function openConnections(databaseUrl: string): Promise<{ lockClient: pg.Client; stepClient: pg.Client }> {
  const [lock, steps] = await Promise.allSettled([connect(databaseUrl, { role: "lock" }), connect(databaseUrl, { role: "steps" })]);
  if (lock.status === "fulfilled" && steps.status === "fulfilled") return { lockClient: lock.value, stepClient: steps.value };
  for (const opened of [lock, steps]) if (opened.status === "fulfilled") await opened.value.end().catch(() => undefined);
  throw lock.status === "rejected" ? lock.reason : (steps as PromiseRejectedResult).reason;
}

/** Applies the pending steps of one phase; see MigrateOptions. Throws MigratorError on any failure. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const set = await loadMigrations(resolveDirectory(options));
  const runId = randomUUID();
  const { lockClient, stepClient } = await openConnections(options.databaseUrl);
  let locked = false;
  try {
    await acquireMigrationLock(lockClient, options.lockTimeoutMs ?? defaultLockTimeoutMs, (holder) =>
      options.onEvent?.({ type: "waiting-for-lock", holder }),
    );
    locked = true;
    options.onEvent?.({ type: "locked" });
    const applied = await applyPending(stepClient, set, options, runId).catch((error: unknown) => {
      throw databaseFailure(`${options.phase} stopped`, error);
    });
    return { database: set.database, phase: options.phase, runId, applied };
  } finally {
    // The step connection ends before the lock is released, so no step of ours overlaps the next runner.
    await stepClient.end().catch(() => undefined);
    if (locked) await releaseMigrationLock(lockClient).catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}

/** Expand then contract: the schema the newest code expects. For apps' tests and local development. */
export async function migrateToLatest(options: Omit<MigrateOptions, "phase" | "rollbackTo">): Promise<MigrateResult[]> {
  return [await migrate({ ...options, phase: "pre" }), await migrate({ ...options, phase: "post" })];
}
