/**
 * Applies one pending step that cannot share a query with others, and records it: a TypeScript step
 * (in a transaction with its history row, unless it opted out) or a non-transactional SQL step,
 * which runs statement by statement and is recorded after its last statement; if interrupted, it
 * runs again from its first statement (write such steps to be re-runnable). Transactional SQL steps
 * go through execute-batch.ts.
 */
import type pg from "pg";
import { forgetPostSql, recordAppliedSql } from "./history";
import type { PendingStep } from "./pending";
import { stepContext } from "./step-context";
import { stepFailed } from "./step-failure";

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
      throw stepFailed(pending, error, { sent: statement.text, textStart: 0, byteStart: statement.start });
    }
  }
}

/** The statement writing (or, for a rollback, removing) the step's history row; `durationSql` is an SQL expression. */
export function historySql(pending: PendingStep, database: string, runId: string, durationSql: string): string {
  const { version, step } = pending;
  if (pending.command === "rollback-post") return forgetPostSql(version.version);
  return recordAppliedSql({ database, version: version.version, name: version.name, phase: pending.command, checksum: step.checksum, runId }, durationSql);
}

/** Applies the step and writes (or, for a rollback, removes) its history row. Returns the time taken in ms. */
export async function executeStep(client: pg.ClientBase, pending: PendingStep, database: string, runId: string): Promise<number> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { step } = pending;
  if (!step.transactional) {
    try {
      await runWithoutTransaction(client, pending);
    } catch (error) {
      throw stepFailed(pending, error);
    }
    const durationMs = elapsed();
    await client.query(historySql(pending, database, runId, String(durationMs)));
    return durationMs;
  }
  if (step.language === "sql") throw new Error(`${step.label}: transactional SQL steps are applied by executeSqlBatch`);
  try {
    await client.query("BEGIN");
    await step.run(stepContext(client));
    const durationMs = elapsed();
    // The history row commits with the step, or neither does.
    await client.query(`${historySql(pending, database, runId, String(durationMs))};\nCOMMIT`);
    return durationMs;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw stepFailed(pending, error);
  }
}
