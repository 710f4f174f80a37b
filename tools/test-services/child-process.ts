/**
 * Children started for tests: their output is kept in a log file (shown when they fail to start),
 * and they are killed when the test process exits, even on a crash or Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export function spawnServer(command: string, args: readonly string[], logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  running.add(child);
  child.on("exit", () => running.delete(child));
  installExitHook();
  return child;
}

export async function stopServer(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Why a server child is gone, or undefined while it runs. */
export function exitReason(child: ChildProcess): string | undefined {
  if (child.exitCode !== null) return `the server exited with code ${child.exitCode}`;
  if (child.signalCode !== null) return `the server was killed by ${child.signalCode}`;
  return undefined;
}

export function tailOf(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
