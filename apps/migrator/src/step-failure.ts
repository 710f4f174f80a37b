/**
 * A failed step as the MigratorError users see: `file:line:column` from the server's error
 * position, the Postgres message and SQLSTATE, and what the failure left applied.
 */
import { MigratorError } from "./errors";
import type { PendingStep } from "./pending";
import { lineAndColumn } from "./sql-text";

interface PgError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
}

/**
 * Where the step's file sits in the text that was sent: the file's text starts at string index
 * `textStart` of `sent`, which is `byteStart` bytes into the file (a whole step: 0; one statement
 * of a non-transactional step: the statement's offset).
 */
export interface SentText {
  readonly sent: string;
  readonly textStart: number;
  readonly byteStart: number;
}

/** The string index of a server error position, which is 1-based and counts characters, not UTF-16 units. */
function indexOfPosition(sent: string, position: number): number {
  let index = 0;
  for (let left = position - 1; left > 0 && index < sent.length; left -= 1) index += (sent.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}

function locate(pending: PendingStep, error: PgError, where: SentText | undefined): string {
  const { step } = pending;
  if (step.language !== "sql" || !error.position || !where) return step.label;
  const index = indexOfPosition(where.sent, Number(error.position));
  const file = Buffer.from(step.text);
  const byteOffset = where.byteStart + Buffer.byteLength(where.sent.slice(where.textStart, index));
  // A position outside the file (in what the runner added around it) names the step only.
  if (index < where.textStart || byteOffset > file.length) return step.label;
  return `${step.label}:${lineAndColumn(file, byteOffset)}`;
}

export function stepFailed(pending: PendingStep, error: unknown, where?: SentText): MigratorError {
  if (error instanceof MigratorError) return error;
  const pgError = error as PgError;
  const code = pgError.code ? ` (SQLSTATE ${pgError.code})` : "";
  const extra = [pgError.detail, pgError.hint].filter(Boolean).join("; ");
  const outcome = pending.step.transactional
    ? "the step was rolled back: nothing of it is applied"
    : "the step is not transactional: statements before the failing one stay applied, and the whole step runs again next time";
  return new MigratorError(
    "stepFailed",
    `${locate(pending, pgError, where)}: ${pgError.message}${code}${extra ? ` (${extra})` : ""}; ${outcome}`,
    "fix the step (it is not applied yet, so it may still be edited) and run again",
    { cause: error },
  );
}
