/**
 * The dev stack through the real Pulumi engine: the CLI and the Kubernetes provider built from
 * source, two real kube-apiservers (the services and the workers cluster) with etcd and their
 * controller-managers, and stand-ins only for what no registry here serves (the Node.js language
 * host; the gcp, vault, kafka, random and tls providers). It previews and brings up the whole stack,
 * reads back what the API servers hold, switches the active colour, and destroys everything.
 * Each step prints what a person would look at: the CLI's version, the update summaries, the checks.
 */
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../repository-root";
import { waitUntil } from "../test-services/wait-until";
import { CLUSTERS, DEV_POLICY_PACK, type DevStackLane, startDevStackLane } from "./dev-stack-lane";
import type { EngineWorkspace } from "./engine-workspace";
import { type KubeObject, Kubectl } from "./kubectl";
import { updateSummary } from "./pulumi-session";
import { type StackExport, nameOf, providerNameOf, resourcesOf } from "./state";
import { TEST_CHARTS, type TestStack } from "./test-stack";

const PROVIDER_CLUSTER: Record<string, keyof typeof CLUSTERS> = { "services-k8s": "services", "workers-k8s": "workers" };
const POLICY_PACK = DEV_POLICY_PACK;
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

let lane: DevStackLane;
let workspace: EngineWorkspace;
let stack: TestStack;
let kube: Record<keyof typeof CLUSTERS, Kubectl>;
let destroyed = false;

const say = (line: string) => console.log(line);

beforeAll(async () => {
  lane = await startDevStackLane();
  ({ workspace, stack } = lane);
  const kubectlFor = (name: string) => new Kubectl(lane.binaries.kubectl, lane.controlPlane.clusters[name]!.kubeconfigPath, workspace.logFile);
  kube = { services: kubectlFor(CLUSTERS.services), workers: kubectlFor(CLUSTERS.workers) };
});

afterAll(async () => {
  try {
    if (lane && !destroyed) await workspace.pulumi.run(["destroy", "--yes", "--stack", stack.name], { allowFailure: true, env: VAULT_TOKEN_ENV });
    await lane?.stack.remove();
  } finally {
    await lane?.close();
  }
});

async function exportState(): Promise<StackExport> {
  return (await workspace.pulumi.json<StackExport>(["stack", "export", "--stack", stack.name])).document;
}

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly newState?: { readonly type: string };
  readonly oldState?: { readonly type: string };
}

async function preview(extra: readonly string[] = []): Promise<readonly PreviewStep[]> {
  const { document } = await workspace.pulumi.json<{ steps?: PreviewStep[] }>(["preview", "--json", "--stack", stack.name, ...extra]);
  return document.steps ?? [];
}

const typeOf = (step: PreviewStep) => step.newState?.type ?? step.oldState?.type ?? "";

/** Any token satisfies the vault stand-in (it reaches no Vault); the real provider would check it. */
const VAULT_TOKEN_ENV = { VAULT_TOKEN: "hvs.e2e-lane-token" };

