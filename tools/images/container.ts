/**
 * Runs an image the way the platform does (non-root, read-only root filesystem, no capabilities) on
 * the host network, and times `podman run` to the first 200 from /readyz.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { freePort } from "../test-services/free-port";
import { exitCodeOf, podman, spawnPodman } from "./podman";

/** What Kubernetes' restricted profile asks of a pod, as podman flags. */
export const HARDENED_RUN_FLAGS = ["--network", "host", "--read-only", "--cap-drop", "all", "--security-opt", "no-new-privileges"] as const;

export interface RunningContainer {
  readonly name: string;
  readonly port: number;
  readonly baseUrl: string;
  /** From spawning `podman run` to the first 200 from /readyz. */
  readonly readyMs: number;
  /** The container's exit code (podman run's), once it has stopped. */
  readonly exited: Promise<number>;
  output(): string;
  /** Sends a signal to the container's main process (as the kubelet does on delete). */
  signal(signal: "TERM" | "KILL"): Promise<void>;
}

function envFlags(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(exitCodeOf(code, signal))));
}

/** Starts a serving image and waits for /readyz 200 (at most `timeoutMs`, failing with its output). */
export async function startContainer(tag: string, env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<RunningContainer> {
  const name = `armature-${randomBytes(4).toString("hex")}`;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnPodman(["run", "--rm", "--name", name, ...HARDENED_RUN_FLAGS, ...envFlags({ ...env, PORT: String(port), HOST: "127.0.0.1" }), tag]);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = exitOf(child);
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const container: Omit<RunningContainer, "readyMs"> = {
    name,
    port,
    baseUrl,
    exited,
    output: () => output,
    signal: async (signal) => {
      await podman(["kill", "--signal", signal, name]);
    },
  };
  while (true) {
    if (exitCode !== undefined) throw new Error(`${tag} exited with code ${exitCode} before it was ready:\n${tail(output)}`);
    if (performance.now() - started > timeoutMs) {
      await container.signal("KILL");
      throw new Error(`${tag} was not ready within ${timeoutMs} ms:\n${tail(output)}`);
    }
    if (await isReady(baseUrl)) return { ...container, readyMs: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Whether GET /readyz answers 200 now (false while nothing listens yet). */
export async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Runs an image to completion (a one-shot command such as the migrator's `pre`). */
export async function runToCompletion(
  tag: string,
  options: { readonly env?: Readonly<Record<string, string>>; readonly args?: readonly string[]; readonly entrypoint?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const result = await podman([
    "run", "--rm", ...HARDENED_RUN_FLAGS,
    ...envFlags(options.env ?? {}),
    ...(options.entrypoint ? ["--entrypoint", options.entrypoint] : []),
    tag, ...(options.args ?? []),
  ]);
  return { ...result, ms: performance.now() - started };
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
