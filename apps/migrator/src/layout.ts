/**
 * Reads one database's migrations folder (`migrations/<database>/`) and checks its layout before
 * anything touches a database: version folders `<NNNN>_<slug>` numbered 0001, 0002, ... with no gap
 * or duplicate; in each, a `pre` step, an optional `post` step and a `rollback-post` whenever there is
 * a `post`; nothing else. Every problem is collected and reported together.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidMigrationsError, MigratorError } from "./errors";
import { loadSqlParser } from "./sql-text";
import { type Step, type StepKind, readStep } from "./step-file";

export interface MigrationVersion {
  readonly version: number;
  /** The folder name, `<NNNN>_<slug>`; recorded in the history. */
  readonly name: string;
  readonly pre: Step;
  readonly post?: Step;
  readonly rollbackPost?: Step;
}

export interface MigrationSet {
  /** The database's name: the folder's name, recorded in the history. */
  readonly database: string;
  readonly directory: string;
  readonly versions: readonly MigrationVersion[];
}

export const versionFolderPattern = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)$/;
export const databaseNamePattern = /^[a-z][a-z0-9_]{0,62}$/;
/** Files allowed beside the version folders: notes, and the generated query types. */
export const nonVersionFiles = new Set(["README.md", "schema.generated.ts"]);
const stepFilePattern = /^(pre|post|rollback-post)\.(sql|ts)$/;

export function formatVersion(version: number): string {
  return String(version).padStart(4, "0");
}

async function listDirectory(directory: string): Promise<{ name: string; isDirectory: boolean }[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : code === "ENOTDIR" ? "is not a folder" : `cannot be read (${code})`;
    throw new MigratorError("invalidMigrations", `migrations folder ${directory} ${reason}`, "pass the folder of one database, e.g. migrations/flags", {
      cause: error,
    });
  }
}

async function readVersion(directory: string, name: string, version: number, problems: string[]): Promise<MigrationVersion | undefined> {
  const found = new Map<StepKind, Step>();
  const files = await listDirectory(path.join(directory, name));
  const seen = new Map<StepKind, string>();
  for (const file of files) {
    const match = stepFilePattern.exec(file.name);
    if (!match || file.isDirectory) {
      problems.push(`${name}/${file.name}: unexpected ${file.isDirectory ? "folder" : "file"}; a version holds only pre, post and rollback-post steps (.sql or .ts)`);
      continue;
    }
    const kind = match[1] as StepKind;
    const earlier = seen.get(kind);
    if (earlier) {
      problems.push(`${name}: both ${earlier} and ${file.name}; keep one ${kind} step`);
      continue;
    }
    seen.set(kind, file.name);
    const label = `${name}/${file.name}`;
    const result = await readStep(kind, path.join(directory, name, file.name), label);
    if (result.problems) problems.push(...result.problems.map((problem) => `${label}${/^\d+:\d+:/.test(problem) ? ":" : " "}${problem}`));
    else found.set(kind, result.step);
  }
  if (!seen.has("pre")) problems.push(`${name}: no pre step; every version needs pre.sql (or pre.ts), the expand step`);
  if (seen.has("post") && !seen.has("rollback-post")) {
    problems.push(`${name}: post step without rollback-post; add ${name}/rollback-post.sql that undoes post, or the post step is a point of no return`);
  }
  if (seen.has("rollback-post") && !seen.has("post")) problems.push(`${name}: rollback-post without a post step to undo; remove it or add post.sql`);
  const pre = found.get("pre");
  if (!pre) return undefined;
  const post = found.get("post");
  const rollbackPost = found.get("rollback-post");
  return { version, name, pre, ...(post && { post }), ...(rollbackPost && { rollbackPost }) };
}

/** Reads and checks a database folder; throws InvalidMigrationsError listing every problem. */
export async function loadMigrations(directory: string): Promise<MigrationSet> {
  const absolute = path.resolve(directory);
  const database = path.basename(absolute);
  const problems: string[] = [];
  if (!databaseNamePattern.test(database)) {
    problems.push(`the folder name "${database}" is not a database name; use lower-case letters, digits and _ (e.g. flags)`);
  }
  await loadSqlParser();
  const entries = await listDirectory(absolute);
  const byVersion = new Map<number, string[]>();
  const reads: Promise<{ read: MigrationVersion | undefined; problems: string[] }>[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory) {
      if (!nonVersionFiles.has(entry.name) && !entry.name.startsWith(".")) {
        problems.push(`${entry.name}: unexpected file; only version folders <NNNN>_<slug>, ${[...nonVersionFiles].join(" and ")} belong here`);
      }
      continue;
    }
    const match = versionFolderPattern.exec(entry.name);
    if (!match) {
      problems.push(`${entry.name}: not a version folder name; use <NNNN>_<slug>, four digits then lower-case words joined by _ (e.g. 0003_add_segments)`);
      continue;
    }
    const version = Number(match[1]);
    byVersion.set(version, [...(byVersion.get(version) ?? []), entry.name]);
    // Versions are read concurrently; their problems are merged in folder order below.
    const versionProblems: string[] = [];
    reads.push(readVersion(absolute, entry.name, version, versionProblems).then((read) => ({ read, problems: versionProblems })));
  }
  const versions: MigrationVersion[] = [];
  for (const { read, problems: found } of await Promise.all(reads)) {
    problems.push(...found);
    if (read) versions.push(read);
  }
  const numbers = [...byVersion.keys()].sort((a, b) => a - b);
  for (const [version, names] of byVersion) {
    if (names.length > 1) problems.push(`version ${formatVersion(version)} is used by ${names.join(" and ")}; renumber one of them to the next free version`);
  }
  numbers.forEach((version, index) => {
    const expected = index + 1;
    if (version !== expected && (index === 0 || numbers[index - 1] !== version - 1)) {
      problems.push(`versions must be numbered 0001, 0002, ... without gaps: expected ${formatVersion(expected)}, found ${byVersion.get(version)?.join(", ")}`);
    }
  });
  if (problems.length > 0) throw new InvalidMigrationsError(absolute, problems);
  return { database, directory: absolute, versions: versions.sort((a, b) => a.version - b.version) };
}

/** True when a path is a folder (used to list database folders under a migrations root). */
export async function isDirectory(candidate: string): Promise<boolean> {
  return stat(candidate).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
