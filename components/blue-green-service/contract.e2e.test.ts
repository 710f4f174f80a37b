/**
 * The contract (post-deploy) migration on the real engine (the dev stack through the e2e lane:
 * tools/e2e/dev-stack-lane.ts): a colour switch creates no post Job; `armature:apps.contract:
 * applied` retires the old colour and then creates them; going back after it (`activeColour` back,
 * `contract: undone`) creates the rollback-post Jobs, and the engine finishes them before it starts
 * the route, the returning colour's Deployment or the worker's. The order is read from the engine's
 * event log, the objects from the API servers. Jobs never run here (no kubelet), and the lane's stack
 * does not wait for readiness, so the Jobs' existence and order are what is checked, not their work.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, DEV_POLICY_PACK, type DevStackLane, startDevStackLane } from "../../tools/e2e/dev-stack-lane";
import { type EngineStep, engineErrors, readEngineSteps, stepOf } from "../../tools/e2e/engine-events";
import { type KubeObject, Kubectl } from "../../tools/e2e/kubectl";
import { updateSummary } from "../../tools/e2e/pulumi-session";

const STACK = "e2e-contract";
const APPS_WITH_DATABASES = ["discovery", "flags", "health"];
const BLUE_GREEN_APPS = ["discovery", "flags", "health"];
const JOB = "kubernetes:batch/v1:Job";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

let lane: DevStackLane;
let kube: Record<keyof typeof CLUSTERS, Kubectl>;
let destroyed = false;
const logDir = mkdtempSync(path.join(tmpdir(), "armature-contract-e2e-"));
const say = (line: string) => console.log(line);
/** A post-deploy (contract) Job's resource name: `apps-<app>-post`, not `apps-<app>-rollback-post`. */
const isPostJob = (step: EngineStep) => step.type === JOB && step.name.endsWith("-post") && !step.name.endsWith("-rollback-post");

beforeAll(async () => {
  lane = await startDevStackLane(STACK);
  const kubectlFor = (name: string) => new Kubectl(lane.binaries.kubectl, lane.controlPlane.clusters[name]!.kubeconfigPath, lane.workspace.logFile);
  kube = { services: kubectlFor(CLUSTERS.services), workers: kubectlFor(CLUSTERS.workers) };
});

afterAll(async () => {
  try {
    if (lane && !destroyed) await lane.workspace.pulumi.run(["destroy", "--yes", "--stack", STACK], { allowFailure: true });
    await lane?.stack.remove();
  } finally {
    await lane?.close();
  }
});

/** `pulumi up --json` with the dev policy pack; returns the steps the engine took, in its order. */
async function up(label: string): Promise<EngineStep[]> {
  const result = await lane.workspace.pulumi.run(["up", "--yes", "--skip-preview", "--json", "--stack", STACK, ...DEV_POLICY_PACK], { allowFailure: true });
  writeFileSync(path.join(logDir, `${label}.json`), result.stdout);
  if (result.code !== 0) {
    throw new Error(`pulumi up (${label}) exited ${result.code}:\n${engineErrors(result.stdout).join("\n") || result.stderr.slice(-3000)}`);
  }
  const steps = readEngineSteps(result.stdout);
  const count = (op: string) => steps.filter((step) => step.op === op).length;
  say(`pulumi up (${label}): ${steps.length} steps (${count("create")} create, ${count("update")} update, ${count("replace")} replace, ${count("delete")} delete); events in ${logDir}/${label}.json`);
  expect(steps.length, "the engine reported its steps").toBeGreaterThan(0);
  return steps;
}

/** The stack's migration Jobs of one phase in a cluster, by name. */
async function jobsOfPhase(cluster: keyof typeof CLUSTERS, phase: string): Promise<string[]> {
  const jobs = await kube[cluster].list("jobs.batch", { selector: `stack=${STACK},armature.dev/migration-phase=${phase}` });
  // A Job Pulumi deleted may linger while the garbage collector removes its dependents.
  const deleting = (job: KubeObject) => (job.metadata as { deletionTimestamp?: string }).deletionTimestamp !== undefined;
  return jobs.filter((job) => !deleting(job)).map((job) => job.metadata.name).sort();
}

async function deployment(name: string): Promise<KubeObject> {
  const found = (await kube.services.list("deployments.apps", { namespace: "platform" })).find((candidate) => candidate.metadata.name === name);
  if (!found) throw new Error(`no Deployment platform/${name}`);
  return found;
}

async function routeWeights(app: string): Promise<Record<string, number>> {
  const route = (await kube.services.list("httproutes.gateway.networking.k8s.io", { namespace: "platform" })).find((candidate) => candidate.metadata.name === app)!;
  const refs = (route.spec.rules as { backendRefs: { name: string; weight?: number }[] }[]).flatMap((rule) => rule.backendRefs);
  return Object.fromEntries(refs.filter((ref) => ref.weight !== undefined).map((ref) => [ref.name, ref.weight!]));
}

const describeSteps = (steps: readonly EngineStep[], filter: (step: EngineStep) => boolean) =>
  steps.filter(filter).sort((a, b) => a.started - b.started).map((step) => `${step.op} ${step.name}`).join(", ");

