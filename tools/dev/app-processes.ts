/**
 * The platform apps as child processes: each runs its `main.ts` through tsx (`tsx watch`: restarted
 * when a file it imports changes), in its own process group with its log in a file. Stopping sends
 * SIGTERM (the app drains and deregisters), then SIGKILL to the whole group after a grace period,
 * so nothing is left running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { REPOSITORY_ROOT as repositoryRoot } from "../repository-root";

export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Why it is gone, or undefined while it runs. */
  exited(): string | undefined;
}

export interface AppSpec {
  readonly name: string;
  /** The entry point, relative to the repository root. */
  readonly main: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
}

const TSX = path.join(repositoryRoot, "node_modules", ".bin", "tsx");
/** Longer than the kit's SHUTDOWN_TIMEOUT_MS given to the apps (dev-environment.ts), so a drain can finish. */
const STOP_GRACE_MS = 12_000;

export function startApp(spec: AppSpec, logDirectory: string, watch: boolean): AppProcess {
  const logFile = path.join(logDirectory, `${spec.name}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const args = watch ? ["watch", "--clear-screen=false", spec.main] : [spec.main];
  const child = spawn(TSX, args, {
    cwd: repositoryRoot,
    env: { ...process.env, ...spec.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a terminal's Ctrl-C reaches the dev command only, which stops the apps
    // in order, and the group can be killed as a whole.
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    name: spec.name,
    url: `http://127.0.0.1:${spec.port}`,
    logFile,
    child,
    exited: () => (child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `killed by ${child.signalCode}` : undefined),
  };
}

/** SIGTERM to the app (tsx relays it), SIGKILL to its process group after the grace period. */
export async function stopApp(app: AppProcess): Promise<void> {
  const pid = app.child.pid;
  if (pid === undefined) return;
  if (app.exited() === undefined) {
    const exited = new Promise<void>((resolve) => app.child.once("exit", () => resolve()));
    app.child.kill("SIGTERM");
    const timer = setTimeout(() => killGroup(pid), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  // tsx runs the app in a child of its own: make sure nothing of the group outlives it.
  killGroup(pid);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}
