/** Errors the tools report as one line each, and the exit codes that tell CI what went wrong. */

export const EXIT = {
  ok: 0,
  /** Bad config, an unreadable stack file, or the program failed. */
  configOrProgram: 1,
  /** Bad command line: unknown flag, bad stack name, no such stack. */
  usage: 2,
  /** The plan ran, and at least one mandatory policy is violated. */
  mandatoryViolation: 3,
  /** Drift detection: the stack's real state differs from the program. */
  driftFound: 4,
} as const;

/**
 * Exits once stdout and stderr have flushed: on a pipe, writes are asynchronous, and exiting at once
 * would cut a large document (a plan, a drift report) off at 64 KiB on Linux.
 */
export function exitAfterFlush(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export class StackFileError extends Error {
  override readonly name = "StackFileError";
}