describe.sequential("the contract migration on the real engine", () => {
  it("brings the dev stack up with blue active and the contract pending: no post Job", async () => {
    await up("initial");
    expect(await jobsOfPhase("services", "post")).toEqual([]);
    expect(await jobsOfPhase("workers", "post")).toEqual([]);
    expect(await jobsOfPhase("services", "pre")).toEqual(APPS_WITH_DATABASES.flatMap((app) => [`${app}-pre-blue-1-3-0`, `${app}-pre-green-1-4-0`]).sort());
  });

  it("switching to green moves the traffic and creates no post Job: blue still runs, the way back", async () => {
    await lane.stack.set("apps.activeColour", "green");
    const steps = await up("switch");
    expect(steps.filter(isPostJob)).toEqual([]);
    // Each colour keeps its own expand Job: a switch re-runs no migrator, the worker's included.
    expect(steps.filter((step) => step.type === JOB).map((step) => `${step.op} ${step.name}`)).toEqual([]);
    for (const app of BLUE_GREEN_APPS) expect(await routeWeights(app)).toEqual({ [`${app}-blue`]: 0, [`${app}-green`]: 100 });
    expect(await jobsOfPhase("services", "post")).toEqual([]);
    expect(await jobsOfPhase("workers", "post")).toEqual([]);
    expect((await deployment("discovery-blue")).spec.replicas).toBeGreaterThan(0);
    say(`switch: ${describeSteps(steps, (step) => step.type === JOB || step.type === ROUTE)}; no post Job in either cluster`);
  });

  it("contract applied: blue is scaled to zero, then the post Jobs are created", async () => {
    await lane.stack.set("apps.contract", "applied");
    const steps = await up("contract");
    expect(await jobsOfPhase("services", "post")).toEqual(APPS_WITH_DATABASES.map((app) => `${app}-post-green-1-4-0`));
    expect(await jobsOfPhase("workers", "post")).toEqual(["worker-post-1-4-0"]);
    for (const app of BLUE_GREEN_APPS) expect((await deployment(`${app}-blue`)).spec.replicas, `${app}-blue`).toBe(0);
    for (const app of APPS_WITH_DATABASES) {
      const retire = stepOf(steps, DEPLOYMENT, `apps-${app}-blue`);
      const post = stepOf(steps, JOB, `apps-${app}-post`);
      expect(post.op).toBe("create");
      expect(retire.finished, `${app}: blue's scale-down finished before its post Job started`).toBeLessThan(post.started);
    }
    say(`contract: ${describeSteps(steps, (step) => step.type === JOB || (step.type === DEPLOYMENT && step.name.endsWith("-blue")))}`);
  });

  it("going back after the contract: the rollback-post Jobs are created before blue returns and before the routes change", async () => {
    await lane.stack.set("apps.activeColour", "blue");
    await lane.stack.set("apps.contract", "undone");
    const steps = await up("back");
    expect(await jobsOfPhase("services", "rollback-post")).toEqual(APPS_WITH_DATABASES.map((app) => `${app}-rollback-post-green-1-4-0`));
    expect(await jobsOfPhase("workers", "rollback-post")).toEqual(["worker-rollback-post-1-4-0"]);
    expect(steps.filter(isPostJob).map((step) => `${step.op} ${step.name}`).sort()).toEqual(
      [...APPS_WITH_DATABASES, "worker"].map((app) => `delete apps-${app}-post`),
    );
    for (const app of APPS_WITH_DATABASES) {
      const rollback = stepOf(steps, JOB, `apps-${app}-rollback-post`);
      expect(rollback.op).toBe("create");
      for (const dependent of [stepOf(steps, ROUTE, `apps-${app}`), stepOf(steps, DEPLOYMENT, `apps-${app}-blue`)]) {
        expect(dependent.op).toBe("update");
        expect(rollback.finished, `${app}: rollback-post finished before ${dependent.name} started`).toBeLessThan(dependent.started);
      }
      expect(await routeWeights(app)).toEqual({ [`${app}-blue`]: 100, [`${app}-green`]: 0 });
    }
    // The worker runs 1.2.0 on both colours, so its Deployment does not change here: its order after
    // the rollback is a dependency, checked in the plan (stacks/workloads-plan.test.ts).
    expect(stepOf(steps, JOB, "apps-worker-rollback-post").op).toBe("create");
    // Going back never re-runs an older migrator's expand against the newer schema (it would exit 5).
    expect(steps.filter((step) => step.type === JOB && step.name.includes("-pre"))).toEqual([]);
    // Un-retired: the field is dropped and server-side apply resets it to the default, for the HPA to scale from.
    const replicas = await Promise.all(BLUE_GREEN_APPS.map(async (app) => [app, (await deployment(`${app}-blue`)).spec.replicas as number] as const));
    for (const [app, count] of replicas) expect(count, `${app}-blue replicas`).toBeGreaterThan(0);
    say(`back: ${describeSteps(steps, (step) => step.type === JOB || step.type === ROUTE || step.type === DEPLOYMENT)}`);
    say(`blue replicas after going back: ${replicas.map(([app, count]) => `${app}-blue=${count}`).join(", ")}`);
  });

  it("destroys the stack", async () => {
    const result = await lane.workspace.pulumi.run(["destroy", "--yes", "--skip-preview", "--stack", STACK]);
    destroyed = true;
    say(`pulumi destroy:\n${updateSummary(result.stdout)}`);
    expect(updateSummary(result.stdout)).toMatch(/deleted/);
  });
});
