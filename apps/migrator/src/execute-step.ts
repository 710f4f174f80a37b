/**
 * Applies one pending step and records it, atomically where Postgres allows: a transactional step
 * and its history row commit together, so a runner killed mid-step leaves nothing behind. A
 * non-transactional step runs statement by statement and is recorded after its last statement;
 * if interrupted, it runs again from its first statement (write such steps to be re-runnable).
 */
import type pg from "pg";
import { MigratorError } from "./errors";
import { forgetPost, recordApplied } from "./history";
import { type SqlStatement, lineAndColumn } from "./sql-text";
import type { PendingStep } from "./pending";
import { stepContext } from "./step-context";
import type { SqlStep, Step } from "./step-file";

interface PgError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
}

/** Where in the file a failed statement points, from the server's 1-based character position. */
function locate(step: Step, error: PgError, statement: SqlStatement | undefined): string {
  if (step.language !== "sql" || !error.position) return step.label;
  const text = statement?.text ?? step.text;
  const byteOffset = (statement?.start ?? 0) + Buffer.byteLength(text.slice(0, Number(error.position) - 1));
  return `${step.label}:${lineAndColumn(Buffer.from(step.text), byteOffset)}`;
}

function stepFailed(pending: PendingStep, error: unknown, statement?: SqlStatement): MigratorError {
  if (error instanceof MigratorError) return error;
  const pgError = error as PgError;
  const code = pgError.code ? ` (SQLSTATE ${pgError.code})` : "";
  const extra = [pgError.detail, pgError.hint].filter(Boolean).join("; ");
  const outcome = pending.step.transactional
    ? "the step was rolled back: nothing of it is applied"
    : "the step is not transactional: statements before the failing one stay applied, and the whole step runs again next time";
  return new MigratorError(
    "stepFailed",
    `${locate(pending.step, pgError, statement)}: ${pgError.message}${code}${extra ? ` (${extra})` : ""}; ${outcome}`,
    "fix the step (it is not applied yet, so it may still be edited) and run again",
    { cause: error },
  );
}

async function runBody(client: pg.ClientBase, pending: PendingStep): Promise<void> {
  const { step } = pending;
  if (step.language === "ts") {
    await step.run(stepContext(client));
    return;
  }
  if (step.transactional) {
    // One simple-protocol query: Postgres runs the file's statements in order, in our transaction.
    await client.query(step.text);
    return;
  }
  await runStatements(client, pending, step);
}

async function runStatements(client: pg.ClientBase, pending: PendingStep, step: SqlStep): Promise<void> {
  for (const statement of step.statements) {
    try {
      await client.query(statement.text);
    } catch (error) {
      throw stepFailed(pending, error, statement);
    }
  }
}

async function record(client: pg.ClientBase, pending: PendingStep, database: string, runId: string, durationMs: number): Promise<void> {
  const { version, step } = pending;
  if (pending.command === "rollback-post") {
    await forgetPost(client, version.version);
    return;
  }
  await recordApplied(client, { database, version: version.version, name: version.name, phase: pending.command, checksum: step.checksum, runId, durationMs });
}

/** Applies the step and writes (or, for a rollback, removes) its history row. Returns the time taken in ms. */
export async function executeStep(client: pg.ClientBase, pending: PendingStep, database: string, runId: string): Promise<number> {
  const started = performance.now();
  if (!pending.step.transactional) {
    try {
      await runBody(client, pending);
    } catch (error) {
      throw stepFailed(pending, error);
    }
    const durationMs = Math.round(performance.now() - started);
    await record(client, pending, database, runId, durationMs);
    return durationMs;
  }
  await client.query("BEGIN");
  try {
    await runBody(client, pending);
    const durationMs = Math.round(performance.now() - started);
    await record(client, pending, database, runId, durationMs);
    await client.query("COMMIT");
    return durationMs;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw stepFailed(pending, error);
  }
}
