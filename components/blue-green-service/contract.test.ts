/**
 * The contract (post-deploy) migration of a blue/green service runs only when it is safe: not while
 * the old colour still runs another release, but once it is retired; and going back after a
 * contract runs rollback-post before the old release starts or gets traffic. Registered under the
 * recording mock runtime, which keeps each resource's dependencies as they reach the engine.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { type RecordedResource, startRecordingMockRuntime } from "../../tools/plan/recording-monitor";
import { ComponentArgError } from "../shared/arg-error";
import { BlueGreenService, type BlueGreenServiceArgs, type ContractState } from "./blue-green-service";
import { contractSteps } from "./contract";

let recorded: RecordedResource[];
let provider: k8s.Provider;
beforeAll(async () => {
  recorded = await startRecordingMockRuntime({ project: "armature", stack: "test", config: {}, secretKeys: [] });
  provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
});

const REGISTRY = "europe-west1-docker.pkg.dev/p/platform";
const JOB = "kubernetes:batch/v1:Job";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const SERVICE = "kubernetes:core/v1:Service";

const args = (app: string, overrides: Partial<BlueGreenServiceArgs> = {}): BlueGreenServiceArgs => ({
  app,
  namespace: "shop",
  labels: { team: "shop", tenant: "platform", environment: "test" },
  images: { blue: `${REGISTRY}/orders:1.0.0`, green: `${REGISTRY}/orders:1.1.0` },
  activeColour: "green",
  gateway: { name: "platform", namespace: "gateway" },
  migrations: {
    images: { blue: `${REGISTRY}/migrator:1.3.0`, green: `${REGISTRY}/migrator:1.4.0` },
    database: "orders",
    databaseUrl: { name: "orders-database", key: "DATABASE_URL" },
  },
  ...overrides,
});

/** Registers a service and waits until every one of its resources has reached the engine. */
async function deploy(app: string, overrides: Partial<BlueGreenServiceArgs> = {}) {
  const service = new BlueGreenService(app, args(app, overrides), { provider });
  await settle();
  const ours = () => recorded.filter((resource) => resource.name === app || resource.name.startsWith(`${app}-`));
  const one = (type: string, name: string) => {
    const found = ours().find((resource) => resource.type === type && resource.name === name);
    if (!found) throw new Error(`no ${type} ${name}; registered: ${ours().map((resource) => `${resource.type} ${resource.name}`).join(", ")}`);
    return found;
  };
  const jobs = () => ours().filter((resource) => resource.type === JOB);
  const phaseOf = (job: RecordedResource) => (job.rawInputs as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args[0];
  return { service, one, jobs, phaseOf };
}

/** Exported by @pulumi/pulumi at runtime, but marked internal in its typings. */
const settle = () => (pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> }).waitForRPCs();

