/**
 * The policy pack under the real Pulumi engine, in a preview of a stack that does not exist yet:
 * the worst case for unknown values (the clusters' kubeconfigs are unknown, so the engine shows
 * stack policies every Kubernetes object as `{}`; README, "Unknown values").
 *
 * - The dev stack previews with the pack and no mandatory violation: what cannot be decided yet is
 *   an advisory "cannot check yet", decided again at `pulumi up` (tools/e2e/dev-stack.e2e.test.ts
 *   runs `up` with the pack).
 * - A deliberately bad program (fixtures/bad-program.ts, the plan's fixture) still fails the same
 *   preview: unknowns do not let known violations through. Its verdicts (policy, resource, enforcement)
 *   are the offline plan's, compared set to set: the CLI's come from the engine's event log, the
 *   plan's from its JSON document (tools/ci/policy-verdicts.ts).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../tools/repository-root";
import { type DevStackLane, CLUSTERS, DEV_POLICY_PACK, startDevStackLane } from "../tools/e2e/dev-stack-lane";
import { PulumiSession } from "../tools/e2e/pulumi-session";
import { verdictLines, verdictsFromEventLog, verdictsFromPlan } from "../tools/ci/policy-verdicts";
import type { PlanDocument } from "../tools/plan/plan-document";
import { EXPECTED_VIOLATIONS } from "./fixtures/bad-program";

const STACK = "e2e-policy";
const POLICY_PACK = DEV_POLICY_PACK;
/** A project of its own whose program is the bad-program fixture. */
const BAD_PROJECT = path.join(REPOSITORY_ROOT, ".armature", "e2e-policy-bad-program");

let lane: DevStackLane | undefined;

const say = (line: string) => console.log(line);

/**
 * The lane's CLI with `--event-log` available: the flag exists only with PULUMI_DEBUG_COMMANDS set
 * (https://github.com/pulumi/pulumi/blob/v3.248.0/pkg/cmd/pulumi/operations/preview.go).
 */
function debugSession(lane: DevStackLane): PulumiSession {
  const { options } = lane.workspace.pulumi;
  return new PulumiSession({ ...options, env: { ...options.env, PULUMI_DEBUG_COMMANDS: "true" } });
}

/** `npm run plan -- dev --json --program <module>`, in a child process (Pulumi's mock runtime is global). */
function offlinePlan(programModule: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = path.join(REPOSITORY_ROOT, "tools/plan/cli.ts");
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", cli, "dev", "--json", "--program", programModule], { cwd: REPOSITORY_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  lane = await startDevStackLane(STACK);
});

afterAll(async () => {
  try {
    await lane?.stack.remove();
    if (lane) await lane.workspace.pulumi.run(["stack", "rm", "bad", "--yes", "--force"], { cwd: BAD_PROJECT, allowFailure: true });
    rmSync(BAD_PROJECT, { recursive: true, force: true });
  } finally {
    await lane?.close();
  }
});

interface PolicyLine {
  readonly enforcement: "mandatory" | "advisory";
  readonly policy: string;
  /** The resource's name, or the stack's for a stack policy that cannot run. */
  readonly resource: string;
  readonly text: string;
}

/**
 * The CLI's "Policies:" section: per finding, `- [<level>] [severity: <s>]  <policy>  (<type>: <name>)`
 * and then the description and message, indented, on the lines that follow.
 */
function policyLines(output: string): PolicyLine[] {
  const head = /^\s*- \[(mandatory|advisory)\] \[severity: \w+\]\s+(\S+)\s+\([^()]*?: ([^()]+)\)\s*$/;
  const found: PolicyLine[] = [];
  for (const line of output.split("\n")) {
    const match = head.exec(line);
    if (match) found.push({ enforcement: match[1] as PolicyLine["enforcement"], policy: match[2]!, resource: match[3]!, text: "" });
    else if (found.length > 0 && /^\s{8,}\S/.test(line)) {
      const last = found.pop()!;
      found.push({ ...last, text: `${last.text} ${line.trim()}`.trim() });
    }
  }
  return found;
}

