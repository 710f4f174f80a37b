/** Test helper: runs an app's main module as a real child process and reads its JSON log lines. */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ChildService {
  readonly process: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(): void;
}

export function startChildService(modulePath: string, env: Record<string, string>): ChildService {
  const child = spawn(process.execPath, ["--import", "tsx", modulePath], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on("line", (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      stderr.push(`stdout (not JSON): ${text}`);
    }
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr }).on("line", (text) => stderr.push(text));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return {
    process: child,
    lines,
    stderr,
    exited,
    waitForLine(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${stderr.join("\n")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
