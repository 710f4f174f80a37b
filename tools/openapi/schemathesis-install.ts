/**
 * Installs schemathesis (PyPI) the way the project installs its other test tools: by its own
 * script, pinned, into a cache folder outside the repository (a Python venv under
 * ~/.cache/armature, or ARMATURE_CACHE_DIR), once per machine. Needs python3 with venv and pip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { cacheRoot } from "../test-services/engine/recipes";

export const SCHEMATHESIS_VERSION = "4.32.5";

export const SCHEMATHESIS_DIR = path.join(cacheRoot(), `schemathesis-${SCHEMATHESIS_VERSION}`);

export class SchemathesisInstallError extends Error {}

function run(command: string, args: readonly string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ["ignore", process.stderr, process.stderr] });
  if (result.error) throw new SchemathesisInstallError(`${what}: cannot run ${command} (${result.error.message}); install python3 with venv and pip (Debian: apt-get install python3 python3-venv)`);
  if (result.status !== 0) throw new SchemathesisInstallError(`${what} failed (${command} ${args.join(" ")} exited ${result.status ?? result.signal}); see the output above`);
}

function installedVersion(st: string): string | undefined {
  if (!existsSync(st)) return undefined;
  const result = spawnSync(st, ["--version"], { encoding: "utf8" });
  return /version (\S+)/.exec(result.stdout ?? "")?.[1];
}

/** The path of the `st` command, installing schemathesis first when it is missing or another version. */
export function ensureSchemathesis(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const st = path.join(SCHEMATHESIS_DIR, "bin", "st");
  if (installedVersion(st) === SCHEMATHESIS_VERSION) return st;
  log(`schemathesis: installing ${SCHEMATHESIS_VERSION} from PyPI into ${SCHEMATHESIS_DIR}`);
  rmSync(SCHEMATHESIS_DIR, { recursive: true, force: true });
  run("python3", ["-m", "venv", SCHEMATHESIS_DIR], "creating the schemathesis venv");
  run(path.join(SCHEMATHESIS_DIR, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `schemathesis==${SCHEMATHESIS_VERSION}`], "pip install schemathesis");
  const version = installedVersion(st);
  if (version !== SCHEMATHESIS_VERSION) throw new SchemathesisInstallError(`schemathesis: ${st} reports version ${version ?? "nothing"} after installing ${SCHEMATHESIS_VERSION}`);
  return st;
}