describe.sequential("the dev stack on the real engine", () => {
  it("runs the real Pulumi CLI with the real Kubernetes provider", async () => {
    const version = (await workspace.pulumi.run(["version"])).stdout.trim();
    say(`pulumi CLI ${version} (${lane.binaries.pulumi})`);
    expect(version).toBe(`v${lane.binaries.pulumiVersion}`);
    const plugins = (await workspace.pulumi.run(["plugin", "ls"])).stdout;
    say(plugins.trimEnd());
    expect(plugins).toMatch(new RegExp(`kubernetes\\s+resource\\s+${lane.binaries.kubernetesProviderVersion.replaceAll(".", "\\.")}`));
  });

  it("finding 1: without Pulumi.yaml's tsconfig option the program does not even compile", async () => {
    // A project whose `main` is the same stacks/ folder, but with the runtime options Armature had
    // before: ts-node, started in stacks/, finds no tsconfig.json and type-checks with its defaults.
    const dir = path.join(REPOSITORY_ROOT, ".armature", "e2e-no-tsconfig");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: armature\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: ../../stacks/\n");
    try {
      await workspace.pulumi.run(["stack", "init", "no-tsconfig"], { cwd: dir });
      const result = await workspace.pulumi.run(["preview", "--stack", "no-tsconfig"], { cwd: dir, allowFailure: true });
      say(`without the tsconfig option: pulumi preview exited ${result.code}`);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/Property 'hasOwn' does not exist on type 'ObjectConstructor'/);
    } finally {
      await workspace.pulumi.run(["stack", "rm", "no-tsconfig", "--yes", "--force"], { cwd: dir, allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("previews the whole dev stack", async () => {
    const steps = await preview();
    const creates = steps.filter((step) => step.op === "create");
    say(`pulumi preview: ${creates.length} resources to create (${new Set(creates.map(typeOf)).size} types)`);
    expect(creates.length).toBeGreaterThan(250);
    expect(steps.filter((step) => !["create", "same"].includes(step.op))).toEqual([]);
  });

  it("brings the whole dev stack up, with the policy pack", async () => {
    const result = await workspace.pulumi.run(["up", "--yes", "--skip-preview", "--stack", stack.name, ...POLICY_PACK]);
    say(`pulumi up:\n${updateSummary(result.stdout)}`);
    expect(updateSummary(result.stdout)).toMatch(/\+ \d+ created/);
    // The language host sits beside the CLI, where the CLI looks first: no "found on $PATH" warning.
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/using pulumi-language-nodejs from \$PATH/);
    const again = await preview();
    expect(again.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.urn}`)).toEqual([]);
  });

  it("handed the GCP stand-in the program's real inputs, and no secret reached its records", async () => {
    const records = readRecords(path.join(workspace.recordDir, "gcp.jsonl")).filter((record) => record.operation === "create" && !record.preview);
    const created = (type: string) => records.filter((record) => record.type === type).map((record) => record.inputs);
    const clusters = created("gcp:container/cluster:Cluster");
    expect(clusters.map((cluster) => String(cluster["name"])).sort()).toEqual([`armature-${stack.name}-services`, `armature-${stack.name}-workers`]);
    for (const cluster of clusters) expect(cluster["privateClusterConfig"]).toMatchObject({ enablePrivateNodes: true });
    const [database] = created("gcp:sql/databaseInstance:DatabaseInstance");
    expect(database?.["settings"].ipConfiguration).toMatchObject({ ipv4Enabled: false });
    const password = (await workspace.pulumi.run(["stack", "output", "postgresAdminPassword", "--show-secrets", "--stack", stack.name])).stdout.trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    for (const file of readdirSync(workspace.recordDir)) expect(readFileSync(path.join(workspace.recordDir, file), "utf8"), file).not.toContain(password);
    say(`gcp stand-in: ${records.length} resources created, among them ${clusters.length} private GKE clusters and a Cloud SQL instance without a public address; no secret in any record`);
  });

  it("created every Kubernetes object in its cluster, applied by Pulumi", async () => {
    const objects = resourcesOf(await exportState()).filter((resource) => resource.custom && resource.type.startsWith("kubernetes:") && resource.type !== HELM_RELEASE);
    const perCluster = { services: 0, workers: 0 };
    for (const cluster of Object.keys(perCluster) as (keyof typeof CLUSTERS)[]) {
      const mine = objects.filter((resource) => PROVIDER_CLUSTER[providerNameOf(resource) ?? ""] === cluster);
      perCluster[cluster] = mine.length;
      const live = new Map<string, KubeObject>();
      for (const resource of new Set(mine.map((resource) => resourceName(resource.outputs as KubeObject)))) {
        for (const object of await kube[cluster].list(resource)) live.set(`${resource} ${object.metadata.namespace ?? ""}/${object.metadata.name}`, object);
      }
      for (const resource of mine) {
        const declared = resource.outputs as KubeObject;
        const object = live.get(`${resourceName(declared)} ${declared.metadata.namespace ?? ""}/${declared.metadata.name}`);
        expect(object, `${resource.urn} in the ${cluster} cluster`).toBeDefined();
        expect(object!.metadata.managedFields?.map((field) => field.manager), `${resource.urn} applied by Pulumi`).toEqual(expect.arrayContaining([expect.stringMatching(/^pulumi-kubernetes/)]));
      }
    }
    say(`kubernetes: all ${objects.length} objects in the state found live and applied by Pulumi (services cluster ${perCluster.services}, workers cluster ${perCluster.workers})`);
    expect(perCluster.services).toBeGreaterThan(0);
    expect(perCluster.workers).toBeGreaterThan(0);
    expect(objects.length - perCluster.services - perCluster.workers).toBe(0);
  });

  it("gave each tenant its namespace, quota, limit range and network fence", async () => {
    for (const tenant of ["acme", "globex"]) {
      const namespace = `tenant-${tenant}`;
      const [quotas, limits, policies] = await Promise.all(["resourcequotas", "limitranges", "networkpolicies"].map((resource) => kube.services.list(resource, { namespace })));
      const fence = policies!.map((policy) => policy.metadata.name);
      say(`${namespace}: ${quotas!.length} quota, ${limits!.length} limit range, network policies ${fence.join(", ")}`);
      expect(quotas!.length).toBe(1);
      expect(limits!.length).toBe(1);
      expect(policies!.some((policy) => policy.spec.podSelector && Object.keys(policy.spec.podSelector).length === 0 && policy.spec.policyTypes?.length === 2)).toBe(true);
    }
  });

  it("has the workloads, routes, scaler and Jobs, and the controllers made pods that restricted Pod Security admitted", async () => {
    const count = async (cluster: keyof typeof CLUSTERS, resource: string) => (await kube[cluster].list(resource, { selector: `stack=${stack.name}` })).length;
    const found = {
      deployments: (await count("services", "deployments")) + (await count("workers", "deployments")),
      services: await count("services", "services"),
      httproutes: await count("services", "httproutes.gateway.networking.k8s.io"),
      // The worker agents' (queue) in theirs; health's active colour's (consumer lag) in the services cluster.
      scaledobjects: (await count("services", "scaledobjects.keda.sh")) + (await count("workers", "scaledobjects.keda.sh")),
      jobs: (await count("services", "jobs")) + (await count("workers", "jobs")),
    };
    say(`workloads: ${Object.entries(found).map(([kind, n]) => `${n} ${kind}`).join(", ")}`);
    for (const n of Object.values(found)) expect(n).toBeGreaterThan(0);
    expect(found.scaledobjects, "one per cluster: the worker agents' and health's active colour's").toBe(2);

    for (const cluster of Object.keys(CLUSTERS) as (keyof typeof CLUSTERS)[]) {
      const deployments = await kube[cluster].list("deployments", { selector: `stack=${stack.name}` });
      const podsOf = (pods: KubeObject[], deployment: KubeObject) => {
        const selector = deployment.spec.selector.matchLabels as Record<string, string>;
        return pods.filter((pod) => pod.metadata.namespace === deployment.metadata.namespace && Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value));
      };
      // The Deployment and ReplicaSet controllers work asynchronously after `up` returns; on a busy
      // machine the last ReplicaSet may still be creating its pods, so wait for them before checking.
      let pods: KubeObject[] = [];
      await waitUntil(`the ${cluster} cluster's controllers to create every Deployment's pods`, async () => {
        pods = await kube[cluster].list("pods");
        const short = deployments.filter((deployment) => podsOf(pods, deployment).length < deployment.spec.replicas);
        if (short.length > 0) throw new Error(`still short of pods: ${short.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).join(", ")}`);
      }, 60_000, 500);
      for (const deployment of deployments) {
        const own = podsOf(pods, deployment);
        expect(own.length, `pods of ${deployment.metadata.namespace}/${deployment.metadata.name}`).toBe(deployment.spec.replicas);
        expect(own.every((pod) => pod.status.phase === "Pending"), "no kubelet: pods stay Pending").toBe(true);
      }
      const refused = (await kube[cluster].list("events")).filter((event) => event["reason"] === "FailedCreate");
      expect(refused.map((event) => `${event["involvedObject"].namespace}/${event["involvedObject"].name}: ${event["message"]}`)).toEqual([]);
      say(`${cluster} cluster: ${pods.length} pods created by the controllers, no FailedCreate event`);
    }
  });

  it("gives every Service a Gateway routes to a HealthCheckPolicy at its pods' readiness path and port", async () => {
    const routes = await kube.services.list("httproutes.gateway.networking.k8s.io", { selector: `stack=${stack.name}` });
    const policies = await kube.services.list("healthcheckpolicies.networking.gke.io", { selector: `stack=${stack.name}` });
    const deployments = await kube.services.list("deployments", { selector: `stack=${stack.name}` });
    const backends = routes.flatMap((route) =>
      (route.spec.rules as { backendRefs?: { name: string }[] }[]).flatMap((rule) => rule.backendRefs ?? []).map((ref) => `${route.metadata.namespace}/${ref.name}`),
    );
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of new Set(backends)) {
      const [namespace, service] = backend.split("/");
      const policy = policies.find((candidate) => candidate.metadata.namespace === namespace && candidate.spec.targetRef.name === service);
      expect(policy, `a HealthCheckPolicy for ${backend}`).toBeDefined();
      const deployment = deployments.find((candidate) => candidate.metadata.namespace === namespace && candidate.metadata.name === service);
      const container = deployment!.spec.template.spec.containers[0];
      expect(policy!.spec.default.config.httpHealthCheck).toEqual({
        portSpecification: "USE_FIXED_PORT",
        port: container.ports[0].containerPort,
        requestPath: container.readinessProbe.httpGet.path,
      });
    }
    say(`health checks: ${policies.length} HealthCheckPolicy objects cover the ${new Set(backends).size} Gateway backends`);
  });

  it("finding 3: the tls resources went through the tls provider, and Vault's certificate is real", async () => {
    const tlsResources = resourcesOf(await exportState()).filter((resource) => resource.custom && resource.type.startsWith("tls:"));
    expect(tlsResources.length).toBeGreaterThan(0);
    expect(tlsResources.filter((resource) => !resource.provider?.includes("::pulumi:providers:tls::")).map((resource) => resource.urn)).toEqual([]);
    const [secret] = await kube.services.list("secrets", { namespace: "vault", selector: `stack=${stack.name}` });
    expect(secret?.["type"]).toBe("kubernetes.io/tls");
    const decode = (key: string) => Buffer.from(secret!["data"][key] as string, "base64").toString();
    const server = new X509Certificate(decode("tls.crt"));
    const ca = new X509Certificate(decode("ca.crt"));
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain("DNS:vault.vault.svc");
    say(`vault TLS: ${tlsResources.length} tls resources; server certificate "${server.subject.replaceAll("\n", ", ")}" verifies against its CA`);
  });

  it("finding 4: Vault's and KEDA's charts came from the stack's own chart folders", async () => {
    const vaultConfig = (await kube.services.list("configmaps", { namespace: "vault" })).find((map) => map.metadata.name === "vault-config");
    expect(vaultConfig?.["data"]["raft.hcl"]).toMatch(/seal "gcpckms"/);
    expect(vaultConfig?.["data"]["replicas"]).toBe("3");
    // KEDA in both clusters: the worker agents' and, for health's consumer lag, the services cluster's.
    for (const cluster of Object.keys(CLUSTERS) as (keyof typeof CLUSTERS)[]) {
      const kedaRecord = (await kube[cluster].list("configmaps", { namespace: "keda" })).find((map) => map.metadata.name === "keda-stand-in");
      expect(kedaRecord?.["data"]["chart"], cluster).toBe("keda-2.21.1");
    }
    const deployed = async (cluster: keyof typeof CLUSTERS, namespace: string, release: string) =>
      (await kube[cluster].list("secrets", { namespace, selector: `owner=helm,name=${release}` })).map((secret) => secret.metadata.labels?.["status"]);
    expect(await deployed("services", "vault", "vault")).toEqual(["deployed"]);
    expect(await deployed("workers", "keda", "keda")).toEqual(["deployed"]);
    expect(await deployed("services", "keda", "keda")).toEqual(["deployed"]);
    say(`charts: vault from ${TEST_CHARTS.vault} (${vaultConfig?.["data"]["replicas"]} Raft replicas configured), keda from ${TEST_CHARTS.keda} in both clusters; all releases deployed`);
  });

  it("switches the active colour: only route weights and Service selectors change, health's KEDA scaling moves, and no contract Job runs", async () => {
    await stack.set("apps.activeColour", "green");
    const changed = (await preview()).filter((step) => step.op !== "same");
    const described = changed.map((step) => `${step.op} ${typeOf(step).split(":").pop()} ${nameOf(step.urn)}`);
    say(`colour switch preview: ${described.join(", ")}`);
    const BLUE_GREEN_APPS = ["discovery", "flags", "health"];
    expect(changed.filter((step) => step.op === "update").map((step) => `${typeOf(step)} ${nameOf(step.urn)}`).sort()).toEqual(
      BLUE_GREEN_APPS.flatMap((app) => [`kubernetes:core/v1:Service ${app}`, `kubernetes:core/v1:Service ${app}-preview`, `kubernetes:gateway.networking.k8s.io/v1:HTTPRoute apps-${app}`]).sort(),
    );
    // Every colour's expand Job exists already; the contract (post) Jobs wait for armature:apps.contract
    // (components/blue-green-service/contract.e2e.test.ts). Only health's KEDA scaling moves to green:
    // its ScaledObject and TriggerAuthentication are renamed (replaced), green's HPA goes and blue's comes back.
    const KEDA_MOVE = [
      "kubernetes:keda.sh/v1alpha1:ScaledObject apps-health-lag-scaler",
      "kubernetes:keda.sh/v1alpha1:TriggerAuthentication apps-health-lag-auth",
    ];
    expect([...new Set(changed.filter((step) => ["replace", "create-replacement", "delete-replaced"].includes(step.op)).map((step) => `${typeOf(step)} ${nameOf(step.urn)}`))].sort()).toEqual(KEDA_MOVE);
    const hpaSteps = changed.filter((step) => typeOf(step) === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((step) => `${step.op} ${nameOf(step.urn)}`).sort();
    expect(hpaSteps).toEqual(["create apps-health-blue", "delete apps-health-green"]);
    expect(changed.filter((step) => !["update", "replace", "create-replacement", "delete-replaced"].includes(step.op) && typeOf(step) !== "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((step) => `${step.op} ${typeOf(step)} ${nameOf(step.urn)}`)).toEqual([]);

    const result = await workspace.pulumi.run(["up", "--yes", "--skip-preview", "--stack", stack.name, ...POLICY_PACK]);
    say(`pulumi up (colour switch):\n${updateSummary(result.stdout)}`);
    for (const app of BLUE_GREEN_APPS) {
      const route = (await kube.services.list("httproutes.gateway.networking.k8s.io", { selector: `stack=${stack.name}` })).find((candidate) => candidate.metadata.name === app);
      const weights = Object.fromEntries((route!.spec.rules as { backendRefs: { name: string; weight?: number }[] }[]).flatMap((rule) => rule.backendRefs).filter((ref) => ref.weight !== undefined).map((ref) => [ref.name, ref.weight]));
      say(`route ${app}: ${JSON.stringify(weights)}`);
      expect(weights).toEqual({ [`${app}-blue`]: 0, [`${app}-green`]: 100 });
    }
    const healthScalers = (await kube.services.list("scaledobjects.keda.sh", { namespace: "platform" })).map((scaler) => scaler.spec.scaleTargetRef.name as string);
    say(`health's ScaledObject after the switch scales: ${healthScalers.join(", ")}`);
    expect(healthScalers).toEqual(["health-green"]);
  });

  it("came up as a brand-new stack with no Vault token: Vault's API side is a pending second stage", async () => {
    expect(workspace.pulumi.options.env["VAULT_TOKEN"], "the lane sets no Vault token").toBeUndefined();
    const types = new Set(resourcesOf(await exportState()).map((resource) => resource.type));
    expect([...types].filter((type) => type.startsWith("vault:") || type === "pulumi:providers:vault")).toEqual([]);
    expect(types.has("armature:vault:Vault")).toBe(true);
    const { document: stage } = await workspace.pulumi.json<string>(["stack", "output", "vaultConfiguration", "--json", "--stack", stack.name]);
    expect(stage).toMatch(/^pending: initialise Vault/);
    say(`vault: the stack came up with no token; stage output "${stage}"`);
  });

  it("Vault's second stage: without a token `pulumi up` stops at the provider and changes nothing; with VAULT_TOKEN it configures Vault", async () => {
    await stack.set("vault.configuration", "applied");
    const before = resourcesOf(await exportState()).map((resource) => resource.urn).sort();
    const refused = await workspace.pulumi.run(["up", "--yes", "--skip-preview", "--stack", stack.name], { allowFailure: true, env: { VAULT_TOKEN: "" } });
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/no vault token found/);
    // The engine records the provider it tried to configure; no Vault resource is created and nothing is lost.
    const afterRefusal = resourcesOf(await exportState());
    expect(afterRefusal.filter((resource) => resource.type.startsWith("vault:"))).toEqual([]);
    expect(afterRefusal.filter((resource) => resource.type !== "pulumi:providers:vault").map((resource) => resource.urn).sort(), "nothing created or lost").toEqual(before);

    const applied = await workspace.pulumi.run(["up", "--yes", "--skip-preview", "--stack", stack.name], { env: VAULT_TOKEN_ENV });
    say(`pulumi up (vault stage applied, VAULT_TOKEN from the environment):\n${updateSummary(applied.stdout)}`);
    const vaultTypes = resourcesOf(await exportState()).filter((resource) => resource.type.startsWith("vault:")).map((resource) => resource.type);
    const tenants = resourcesOf(await exportState()).filter((resource) => resource.type === "armature:tenants:Tenant").length;
    expect(vaultTypes.filter((type) => type === "vault:index/mount:Mount")).toHaveLength(tenants);
    expect(vaultTypes).toContain("vault:index/audit:Audit");
    const { document: stage } = await workspace.pulumi.json<string>(["stack", "output", "vaultConfiguration", "--json", "--stack", stack.name]);
    expect(stage).toBe("applied");
    // The provider's token came from the environment: the state holds none.
    const provider = resourcesOf(await exportState()).find((resource) => resource.type === "pulumi:providers:vault");
    expect(Object.keys(provider?.inputs ?? {}).filter((key) => /token/i.test(key) && key !== "skipChildToken")).toEqual([]);
  });

  it("destroys everything: no Armature object is left in either cluster", async () => {
    const result = await workspace.pulumi.run(["destroy", "--yes", "--skip-preview", "--stack", stack.name], { env: VAULT_TOKEN_ENV });
    destroyed = true;
    say(`pulumi destroy:\n${updateSummary(result.stdout)}`);
    expect(resourcesOf(await exportState())).toEqual([]);
    for (const cluster of Object.keys(CLUSTERS) as (keyof typeof CLUSTERS)[]) {
      const resources = (await kube[cluster].listableResources()).filter((resource) => resource !== "events" && resource !== "events.events.k8s.io");
      const leftOver = async () => ({
        labelled: (await kube[cluster].raw(["get", resources.join(","), "--all-namespaces", "--selector", `stack=${stack.name}`, "--output", "name", "--ignore-not-found"])).trim(),
        namespaces: (await kube[cluster].list("namespaces")).map((namespace) => namespace.metadata.name).filter((name) => !SYSTEM_NAMESPACES.includes(name)),
      });
      // Deleting a namespace is asynchronous: the namespace controller empties it, then it goes.
      // The stack asks the provider not to wait (awaitReadiness: false), so the test waits instead.
      await waitUntil(`the ${cluster} cluster to finish deleting the stack's namespaces`, async () => {
        const left = await leftOver();
        if (left.labelled !== "" || left.namespaces.length > 0) throw new Error(`still there: ${left.labelled.replaceAll("\n", ", ")}`);
      }, 120_000, 1000).catch(() => undefined);
      const left = await leftOver();
      expect(left.labelled, `objects labelled stack=${stack.name} in ${cluster}`).toBe("");
      expect(left.namespaces).toEqual([]);
      say(`${cluster} cluster after destroy: only the system namespaces (${SYSTEM_NAMESPACES.join(", ")}); nothing labelled stack=${stack.name}`);
    }
  });
});

/** kubectl's name for an object's resource type: "deployment.apps", "httproute.gateway.networking.k8s.io", "namespace". */
function resourceName(object: KubeObject): string {
  const apiVersion = object["apiVersion"] as string;
  const group = apiVersion.includes("/") ? `.${apiVersion.split("/")[0]}` : "";
  return `${object.kind.toLowerCase()}${group}`;
}

interface StandInRecord {
  readonly operation: string;
  readonly type: string;
  readonly preview: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs of every resource type
  readonly inputs: Record<string, any>;
}

/** What a stand-in provider recorded (one JSON line per operation: stand-ins/providers/records.ts). */
function readRecords(file: string): StandInRecord[] {
  return readFileSync(file, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as StandInRecord);
}
