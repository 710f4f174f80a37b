/**
 * Helpers for the migrator's tests (and apps' tests of their migrations): throwaway migration
 * folders, and a snapshot of a database's schema to compare before and after.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { run } from "./cli/main";

/** Writes `files` (relative path → content) into a new folder named `database`; returns its path. */
export async function writeMigrationFolder(database: string, files: Record<string, string | Buffer>): Promise<string> {
  const directory = path.join(await mkdtemp(path.join(tmpdir(), "armature-migrations-")), database);
  await mkdir(directory, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, relative)), { recursive: true });
    await writeFile(path.join(directory, relative), content);
  }
  return directory;
}

/** Copies a fixture folder (optionally only some versions) to a temporary folder of the same name. */
export async function copyFixture(fixture: string, versions?: readonly string[]): Promise<string> {
  const source = path.resolve(__dirname, "../fixtures", fixture);
  const directory = path.join(await mkdtemp(path.join(tmpdir(), "armature-migrations-")), fixture);
  await cp(source, directory, {
    recursive: true,
    filter: (from) => !versions || from === source || versions.some((version) => path.relative(source, from).startsWith(version)),
  });
  return directory;
}

/**
 * The user-visible schema of `public`: columns (by name, not position, which Postgres cannot
 * restore), constraints, indexes, triggers and functions, each as one comparable line.
 */
export async function schemaSnapshot(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(`
      SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') AS line
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL
      SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      UNION ALL
      SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL
      SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL
      SELECT 'function ' || p.oid::regprocedure || ' ' || md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      ORDER BY 1`);
    return rows.map((row) => row.line);
  } finally {
    await client.end();
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process (as `migrator <args>` with `env`), capturing its output. */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, env, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

export const cliEntry = path.resolve(__dirname, "cli/main.ts");
const tsxLoader = require.resolve("tsx");

/**
 * Starts the CLI as a real child process, as a Job or a developer would: one Node process with
 * tsx as its loader (the tsx CLI would add a second process that a SIGKILL does not reach).
 */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", pathToFileURL(tsxLoader).href, cliEntry, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the CLI as a child process to its end. */
export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
