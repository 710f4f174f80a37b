/**
 * `npm run ephemeral` and `npm run drift` against the real engine: the real Pulumi CLI and Kubernetes
 * provider, a file backend with a passphrase, and two local kube-apiservers (tools/e2e/ops-lane.ts).
 * The tools run as a user runs them, with the lane's environment (its `pulumi` on PATH, PULUMI_HOME,
 * PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE). One PR stack, pr-42, serves every test: it is
 * created (with a second create racing it), drifted behind Pulumi's back, restored while the reaper
 * runs, and destroyed. What the tools claim is checked through the Kubernetes API.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPOSITORY_ROOT } from "../repository-root";
import { waitUntil } from "../test-services/wait-until";
import { CLUSTERS } from "../e2e/dev-stack-lane";
import { type OpsLane, startOpsLane } from "../e2e/ops-lane";
import { updateSummary } from "../e2e/pulumi-session";
import { type CommandResult, runCommand } from "../e2e/run-command";
import { TEST_CHARTS } from "../e2e/test-stack";
import type { DriftReport } from "../drift/drift-report";

const PR = 42;
const STACK = `pr-${PR}`;
const STACK_FILE = path.join(REPOSITORY_ROOT, `Pulumi.${STACK}.yaml`);
/** The lane has no nodes and no chart repository: the documented keys the e2e stack sets too (tools/e2e/test-stack.ts). */
const LANE_CONFIG = [
  "--config", "kubernetes.awaitReadiness=false",
  "--config", `charts.vault.path=${TEST_CHARTS.vault}`,
  "--config", `charts.keda.path=${TEST_CHARTS.keda}`,
];
const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];
/** A stale PR stack of this project the reaper must remove. */
const STALE_STACK = "pr-8";

let lane: OpsLane;
let backendDir: string;
let scratch: string;
let webhook: { server: Server; url: string; received: { text: string }[] };

const say = (line: string) => console.log(line);

async function tool(name: "ephemeral" | "drift", args: readonly string[], env: NodeJS.ProcessEnv = lane.env): Promise<CommandResult> {
  const result = await runCommand("npm", ["run", "--silent", name, "--", ...args], { cwd: REPOSITORY_ROOT, env, logFile: lane.workspace.logFile, allowFailure: true });
  say(`$ npm run ${name} -- ${args.join(" ")}  → exit ${result.code}`);
  return result;
}

const pulumi = (args: readonly string[], options: { allowFailure?: boolean; cwd?: string } = {}) => lane.workspace.pulumi.run(args, options);

/** `project/stack` for every stack (`stack ls` shortens the names of the current project's stacks). */
async function stackNames(all = false): Promise<string[]> {
  const { document } = await lane.workspace.pulumi.json<{ name: string }[]>(["stack", "ls", "--json", ...(all ? ["--all"] : [])]);
  return document.map(({ name }) => (name.includes("/") ? name.split("/").slice(-2).join("/") : `armature/${name}`)).sort();
}

/** The file backend's lock for a stack: present exactly while an update of it runs. */
function stackLocked(stack: string): boolean {
  const dir = path.join(backendDir, ".pulumi", "locks", "organization", "armature", stack);
  return existsSync(dir) && readdirSync(dir).some((file) => file.endsWith(".json"));
}

async function waitForLock(stack: string): Promise<void> {
  await waitUntil(`an update of ${stack} to take the stack lock`, () => (stackLocked(stack) ? Promise.resolve() : Promise.reject(new Error("no lock yet"))), 120_000, 100);
}

/** Objects labelled with the stack, in one cluster ("" when none). */
async function labelled(cluster: keyof typeof CLUSTERS): Promise<string> {
  const resources = (await lane.kube[cluster].listableResources()).filter((resource) => !resource.startsWith("events"));
  return (await lane.kube[cluster].raw(["get", resources.join(","), "--all-namespaces", "--selector", `stack=${STACK}`, "--output", "name", "--ignore-not-found"])).trim();
}

/** A stack whose last update was in 2020, made by importing an empty deployment with that time (`stack ls` reports it). */
async function staleStack(name: string, cwd: string): Promise<void> {
  await pulumi(["stack", "init", name], { cwd });
  const file = path.join(scratch, `${name}-deployment.json`);
  writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: { time: "2020-01-01T00:00:00Z", magic: "", version: "" }, resources: [] } }));
  await pulumi(["stack", "import", "--file", file, "--stack", name], { cwd });
}