describe("the contract migration of a blue/green service", () => {
  it("is absent after the switch while the old colour still runs its release (contract pending)", async () => {
    const { service, jobs, phaseOf, one } = await deploy("switched");
    expect(service.postDeployJob).toBeUndefined();
    expect(service.rollbackPostJob).toBeUndefined();
    expect(jobs().map(phaseOf).sort()).toEqual(["pre", "pre"]);
    // Both colours keep running: the old one is the instant way back.
    expect(one(DEPLOYMENT, "switched-blue").rawInputs["spec"]).not.toHaveProperty("replicas");
    expect(one(DEPLOYMENT, "switched-green").rawInputs["spec"]).not.toHaveProperty("replicas");
  });

  it("runs once the old colour is retired (contract applied): after the route, the Services and the retirement", async () => {
    const { service, one, jobs, phaseOf } = await deploy("applied", { contract: "applied" });
    expect(service.retiredColour).toBe("blue");
    expect(one(DEPLOYMENT, "applied-blue").rawInputs["spec"]).toMatchObject({ replicas: 0 });
    expect(one(DEPLOYMENT, "applied-green").rawInputs["spec"]).not.toHaveProperty("replicas");
    const post = one(JOB, "applied-post");
    expect(jobs().map(phaseOf).sort()).toEqual(["post", "pre", "pre"]);
    expect(post.rawInputs).toMatchObject({ metadata: { name: "applied-post-green-1-4-0" }, spec: { template: { spec: { containers: [{ image: `${REGISTRY}/migrator:1.4.0`, args: ["post"] }] } } } });
    expect(post.dependencies).toEqual(expect.arrayContaining([
      one(ROUTE, "applied").urn,
      one(SERVICE, "applied").urn,
      one(SERVICE, "applied-preview").urn,
      one(DEPLOYMENT, "applied-blue").urn,
    ]));
  });

  it("runs at the switch when both colours run the same release: no running version needs an older schema", async () => {
    const same = { images: { blue: `${REGISTRY}/orders:1.1.0`, green: `${REGISTRY}/orders:1.1.0` } };
    const migrations = { ...args("same").migrations!, images: { blue: `${REGISTRY}/migrator:1.4.0`, green: `${REGISTRY}/migrator:1.4.0` } };
    const { service, one } = await deploy("same", { ...same, migrations });
    expect(service.postDeployJob).toBeDefined();
    expect(service.retiredColour).toBeUndefined();
    expect(one(DEPLOYMENT, "same-blue").rawInputs["spec"]).not.toHaveProperty("replicas");
  });

  it("going back after a contract (undone): the contracting release's rollback-post runs before the old release starts or gets traffic", async () => {
    const { service, one, jobs, phaseOf } = await deploy("undone", { activeColour: "blue", contract: "undone" });
    expect(service.postDeployJob).toBeUndefined();
    expect(service.retiredColour).toBeUndefined();
    const rollback = one(JOB, "undone-rollback-post");
    expect(jobs().map(phaseOf).sort()).toEqual(["pre", "pre", "rollback-post"]);
    // Green contracted with migrator 1.4.0, so only 1.4.0 knows the post steps to undo.
    expect(rollback.rawInputs).toMatchObject({
      metadata: { name: "undone-rollback-post-green-1-4-0", labels: { "armature.dev/migration-phase": "rollback-post" } },
      spec: { template: { spec: { containers: [{ image: `${REGISTRY}/migrator:1.4.0`, args: ["rollback-post"] }] } } },
    });
    for (const dependent of [one(ROUTE, "undone"), one(SERVICE, "undone"), one(SERVICE, "undone-preview"), one(DEPLOYMENT, "undone-blue")]) {
      expect(dependent.dependencies, `${dependent.type} ${dependent.name}`).toContain(rollback.urn);
    }
    // The returning colour is back to its autoscaler's count (no longer retired).
    expect(one(DEPLOYMENT, "undone-blue").rawInputs["spec"]).not.toHaveProperty("replicas");
  });

  it("going back before a contract needs nothing but the switch", async () => {
    const { service, jobs, phaseOf } = await deploy("back", { activeColour: "blue" });
    expect(service.postDeployJob).toBeUndefined();
    expect(service.rollbackPostJob).toBeUndefined();
    expect(jobs().map(phaseOf).sort()).toEqual(["pre", "pre"]);
  });

  it("retires the inactive colour even without migrations", async () => {
    const { service, one, jobs } = await deploy("plain", { contract: "applied", migrations: undefined });
    expect(service.retiredColour).toBe("blue");
    expect(one(DEPLOYMENT, "plain-blue").rawInputs["spec"]).toMatchObject({ replicas: 0 });
    expect(jobs()).toEqual([]);
  });

  it.each<[string, Partial<BlueGreenServiceArgs>, RegExp]>([
    ["a contract while the old colour still takes traffic", { contract: "applied", inactiveWeight: 10 }, /Args\.contract: "applied" retires the inactive colour, which inactiveWeight still sends 10% of the traffic\. Fix: set inactiveWeight to 0 first/],
    ["an unknown contract state", { contract: "done" as ContractState }, /Args\.contract: "done" is not a contract state\. Fix: use one of pending, applied, undone/],
  ])("refuses %s", (_, overrides, message) => {
    const create = () => new BlueGreenService(`refused-${Math.random().toString(36).slice(2, 8)}`, args("refused", overrides), { provider });
    expect(create).toThrow(ComponentArgError);
    expect(create).toThrow(message);
  });
});

describe("contractSteps", () => {
  it.each<[ContractState, boolean, ReturnType<typeof contractSteps>]>([
    ["pending", false, { retireInactive: false, post: false, rollbackPost: false }],
    ["applied", false, { retireInactive: true, post: true, rollbackPost: false }],
    ["undone", false, { retireInactive: false, post: false, rollbackPost: true }],
    ["pending", true, { retireInactive: false, post: true, rollbackPost: false }],
    ["undone", true, { retireInactive: false, post: true, rollbackPost: false }],
  ])("%s (same release on both colours: %s)", (state, sameRelease, expected) => {
    expect(contractSteps(state, sameRelease)).toEqual(expected);
  });
});
