/**
 * Where a running dev environment keeps what other commands need (discovery's address, the
 * developer's token file) and its apps' logs: `$ARMATURE_DEV_HOME`, default `<tmp>/armature-dev-<uid>`.
 * Private to the user (0700): it holds tokens. The state and tokens are removed when the
 * environment stops; the logs stay until the next start.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isAlive } from "../test-services/process-alive";

export interface DevState {
  readonly pid: number;
  readonly discoveryUrl: string;
  readonly redisUrl: string;
  /** A token for the local admin identity (local/developer), for overrides. */
  readonly developerTokenFile: string;
  readonly apps: Readonly<Record<string, string>>;
}

export function devHome(): string {
  return process.env["ARMATURE_DEV_HOME"] ?? path.join(tmpdir(), `armature-dev-${process.getuid?.() ?? "user"}`);
}

const stateFile = () => path.join(devHome(), "state.json");

/** The running environment's state, or undefined when none runs (a leftover file of a dead one is ignored). */
export function readDevState(): DevState | undefined {
  if (!existsSync(stateFile())) return undefined;
  const state = JSON.parse(readFileSync(stateFile(), "utf8")) as DevState;
  return isAlive(state.pid) ? state : undefined;
}

/** A fresh home for this run; refuses when another dev environment is running from it. */
export function claimDevHome(): string {
  const running = readDevState();
  if (running) throw new Error(`a dev environment is already running (pid ${running.pid}, discovery at ${running.discoveryUrl}): stop it with Ctrl-C, or set ARMATURE_DEV_HOME to run a second one`);
  rmSync(devHome(), { recursive: true, force: true });
  mkdirSync(devHome(), { recursive: true, mode: 0o700 });
  return devHome();
}

export function writeDevState(state: DevState): void {
  writeFileSync(stateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function releaseDevHome(): void {
  for (const file of readdirSync(devHome())) if (file === "state.json" || file.endsWith(".token")) rmSync(path.join(devHome(), file), { force: true });
}
