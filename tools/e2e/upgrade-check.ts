/**
 * Does an update from an older revision to this tree replace or delete anything? On the real-engine
 * lane (dev-stack-lane.ts: the Pulumi CLI and Kubernetes provider built from source, two local
 * kube-apiservers), it brings the dev stack up from the older revision's tree, then previews with
 * --diff and updates from this tree, prints the engine's summaries and every step that changed
 * something, and exits 1 if any step replaced or deleted a resource.
 *
 *   tsx tools/e2e/upgrade-check.ts <git ref>     (e6e07aa: the commit before PlatformApps' split)
 *
 * The older tree is extracted read-only (`git archive | tar -x`) into a temporary folder, with this
 * checkout's node_modules linked in; the checkout's git state is never touched. The stand-in charts
 * (armature:charts.*.path, relative to each tree, as stack config requires) resolve to each tree's
 * own folder, so the Helm releases show an update of their chart path, not a replacement.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPOSITORY_ROOT } from "../repository-root";
import { type DevStackLane, startDevStackLane } from "./dev-stack-lane";
import { engineErrors, readEngineSteps } from "./engine-events";
import { PulumiSession, updateSummary } from "./pulumi-session";

const USAGE = "usage: npm run upgrade:check -- <git ref> (a commit, tag or branch to update from, e.g. e6e07aa, the commit before PlatformApps' split)";
const STACK = "upgrade-check";
/** Any token satisfies the vault stand-in (it reaches no Vault). */
const VAULT_TOKEN_ENV = { VAULT_TOKEN: "hvs.e2e-lane-token" };
/** Engine step kinds that lose a resource's identity (pulumi/pkg/resource/deploy/step.go StepOp). */
const IDENTITY_LOSING = new Set(["replace", "create-replacement", "delete-replaced", "delete", "discard", "discard-replaced", "read-replacement", "import-replacement"]);

async function main(): Promise<number> {
  const [ref, ...extra] = process.argv.slice(2);
  if (ref === undefined || extra.length > 0) throw new UsageError(ref === undefined ? `no git ref given; ${USAGE}` : `unexpected ${extra.join(" ")}; ${USAGE}`);
  const commit = resolveCommit(ref);
  const oldTree = extractTree(commit);
  let lane: DevStackLane | undefined;
  const currentStackFile = path.join(REPOSITORY_ROOT, `Pulumi.${STACK}.yaml`);
  try {
    lane = await startDevStackLane(STACK, oldTree);
    const { workspace } = lane;
    const before = await workspace.pulumi.run(["up", "--yes", "--skip-preview", "--stack", STACK], { env: VAULT_TOKEN_ENV });
    console.log(`pulumi up from ${ref} (${commit.slice(0, 12)}):\n${updateSummary(before.stdout)}\n`);

    // The same backend, passphrase and stack config, with this checkout as the program.
    if (existsSync(currentStackFile)) throw new Error(`${currentStackFile} exists: another run's stack file? Remove it first.`);
    copyFileSync(path.join(oldTree, `Pulumi.${STACK}.yaml`), currentStackFile);
    const current = new PulumiSession({ ...workspace.pulumi.options, projectDir: REPOSITORY_ROOT });

    const preview = await current.run(["preview", "--diff", "--stack", STACK], { env: VAULT_TOKEN_ENV });
    console.log(`pulumi preview --diff from this tree:\n${changedLines(preview.stdout).join("\n")}\n${updateSummary(preview.stdout)}\n`);

    const up = await current.run(["up", "--yes", "--skip-preview", "--json", "--stack", STACK], { env: VAULT_TOKEN_ENV, allowFailure: true });
    const errors = engineErrors(up.stdout);
    const steps = readEngineSteps(up.stdout);
    console.log(`pulumi up from this tree: ${engineSummary(up.stdout)}`);
    for (const step of steps) console.log(`  ${step.op.padEnd(20)} ${step.type} ${step.name}`);
    for (const error of errors) console.log(`  error: ${error}`);

    const failures = [
      ...updateSummary(preview.stdout).split("\n").filter((line) => /to (replace|delete)/.test(line)).map((line) => `the preview: ${line.trim()}`),
      ...steps.filter((step) => IDENTITY_LOSING.has(step.op)).map((step) => `the update: ${step.op} ${step.type} ${step.name}`),
      ...(up.code !== 0 ? [`pulumi up exited ${up.code}`] : []),
    ];
    if (failures.length > 0) {
      console.log(`\nFAIL (full log: ${workspace.logFile}):\n${failures.map((failure) => `  ${failure}`).join("\n")}`);
      return 1;
    }
    console.log("\nOK: nothing replaced or deleted.");
    return 0;
  } finally {
    if (lane) {
      await lane.workspace.pulumi.run(["destroy", "--yes", "--skip-preview", "--stack", STACK], { allowFailure: true, env: VAULT_TOKEN_ENV });
      await lane.stack.remove();
      await lane.close();
    }
    rmSync(currentStackFile, { force: true });
    rmSync(oldTree, { recursive: true, force: true });
  }
}

function resolveCommit(ref: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: REPOSITORY_ROOT, encoding: "utf8" }).trim();
  } catch {
    throw new UsageError(`${JSON.stringify(ref)} names no commit in ${REPOSITORY_ROOT}; ${USAGE}`);
  }
}

/** The commit's tree in a new temporary folder, with this checkout's node_modules linked in. */
function extractTree(commit: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "armature-upgrade-"));
  execFileSync("sh", ["-c", 'git archive --format=tar "$1" | tar -x -C "$2"', "sh", commit, dir], { cwd: REPOSITORY_ROOT, stdio: ["ignore", "inherit", "inherit"] });
  symlinkSync(path.join(REPOSITORY_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** The --diff lines of what changes (create, update, replace, delete markers), not the unchanged rest. */
function changedLines(previewOutput: string): string[] {
  const body = previewOutput.slice(0, Math.max(0, previewOutput.lastIndexOf("Resources:")));
  return body.split("\n").filter((line) => /^\s*(\+-|\+|~|-)\s/.test(line) && !/^\s*\+\s+pulumi:pulumi:Stack/.test(line));
}

/** The engine's own count of an update's steps by kind (its summaryEvent's resourceChanges). */
function engineSummary(jsonOutput: string): string {
  const match = /"resourceChanges":\s*(\{[^}]*\})/.exec(jsonOutput);
  return match ? match[1]!.replace(/\s+/g, " ") : "(no summary event)";
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `upgrade-check: ${error.message}` : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
