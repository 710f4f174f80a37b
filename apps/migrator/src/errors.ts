/**
 * Every failure the migrator reports on purpose is a MigratorError: a kind (which decides the exit
 * code), a message that says what was wrong and where, and a hint that says how to fix it.
 */

/** Exit codes of the CLI, one per kind of failure; documented in apps/migrator/README.md. */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  invalidMigrations: 3,
  connection: 4,
  historyConflict: 5,
  lockTimeout: 6,
  stepFailed: 7,
  kubernetes: 8,
  jobFailed: 9,
} as const;

export type FailureKind = Exclude<keyof typeof exitCodes, "ok">;

export class MigratorError extends Error {
  override readonly name = "MigratorError";

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return exitCodes[this.kind];
  }

  /** The message and the hint, as printed to users (never a stack trace). */
  describe(): string {
    return this.hint ? `${this.message}\n  how to fix: ${this.hint}` : this.message;
  }
}

/** Problems found in a migrations folder, all reported at once before anything touches a database. */
export class InvalidMigrationsError extends MigratorError {
  constructor(
    readonly directory: string,
    readonly problems: readonly string[],
  ) {
    super(
      "invalidMigrations",
      `${directory}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the migrations; nothing was applied\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
}