beforeAll(async () => {
  if (existsSync(STACK_FILE)) throw new Error(`${STACK_FILE} exists: another run is using ${STACK}, or an earlier one was interrupted; remove it first`);
  lane = await startOpsLane();
  backendDir = new URL(lane.env["PULUMI_BACKEND_URL"]!).pathname;
  scratch = mkdtempSync(path.join(tmpdir(), "armature-ops-e2e-"));
  const received: { text: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push(JSON.parse(body) as { text: string });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  webhook = { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/alerts`, received };
});

afterAll(async () => {
  try {
    if (lane && (await stackNames()).includes(`armature/${STACK}`)) {
      await pulumi(["destroy", "--yes", "--skip-preview", "--stack", STACK], { allowFailure: true });
      await pulumi(["stack", "rm", "--yes", "--force", "--stack", STACK], { allowFailure: true });
    }
  } finally {
    for (const file of [STACK_FILE, path.join(REPOSITORY_ROOT, `Pulumi.${STALE_STACK}.yaml`)]) rmSync(file, { force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    await new Promise<void>((resolve) => (webhook ? webhook.server.close(() => resolve()) : resolve()));
    await lane?.close();
  }
});

describe.sequential("ephemeral environments and drift detection on the real engine", () => {
  it("create 42 brings pr-42 up; a second create for the same PR at once fails clearly and corrupts nothing", async () => {
    const first = tool("ephemeral", ["create", String(PR), ...LANE_CONFIG]);
    await waitForLock(STACK);
    say(`${STACK} is locked: the first create's \`pulumi up\` is running`);
    // Two ways a second create can come: on the same checkout (the file is there) or from a fresh
    // one with --force (the file is rewritten, the backend's stack lock refuses the second update).
    const [sameCheckout, forced] = await Promise.all([
      tool("ephemeral", ["create", String(PR), ...LANE_CONFIG]),
      tool("ephemeral", ["create", String(PR), "--force", ...LANE_CONFIG]),
    ]);
    say(`second create: ${sameCheckout.stderr.trim().split("\n").pop()}`);
    say(`second create --force: ${forced.stderr.trim().split("\n").pop()}`);
    expect(sameCheckout.code).toBe(1);
    expect(sameCheckout.stderr).toMatch(/ephemeral: Pulumi\.pr-42\.yaml already exists \(another create for PR 42, or an earlier one\); pass --force/);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/ephemeral: pr-42 is locked by another update \(another create for the same pull request\?\): wait for it to finish/);

    const result = await first;
    say(`first create:\n${updateSummary(result.stdout + result.stderr)}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/wrote Pulumi\.pr-42\.yaml from the ephemeral template with kubernetes\.awaitReadiness, charts\.vault\.path, charts\.keda\.path set/);
    expect(updateSummary(result.stderr)).toMatch(/\+ \d+ created/);

    // Nothing corrupted: the file kept the salt the first create's `stack select --create` wrote, it is
    // the template's config, and the stack's secrets still decrypt with it.
    const file = parseYaml(readFileSync(STACK_FILE, "utf8")) as { encryptionsalt?: string; config: Record<string, unknown> };
    expect(file.encryptionsalt).toMatch(/^v1:/);
    expect(file.config).toMatchObject({ "armature:environment": "ephemeral", "armature:ephemeral": { pullRequest: PR } });
    const password = (await pulumi(["stack", "output", "postgresAdminPassword", "--show-secrets", "--stack", STACK])).stdout.trim();
    expect(password.length).toBeGreaterThanOrEqual(32);

    const namespaces = (await lane.kube.services.list("namespaces", { selector: `stack=${STACK}` })).map((namespace) => namespace.metadata.name).sort();
    const counts = { services: (await labelled("services")).split("\n").length, workers: (await labelled("workers")).split("\n").length };
    say(`kubernetes: namespaces labelled stack=${STACK}: ${namespaces.join(", ")}; objects labelled: services cluster ${counts.services}, workers cluster ${counts.workers}`);
    expect(namespaces).toEqual(expect.arrayContaining(["platform", "tenant-acme", "tenant-globex"]));
    expect(counts.workers).toBeGreaterThan(0);
  });

  it("drift: right after `pulumi up`, nothing has drifted (exit 0)", async () => {
    const result = await tool("drift", [STACK]);
    say(result.stdout.trim());
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`No drift in ${STACK}: every resource is as Pulumi last left it.`);
  });

  it("drift: four changes behind Pulumi's back exit 4, named with property paths and no values; an unapplied program change is not drift", async () => {
    const kube = (args: string[]) => lane.kube.services.raw(args);
    // Scale: the Deployment's size is the HorizontalPodAutoscaler's to set (the program leaves
    // spec.replicas to it), so the out-of-band scale that changes what Pulumi declared is the HPA's floor.
    await kube(["--namespace", "platform", "patch", "horizontalpodautoscaler", "discovery-blue", "--type", "merge", "--patch", '{"spec":{"minReplicas":5}}']);
    await kube(["--namespace", "platform", "scale", "deployment", "discovery-blue", "--replicas", "5"]);
    await kube(["--namespace", "tenant-acme", "patch", "networkpolicy", "default-deny", "--type", "json", "--patch", '[{"op":"replace","path":"/spec/policyTypes","value":["Egress"]}]']);
    await kube(["--namespace", "tenant-acme", "delete", "resourcequota", "--selector", `stack=${STACK}`]);
    await kube(["label", "namespace", "tenant-globex", "tenant=mallory", "--overwrite"]);
    say("out of band: HPA discovery-blue minReplicas 5 and Deployment scaled to 5; tenant-acme default-deny now Egress only; tenant-acme quota deleted; tenant-globex relabelled tenant=mallory");
    // A program change never applied: the refresh does not run the program, so it is no drift.
    const colour = (await pulumi(["config", "get", "--path", "armature:apps.activeColour", "--stack", STACK])).stdout.trim();
    await pulumi(["config", "set", "--path", "armature:apps.activeColour", colour === "blue" ? "green" : "blue", "--stack", STACK]);

    const result = await tool("drift", [STACK]);
    say(result.stdout.trim());
    expect(result.code).toBe(4);
    const lines = result.stdout.split("\n").filter((line) => line.startsWith("  - ")).sort();
    expect(lines).toEqual([
      "  - changed kubernetes:autoscaling/v2:HorizontalPodAutoscaler apps-discovery-blue (spec.minReplicas)",
      "  - changed kubernetes:core/v1:Namespace globex-namespace (metadata.labels.tenant)",
      "  - changed kubernetes:networking.k8s.io/v1:NetworkPolicy acme-default-deny (spec.policyTypes[0], spec.policyTypes[1])",
      "  - deleted kubernetes:core/v1:ResourceQuota acme-quota",
    ]);
    for (const value of ["mallory", "Egress", "green"]) expect(result.stdout).not.toContain(value);

    const json = await tool("drift", [STACK, "--json"]);
    expect(json.code).toBe(4);
    const report = JSON.parse(json.stdout) as DriftReport;
    expect(report.drifted.map((resource) => `${resource.op} ${resource.name}`).sort()).toEqual(["delete acme-quota", "update acme-default-deny", "update apps-discovery-blue", "update globex-namespace"]);
    expect(report.drifted.some((resource) => resource.type.includes("HTTPRoute") || resource.type.includes("Service"))).toBe(false);
    await pulumi(["config", "set", "--path", "armature:apps.activeColour", colour, "--stack", STACK]);
  });

  it("drift --notify posts the report to the alert webhook; a check that cannot run exits 1 and is posted too", async () => {
    const env = { ...lane.env, ARMATURE_ALERT_WEBHOOK_URL: webhook.url };
    const drifted = await tool("drift", [STACK, "--notify"], env);
    expect(drifted.code).toBe(4);
    expect(webhook.received.at(-1)?.text).toMatch(/^Drift in pr-42: 4 resource\(s\) changed outside Pulumi\.\n {2}- /);
    say(`webhook received: ${JSON.stringify(webhook.received.at(-1)).slice(0, 160)}...`);

    const wrongPassphrase = await tool("drift", [STACK, "--notify"], { ...env, PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" });
    say(`with a wrong passphrase: ${wrongPassphrase.stderr.trim().split("\n").pop()}`);
    expect(wrongPassphrase.code).toBe(1);
    expect(wrongPassphrase.stderr).toMatch(/^drift: pulumi refresh --preview-only --json --stack pr-42 failed \(exit \d+\): .*passphrase/m);
    expect(webhook.received.at(-1)?.text).toMatch(/^Drift check of pr-42 could not complete:\n {2}- pulumi refresh .*passphrase/);
    expect(webhook.received).toHaveLength(2);
  });

  it("reap removes only idle pr-<n> stacks: never dev, another project's stack, or a stack being updated", async () => {
    // Stacks idle since 2020: this project's dev (made from a scratch copy of the project, so the
    // checked-in Pulumi.dev.yaml is not touched), another project's pr-7, and this project's pr-8.
    const sameProject = path.join(scratch, "armature");
    const otherProject = path.join(scratch, "other");
    for (const [dir, name] of [[sameProject, "armature"], [otherProject, "other"]] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
    }
    await staleStack("dev", sameProject);
    await staleStack("pr-7", otherProject);
    await staleStack(STALE_STACK, REPOSITORY_ROOT);
    say(`stacks before reaping: ${(await stackNames(true)).join(", ")}`);

    // pr-42 is being updated (`pulumi up --refresh` restores what drifted) while the reaper runs with
    // a clock two days ahead and a 1 h TTL, so by its age alone pr-42 would go.
    const restore = pulumi(["up", "--refresh", "--yes", "--skip-preview", "--stack", STACK]);
    await waitForLock(STACK);
    const now = new Date(Date.now() + 48 * 3_600_000).toISOString();
    const reap = await tool("ephemeral", ["reap", "--ttl-hours", "1", "--now", now]);
    say(reap.stderr.split("\n").filter((line) => /^(keep|reap|failed)/.test(line)).join("\n"));
    expect(reap.code).toBe(0);
    expect(reap.stderr).toMatch(/^keep pr-42: an update is in progress \(the stack is locked\)$/m);
    expect(reap.stderr).toMatch(/^reap pr-8: idle \d+\.\d h, TTL 1 h$/m);
    expect(reap.stderr).not.toMatch(/^reap (dev|pr-7)\b/m);

    const restored = await restore;
    say(`pulumi up --refresh (restoring the drift):\n${updateSummary(restored.stdout)}`);
    expect(await stackNames(true)).toEqual(["armature/dev", "armature/pr-42", "other/pr-7"]);
    expect(existsSync(path.join(REPOSITORY_ROOT, `Pulumi.${STALE_STACK}.yaml`))).toBe(false);

    // Restored, and now recently updated: drift is clean again, and the real clock keeps pr-42.
    const quotas = await lane.kube.services.list("resourcequotas", { namespace: "tenant-acme" });
    expect(quotas.length).toBe(1);
    expect((await tool("drift", [STACK])).code).toBe(0);
    const reapNow = await tool("ephemeral", ["reap"]);
    expect(reapNow.code).toBe(0);
    expect(reapNow.stderr).toMatch(/^keep pr-42: idle 0\.\d h of 72 h$/m);
  });

  it("destroy 42 removes the stack, Pulumi.pr-42.yaml and every object it created", async () => {
    const result = await tool("ephemeral", ["destroy", String(PR)]);
    say(`destroy:\n${updateSummary(result.stderr)}`);
    expect(result.code).toBe(0);
    expect(await stackNames()).toEqual(["armature/dev"]);
    expect(existsSync(STACK_FILE)).toBe(false);
    for (const cluster of Object.keys(CLUSTERS) as (keyof typeof CLUSTERS)[]) {
      const leftOver = async () => ({
        labelled: await labelled(cluster),
        namespaces: (await lane.kube[cluster].list("namespaces")).map((namespace) => namespace.metadata.name).filter((name) => !SYSTEM_NAMESPACES.includes(name)),
      });
      // Namespace deletion is asynchronous (the namespace controller empties them first).
      await waitUntil(`the ${cluster} cluster to finish deleting ${STACK}'s namespaces`, async () => {
        const left = await leftOver();
        if (left.labelled !== "" || left.namespaces.length > 0) throw new Error(`still there: ${left.labelled.replaceAll("\n", ", ")} ${left.namespaces.join(", ")}`);
      }, 120_000, 1000).catch(() => undefined);
      const left = await leftOver();
      expect(left.labelled, `objects labelled stack=${STACK} in ${cluster}`).toBe("");
      expect(left.namespaces).toEqual([]);
      say(`${cluster} cluster after destroy: only ${SYSTEM_NAMESPACES.join(", ")}; nothing labelled stack=${STACK}`);
    }
  });

  it("bad input against a real backend: clear errors, non-zero exits", async () => {
    const destroyAgain = await tool("ephemeral", ["destroy", String(PR)]);
    expect(destroyAgain.code).toBe(1);
    expect(destroyAgain.stderr).toMatch(/ephemeral: there is no stack pr-42 in this project's backend \(`pulumi stack ls`\): nothing to destroy; check the pull-request number and PULUMI_BACKEND_URL/);
    const driftGone = await tool("drift", [STACK]);
    expect(driftGone.code).toBe(2);
    expect(driftGone.stderr).toMatch(/drift: no stack named "pr-42" in this project's backend \(stacks: dev\)/);
    const badConfig = await tool("ephemeral", ["create", String(PR), "--config", "kubernetes.awaitReadiness=sometimes"]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/the config for pr-42 breaks the stack config rules; fix the --config values \(kubernetes\.awaitReadiness\)/);
    expect(existsSync(STACK_FILE)).toBe(false);
    say([destroyAgain, driftGone, badConfig].map((result) => result.stderr.trim().split("\n")[0]).join("\n"));
  });
});
