/**
 * podman as this project runs it: its storage under the cache folder (outside the repository, so a
 * warm run reuses layers), and the options that work on the CI machines, which run unprivileged
 * containers inside a container: the vfs storage driver (no overlay mounts), runc (crun fails there:
 * "cgroups in hybrid mode not supported"), cgroupfs (no systemd), the host network, and no default
 * ulimits (setting them is not permitted). Installs podman and runc with apt-get when they are missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { IMAGES_CACHE_DIR } from "./cache-dir";
import { log } from "./progress";

const STORAGE_DIR = path.join(IMAGES_CACHE_DIR, "podman");
const CONTAINERS_CONF = path.join(IMAGES_CACHE_DIR, "containers.conf");

/** Global options, before the podman command. */
const GLOBAL_OPTIONS = [
  "--root", path.join(STORAGE_DIR, "storage"),
  "--runroot", path.join(STORAGE_DIR, "run"),
  "--storage-driver", "vfs",
  "--runtime", "runc",
  "--cgroup-manager", "cgroupfs",
];

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Installs podman and runc when absent (apt-get, as root), and writes the containers.conf. */
export function ensurePodman(): void {
  const missing = ["podman", "runc"].filter((command) => !has(command));
  if (missing.length > 0) {
    if (process.getuid?.() !== 0 || !has("apt-get")) {
      throw new Error(`missing ${missing.join(", ")}: install them (apt-get install ${missing.join(" ")}), or build with docker (npm run images -- --builder docker)`);
    }
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { stdio: ["ignore", process.stderr, process.stderr], env }).status === 0;
    log(`apt-get install ${missing.join(" ")}`);
    if (!install()) {
      if (spawnSync("apt-get", ["update"], { stdio: ["ignore", process.stderr, process.stderr], env }).status !== 0 || !install()) {
        throw new Error(`apt-get install ${missing.join(" ")} failed (see the output above)`);
      }
    }
  }
  mkdirSync(STORAGE_DIR, { recursive: true });
  // The machine's limits stay as they are: setting the defaults (nofile, nproc) is not permitted here.
  writeFileSync(CONTAINERS_CONF, "[containers]\ndefault_ulimits = []\n");
}

function podmanEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF };
}

/** Runs podman to completion, capturing its output. */
export function podman(args: readonly string[], options: { readonly input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", [...GLOBAL_OPTIONS, ...args], { env: podmanEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: exitCodeOf(code, signal), stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A child's exit code; killed by a signal: the shell's convention, 128 + its number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

/** Runs podman and fails with its stderr when it exits non-zero. */
export async function podmanOrFail(args: readonly string[], what: string): Promise<string> {
  const result = await podman(args);
  if (result.code !== 0) throw new Error(`${what} failed: podman ${args.join(" ")} exited ${result.code}\n${result.stderr.trim()}`);
  return result.stdout;
}

/** Starts a long-running podman command (a container in the foreground); the caller waits on it. */
export function spawnPodman(args: readonly string[]) {
  return spawn("podman", [...GLOBAL_OPTIONS, ...args], { env: podmanEnv(), stdio: ["ignore", "pipe", "pipe"] });
}

/** The command line a person would type, for progress messages. */
export function podmanCommandLine(args: readonly string[]): string {
  return ["podman", ...args].join(" ");
}
