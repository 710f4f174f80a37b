/**
 * Read-only views for `status` and `plan`: what is applied, what a command would run. They take
 * no lock and write nothing (a never-migrated database stays untouched).
 */
import { connect, databaseFailure } from "./connection";
import { type HistoryRow, readHistory } from "./history";
import { type MigrationSet, loadMigrations } from "./layout";
import { type FolderChoice, resolveDirectory } from "./locate";
import { type MigrateCommand, type PendingStep, checkHistory, pendingSteps } from "./pending";
import { noTransactionDirective } from "./step-file";

export interface InspectOptions extends FolderChoice {
  readonly databaseUrl: string;
}

async function loadWithHistory(options: InspectOptions): Promise<{ set: MigrationSet; history: HistoryRow[] }> {
  const set = await loadMigrations(resolveDirectory(options));
  const client = await connect(options.databaseUrl, { role: "read" });
  try {
    const history = await readHistory(client).catch((error: unknown) => {
      throw databaseFailure("cannot read the migration history", error);
    });
    checkHistory(set, history);
    return { set, history };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type StepState = { readonly appliedAt: Date } | "pending" | "none";

export interface VersionStatus {
  readonly version: number;
  readonly name: string;
  readonly pre: StepState;
  readonly post: StepState;
}

export interface StatusReport {
  readonly database: string;
  readonly directory: string;
  readonly versions: VersionStatus[];
  /** How many steps `pre` would apply now. */
  readonly pendingPre: number;
  /** How many steps `post` would apply now (posts of versions whose pre is applied). */
  readonly pendingPost: number;
}

export async function status(options: InspectOptions): Promise<StatusReport> {
  const { set, history } = await loadWithHistory(options);
  const applied = new Map(history.map((row) => [`${row.version}:${row.phase}`, row.appliedAt]));
  const state = (version: number, phase: "pre" | "post", exists: boolean): StepState => {
    const at = applied.get(`${version}:${phase}`);
    return at ? { appliedAt: at } : exists ? "pending" : "none";
  };
  const versions = set.versions.map((version) => ({
    version: version.version,
    name: version.name,
    pre: state(version.version, "pre", true),
    post: state(version.version, "post", version.post !== undefined),
  }));
  return {
    database: set.database,
    directory: set.directory,
    versions,
    pendingPre: pendingSteps(set, history, "pre").length,
    pendingPost: pendingSteps(set, history, "post").length,
  };
}

function renderStep({ step }: PendingStep): string {
  const header = `-- ${step.label} (${step.checksum.slice(0, 19)}…)`;
  if (step.language === "ts") {
    return `${header}\n-- a TypeScript step: its SQL is decided when it runs; read ${step.file}\n`;
  }
  if (!step.transactional) {
    const statements = step.statements.map((statement) => `${statement.text};`).join("\n");
    return `${header}\n-- ${noTransactionDirective}: each statement runs on its own, outside a transaction\n${statements}\n`;
  }
  return `${header}\nBEGIN;\n${step.text.trimEnd()}\n-- (the runner records the step in armature_migrator.history here)\nCOMMIT;\n`;
}

export interface PlanOptions extends InspectOptions {
  readonly phase: MigrateCommand;
  readonly rollbackTo?: number;
}

export interface PlanResult {
  readonly steps: PendingStep[];
  /** The SQL the command would run, as one reviewable script. */
  readonly sql: string;
}

/** A dry run: the SQL `phase` would run now, changing nothing. */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  const { set, history } = await loadWithHistory(options);
  const steps = pendingSteps(set, history, options.phase, options.rollbackTo);
  const summary = `-- armature migrator plan: database "${set.database}", ${options.phase}, ${steps.length} step${steps.length === 1 ? "" : "s"} pending (dry run: nothing was changed)\n`;
  return { steps, sql: [summary, ...steps.map(renderStep)].join("\n") };
}
