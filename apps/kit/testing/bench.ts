/** Benchmark helpers shared by the apps' bench/ scripts: child processes, readiness, and figures. */
import { type ChildProcess, spawn } from "node:child_process";

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** Polls `url` until it answers 200. */
export async function waitForOk(url: string, everyMs = 2): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs node with `args` (stdout ignored, stderr shown). */
export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

/** SIGTERM, and wait for the exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
