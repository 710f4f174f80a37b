/**
 * The node processes the host started (programs and plugins): stopped when their RPC is cancelled, when
 * the CLI calls Cancel, or when the host itself is told to stop. Like upstream (exec.CommandContext with
 * an interrupt as its Cancel, and a WaitDelay of 5 s), a child first gets SIGINT and SIGKILL 5 s later.
 */
import { type ChildProcess } from "node:child_process";

const GRACE_MS = 5000;
const running = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

export function interrupt(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), GRACE_MS);
  timer.unref();
  child.once("exit", () => clearTimeout(timer));
}

export function interruptAll(): void {
  for (const child of running) interrupt(child);
}

/** Resolves once every child has exited, or after the grace period. */
export async function allExited(): Promise<void> {
  const exits = [...running].map((child) => new Promise<void>((resolve) => child.once("exit", () => resolve())));
  await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500).unref())]);
}
