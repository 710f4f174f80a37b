/**
 * Runs a recipe's build once and caches the result: the build happens in a temp folder beside the final one
 * and is renamed into place only when every step succeeded, so an interrupted build never looks done. Builds
 * run one at a time (Go builds of these sizes take most of the machine's memory and both cores): in this
 * process through a queue, across processes through a lock folder.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { tailOf } from "../child-process";
import { cacheRoot, type Recipe, recipeDir } from "./recipes";
import { isAlive } from "../process-alive";

export type Log = (line: string) => void;

export interface BuildContext {
  /** The temp build folder; binaries go to `<dir>/bin`. */
  readonly dir: string;
  /** Runs a command with its output appended to the build log; rejects when it fails. */
  run(command: string, args: readonly string[], options?: { cwd?: string; env?: Record<string, string> }): Promise<void>;
  /** Appends a note to the build log. */
  note(line: string): void;
}

export interface BuildDescription {
  /** What is built, for the progress lines ("pulumi v3.248.0"). */
  readonly label: string;
  /** How long a first build takes, for the start line ("about 5 min"). */
  readonly estimate: string;
}

const LOG_FILE = "build.log";
const HEARTBEAT_MS = 30_000;
const FAILURE_TAIL_LINES = 40;

let queue: Promise<unknown> = Promise.resolve();

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** The folder of a recipe that was built before, or undefined. Cheap: one stat. */
export function builtDir(recipe: Recipe): string | undefined {
  const dir = recipeDir(recipe);
  return existsSync(path.join(dir, "bin")) ? dir : undefined;
}

/** Builds `recipe` with `steps` unless it was built before; resolves to its final folder. */
export function cachedBuild(recipe: Recipe, description: BuildDescription, steps: (context: BuildContext) => Promise<void>, log: Log): Promise<string> {
  const done = builtDir(recipe);
  if (done) return Promise.resolve(done);
  const result = queue.then(() => buildLocked(recipe, description, steps, log));
  queue = result.catch(() => undefined);
  return result;
}

async function buildLocked(recipe: Recipe, description: BuildDescription, steps: (context: BuildContext) => Promise<void>, log: Log): Promise<string> {
  const release = await acquireLock(log);
  try {
    // Another process may have built it while we waited for the lock.
    return builtDir(recipe) ?? (await build(recipe, description, steps, log));
  } finally {
    release();
  }
}

async function build(recipe: Recipe, description: BuildDescription, steps: (context: BuildContext) => Promise<void>, log: Log): Promise<string> {
  const finalDir = recipeDir(recipe);
  removeLeftovers(finalDir);
  const dir = `${finalDir}.tmp-${process.pid}`;
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  writeFileSync(path.join(dir, "recipe.json"), `${JSON.stringify(recipe, null, 2)}\n`);
  const logFile = path.join(dir, LOG_FILE);
  const logFd = openSync(logFile, "a");
  const started = Date.now();
  log(`engine: building ${description.label} from the Go module proxy (first time only, ${description.estimate}); log: ${logFile}`);
  const heartbeat = setInterval(() => log(`engine: still building ${recipe.name}… ${formatDuration(Date.now() - started)}`), HEARTBEAT_MS);
  heartbeat.unref();
  const context: BuildContext = {
    dir,
    note: (line) => writeSync(logFd, `${line}\n`),
    run: (command, args, options) => runLogged(command, args, options?.cwd ?? dir, options?.env ?? {}, logFd),
  };
  try {
    await steps(context);
  } catch (error) {
    throw new Error(
      `building ${description.label} failed: ${(error as Error).message}\n` +
        `last ${FAILURE_TAIL_LINES} lines of ${logFile}:\n${tailOf(logFile, FAILURE_TAIL_LINES)}\n` +
        `Fix the cause (network to the Go module proxy, disk space, Go version) and run the tests again; the build restarts from scratch.`,
      { cause: error },
    );
  } finally {
    clearInterval(heartbeat);
    closeSync(logFd);
  }
  renameSync(dir, finalDir);
  log(`engine: built ${description.label} in ${formatDuration(Date.now() - started)} into ${finalDir}`);
  return finalDir;
}

/** Temp folders of earlier, interrupted builds of the same recipe. */
function removeLeftovers(finalDir: string): void {
  const parent = path.dirname(finalDir);
  mkdirSync(parent, { recursive: true });
  const prefix = `${path.basename(finalDir)}.tmp-`;
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(prefix)) rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

function runLogged(command: string, args: readonly string[], cwd: string, env: Record<string, string>, logFd: number): Promise<void> {
  writeSync(logFd, `\n$ (cd ${cwd} && ${command} ${args.join(" ")})\n`);
  const goFlags = [process.env["GOFLAGS"], "-buildvcs=false"].filter(Boolean).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, GOFLAGS: goFlags, ...env }, stdio: ["ignore", logFd, logFd] });
    child.on("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`\`${command} ${args.join(" ")}\` exited with ${code ?? signal}`)),
    );
  });
}

/** A lock folder holding the owner's pid; a lock whose owner is gone is taken over. */
async function acquireLock(log: Log): Promise<() => void> {
  const lockDir = path.join(cacheRoot(), "engine", ".build-lock");
  const pidFile = path.join(lockDir, "pid");
  mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(pidFile, String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(readFileOr(pidFile, "0"));
    if (owner > 0 && !isAlive(owner)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`engine: waiting for another engine build to finish (pid ${owner || "unknown"}, lock ${lockDir})`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function readFileOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

