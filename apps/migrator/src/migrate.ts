/**
 * The runner: applies a command's pending steps for one database folder. Order of work: read and
 * check the folder (nothing touched yet), take the migration lock on a connection of its own, read
 * the history under the lock, check it against the folder, then apply step by step.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type LockHolder, acquireMigrationLock, releaseMigrationLock } from "./advisory-lock";
import { connect, databaseFailure } from "./connection";
import { ensureHistory, readHistory } from "./history";
import { type MigrationSet, loadMigrations } from "./layout";
import { type FolderChoice, resolveDirectory } from "./locate";
import { type MigrateCommand, checkHistory, pendingSteps } from "./pending";
import { executeStep } from "./execute-step";

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

async function applyPending(client: pg.Client, set: MigrationSet, options: MigrateOptions, runId: string): Promise<AppliedStep[]> {
  const emit = options.onEvent ?? (() => undefined);
  const history = await ensureHistory(client)
    .then(() => readHistory(client))
    .catch((error: unknown) => {
      throw databaseFailure("cannot prepare the migration history", error);
    });
  checkHistory(set, history);
  const pending = pendingSteps(set, history, options.phase, options.rollbackTo);
  if (pending.length === 0) emit({ type: "nothing-pending", command: options.phase });
  const applied: AppliedStep[] = [];
  for (const step of pending) {
    emit({ type: "step-started", label: step.step.label, command: step.command });
    const durationMs = await executeStep(client, step, set.database, runId);
    emit({ type: "step-done", label: step.step.label, command: step.command, durationMs });
    applied.push({ label: step.step.label, durationMs });
  }
  return applied;
}

/** Applies the pending steps of one phase; see MigrateOptions. Throws MigratorError on any failure. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const set = await loadMigrations(resolveDirectory(options));
  const runId = randomUUID();
  const lockClient = await connect(options.databaseUrl, { role: "lock" });
  try {
    await acquireMigrationLock(lockClient, options.lockTimeoutMs ?? defaultLockTimeoutMs, (holder) =>
      options.onEvent?.({ type: "waiting-for-lock", holder }),
    );
    options.onEvent?.({ type: "locked" });
    const stepClient = await connect(options.databaseUrl, { role: "steps" });
    try {
      const applied = await applyPending(stepClient, set, options, runId).catch((error: unknown) => {
        throw databaseFailure(`${options.phase} stopped`, error);
      });
      return { database: set.database, phase: options.phase, runId, applied };
    } finally {
      await stepClient.end().catch(() => undefined);
      await releaseMigrationLock(lockClient).catch(() => undefined);
    }
  } finally {
    await lockClient.end().catch(() => undefined);
  }
}

/** Expand then contract: the schema the newest code expects. For apps' tests and local development. */
export async function migrateToLatest(options: Omit<MigrateOptions, "phase" | "rollbackTo">): Promise<MigrateResult[]> {
  return [await migrate({ ...options, phase: "pre" }), await migrate({ ...options, phase: "post" })];
}
