/**
 * Decides what a command would do, from the migrations folder and the database's history, with no
 * side effects: first that the history still matches the folder (same database, no edited or
 * renamed applied step, nothing applied that the folder lacks), then which steps are pending.
 */
import path from "node:path";
import { MigratorError } from "./errors";
import type { HistoryRow } from "./history";
import { type MigrationSet, type MigrationVersion, formatVersion } from "./layout";
import type { Step } from "./step-file";

export const commands = ["pre", "post", "rollback-post"] as const;
export type MigrateCommand = (typeof commands)[number];

export interface PendingStep {
  readonly command: MigrateCommand;
  readonly version: MigrationVersion;
  readonly step: Step;
}

function checksumConflict(step: Step, row: HistoryRow, last: number): string {
  return (
    `${step.label} was edited after it was applied on ${row.appliedAt.toISOString()} ` +
    `(applied ${row.checksum.slice(0, 19)}…, the file is now ${step.checksum.slice(0, 19)}…); applied steps are immutable: ` +
    `restore the file (git log -p -- ${path.relative(process.cwd(), step.file)}) and put the change in a new version ${formatVersion(last + 1)}`
  );
}

/** Throws a historyConflict error listing every way the history disagrees with the folder. */
export function checkHistory(set: MigrationSet, history: readonly HistoryRow[]): void {
  const problems: string[] = [];
  const byVersion = new Map(set.versions.map((version) => [version.version, version]));
  const last = set.versions.at(-1)?.version ?? 0;
  const foreign = [...new Set(history.filter((row) => row.database !== set.database).map((row) => row.database))];
  if (foreign.length > 0) {
    throw new MigratorError(
      "historyConflict",
      `this database holds the migrations of "${foreign.join('", "')}", not "${set.database}"; nothing was applied`,
      "check that the database URL points at the database of this migrations folder",
    );
  }
  const prePhases = new Set(history.filter((row) => row.phase === "pre").map((row) => row.version));
  for (const row of history) {
    const version = byVersion.get(row.version);
    if (!version) {
      problems.push(
        `${row.name} (${row.phase}) is applied in the database but is not in ${set.directory}; ` +
          "these migrations are older than the database: run the migrator image of the release that applied it",
      );
      continue;
    }
    if (version.name !== row.name) {
      problems.push(`version ${formatVersion(row.version)} was applied as ${row.name} but the folder is now ${version.name}; rename it back`);
      continue;
    }
    const step = row.phase === "pre" ? version.pre : version.post;
    if (!step) problems.push(`${row.name}: its post step was applied on ${row.appliedAt.toISOString()} but the folder has no post step any more; restore it`);
    else if (step.checksum !== row.checksum) problems.push(checksumConflict(step, row, last));
    if (row.phase === "post" && !prePhases.has(row.version)) problems.push(`${row.name}: post is recorded as applied but pre is not; the history was edited by hand`);
  }
  const highestPre = Math.max(0, ...prePhases);
  for (const version of set.versions) {
    if (version.version < highestPre && !prePhases.has(version.version)) {
      problems.push(`${version.name} was never applied, but later versions were (up to ${formatVersion(highestPre)}); the history was edited by hand or the folder renumbered`);
    }
  }
  if (problems.length > 0) {
    throw new MigratorError(
      "historyConflict",
      `the history in the database disagrees with ${set.directory}; nothing was applied\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
}

/** The post steps a `rollback-post` undoes: those of the latest post run, or all above `to`. */
function postsToRollBack(set: MigrationSet, history: readonly HistoryRow[], to: number | undefined): HistoryRow[] {
  const posts = history.filter((row) => row.phase === "post");
  if (to !== undefined) return posts.filter((row) => row.version > to);
  const latest = posts.reduce<HistoryRow | undefined>((found, row) => (!found || row.appliedAt > found.appliedAt ? row : found), undefined);
  return latest ? posts.filter((row) => row.runId === latest.runId) : [];
}

/** The steps a command applies, in order; `rollbackTo` narrows rollback-post (see postsToRollBack). */
export function pendingSteps(set: MigrationSet, history: readonly HistoryRow[], command: MigrateCommand, rollbackTo?: number): PendingStep[] {
  const applied = new Set(history.map((row) => `${row.version}:${row.phase}`));
  if (command === "pre") {
    return set.versions.filter((version) => !applied.has(`${version.version}:pre`)).map((version) => ({ command, version, step: version.pre }));
  }
  if (command === "post") {
    return set.versions.flatMap((version) =>
      version.post && applied.has(`${version.version}:pre`) && !applied.has(`${version.version}:post`) ? [{ command, version, step: version.post }] : [],
    );
  }
  const byVersion = new Map(set.versions.map((version) => [version.version, version]));
  return postsToRollBack(set, history, rollbackTo)
    .sort((a, b) => b.version - a.version)
    .flatMap((row) => {
      const version = byVersion.get(row.version);
      return version?.rollbackPost ? [{ command, version, step: version.rollbackPost }] : [];
    });
}