describe.sequential("pulumi preview with the policy pack, on the real engine", () => {
  it("previews a fresh dev stack with no mandatory violation; what needs the clusters is 'cannot check yet'", async () => {
    const eventLog = path.join(lane!.workspace.dir, "dev-preview-events.jsonl");
    const result = await debugSession(lane!).run(["preview", "--stack", STACK, ...POLICY_PACK, "--event-log", eventLog], { allowFailure: true });
    const lines = policyLines(result.stdout);
    const verdicts = verdictsFromEventLog(readFileSync(eventLog, "utf8"));
    const mandatory = lines.filter((line) => line.enforcement === "mandatory");
    const cannotCheckYet = lines.filter((line) => line.text.includes("cannot check yet"));
    say(`pulumi preview of a fresh ${STACK} stack with the pack: exit ${result.code}, ${mandatory.length} mandatory, ${lines.length - mandatory.length} advisory`);
    say(`  cannot check yet: ${cannotCheckYet.map((line) => line.policy).join(", ")}`);
    expect(mandatory.map((line) => `${line.policy} @ ${line.resource}: ${line.text}`)).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    // The engine's own record agrees with the printed section: advisories only, as many.
    expect(verdictLines(verdicts.filter((verdict) => verdict.enforcement === "mandatory"))).toEqual([]);
    expect(verdicts).toHaveLength(lines.length);
    // The policies that pair Kubernetes objects could not see them: they said so, as advisories.
    expect(cannotCheckYet.map((line) => line.policy)).toEqual(expect.arrayContaining(["k8s-min-replicas", "k8s-pod-disruption-budget"]));
    for (const line of cannotCheckYet) expect(line.enforcement).toBe("advisory");
    // The preview did reach the Kubernetes objects: a policy ran on them.
    expect(result.stdout).toMatch(/\+ \d+ to create/);
  });

  it("still fails the preview of a bad program, listing each violation the plan lists", async () => {
    mkdirSync(BAD_PROJECT, { recursive: true });
    writeFileSync(
      path.join(BAD_PROJECT, "Pulumi.yaml"),
      "name: armature-bad-program\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n    tsconfig: ../../tsconfig.json\nmain: .\n",
    );
    // Without a package.json of its own, Node.js would take the repository's `main` (the Armature program).
    writeFileSync(path.join(BAD_PROJECT, "package.json"), JSON.stringify({ name: "armature-bad-program", private: true, main: "index.ts" }));
    writeFileSync(path.join(BAD_PROJECT, "index.ts"), 'import { program } from "../../policies/fixtures/bad-program";\n\nexport = program();\n');
    const inBad = { cwd: BAD_PROJECT };
    const pulumi = debugSession(lane!);
    await pulumi.run(["stack", "init", "bad", "--secrets-provider", "passphrase"], inBad);
    // The default Kubernetes provider talks to one of the local API servers (known config).
    await pulumi.run(["config", "set", "kubernetes:kubeconfig", lane!.controlPlane.clusters[CLUSTERS.services]!.kubeconfigPath, "--stack", "bad"], inBad);
    const eventLog = path.join(lane!.workspace.dir, "bad-preview-events.jsonl");
    const [result, plan] = await Promise.all([
      pulumi.run(["preview", "--stack", "bad", "--policy-pack", "../../policies", "--policy-pack-config", "../../policies/enforcement/dev.json", "--event-log", eventLog], {
        ...inBad,
        allowFailure: true,
      }),
      offlinePlan(path.join(REPOSITORY_ROOT, "policies/fixtures/bad-program.ts")),
    ]);
    const mandatory = policyLines(result.stdout).filter((line) => line.enforcement === "mandatory");
    const listed = mandatory.map((line) => `${line.policy} @ ${line.resource}`);
    say(`pulumi preview of the bad program with the pack: exit ${result.code}, ${mandatory.length} mandatory violation(s)`);
    expect(result.code).not.toBe(0);
    expect(listed.slice().sort()).toEqual(EXPECTED_VIOLATIONS.map(([policy, resource]) => `${policy} @ ${resource}`).sort());

    // The same verdicts as the offline plan of the same program: policy, resource type and name, enforcement.
    expect(plan.code, plan.stderr).toBe(3);
    const fromPlan = verdictLines(verdictsFromPlan(JSON.parse(plan.stdout) as PlanDocument));
    const fromCli = verdictLines(verdictsFromEventLog(readFileSync(eventLog, "utf8")));
    say(`offline plan (npm run plan -- dev --program policies/fixtures/bad-program.ts): exit ${plan.code}, ${fromPlan.length} verdict(s)\n  ${fromPlan.join("\n  ")}`);
    say(`pulumi preview --policy-pack (engine event log): exit ${result.code}, ${fromCli.length} verdict(s)\n  ${fromCli.join("\n  ")}`);
    expect(fromCli).toEqual(fromPlan);
    expect(fromPlan).toHaveLength(EXPECTED_VIOLATIONS.length);
  });
});
