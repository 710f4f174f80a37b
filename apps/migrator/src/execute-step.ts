/**
 * Applies one pending step and records it, atomically where Postgres allows: a transactional step
 * and its history row commit together, so a runner killed mid-step leaves nothing behind. A
 * non-transactional step runs statement by statement and is recorded after its last statement;
 * if interrupted, it runs again from its first statement (write such steps to be re-runnable).
 */
import type pg from "pg";
import { MigratorError } from "./errors";
import { forgetPostSql, recordAppliedSql } from "./history";
import { type SqlStatement, lineAndColumn } from "./sql-text";
import type { PendingStep } from "./pending";
import { stepContext } from "./step-context";
import type { Step } from "./step-file";

interface PgError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
}

/** Sent with a transactional SQL step's text, saving a round trip per step. */
const begin = "BEGIN;\n";

/** Where in the file a failed statement points, from the server's 1-based character position. */
function locate(step: Step, error: PgError, statement: SqlStatement | undefined): string {
  if (step.language !== "sql" || !error.position) return step.label;
  const sent = statement?.text ?? `${begin}${step.text}`;
  const sentBefore = Buffer.byteLength(sent.slice(0, Number(error.position) - 1));
  const byteOffset = statement ? statement.start + sentBefore : sentBefore - begin.length;
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

/** Opens the transaction (for SQL, in the same query) and runs the step's body inside it. */
async function runInTransaction(client: pg.ClientBase, step: Step): Promise<void> {
  if (step.language === "sql") {
    // One simple-protocol query: Postgres runs BEGIN, then the file's statements in order.
    await client.query(`${begin}${step.text}`);
    return;
  }
  await client.query("BEGIN");
  await step.run(stepContext(client));
}

/** Runs a non-transactional step: each statement on its own, as CREATE INDEX CONCURRENTLY requires. */
async function runWithoutTransaction(client: pg.ClientBase, pending: PendingStep): Promise<void> {
  const { step } = pending;
  if (step.language === "ts") {
    await step.run(stepContext(client));
    return;
  }
  for (const statement of step.statements) {
    try {
      await client.query(statement.text);
    } catch (error) {
      throw stepFailed(pending, error, statement);
    }
  }
}

function historySql(pending: PendingStep, database: string, runId: string, durationMs: number): string {
  const { version, step } = pending;
  if (pending.command === "rollback-post") return forgetPostSql(version.version);
  return recordAppliedSql({ database, version: version.version, name: version.name, phase: pending.command, checksum: step.checksum, runId, durationMs });
}

/** Applies the step and writes (or, for a rollback, removes) its history row. Returns the time taken in ms. */
export async function executeStep(client: pg.ClientBase, pending: PendingStep, database: string, runId: string): Promise<number> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (!pending.step.transactional) {
    try {
      await runWithoutTransaction(client, pending);
    } catch (error) {
      throw stepFailed(pending, error);
    }
    const durationMs = elapsed();
    await client.query(historySql(pending, database, runId, durationMs));
    return durationMs;
  }
  try {
    await runInTransaction(client, pending.step);
    const durationMs = elapsed();
    // The history row commits with the step, or neither does.
    await client.query(`${historySql(pending, database, runId, durationMs)};\nCOMMIT`);
    return durationMs;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw stepFailed(pending, error);
  }
}
