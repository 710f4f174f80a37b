/**
 * The Kubernetes side of the real dev plan: every object valid against the Kubernetes OpenAPI
 * schemas and labelled; the workload rules; blue/green migrations ordered around the traffic; and a
 * colour switch (a second plan with armature:apps.activeColour flipped) that changes only the
 * routes' weights and the active/preview Services' selectors, and moves health's KEDA ScaledObject
 * (consumer lag) to the new colour (and, by design, the worker's pre-deploy Job when the colours'
 * migrator releases differ); and the contract (post-deploy) migrations, which
 * wait for armature:apps.contract (plans with it applied, and undone after going back).
 */
/* eslint-disable @typescript-eslint/no-unsafe-return -- tests read provider inputs of every shape */
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalyzedResource } from "../tools/plan/analyzer";
import { GATEWAY_API_VERSION, KUBERNETES_SCHEMA_VERSION, checkKubernetesSchemas } from "../tools/plan/kubernetes-schema";
import { type CapturedPlan, planDevStack } from "../tools/plan/testing";

let blue: CapturedPlan;
let green: CapturedPlan;
/** Green active, blue retired, green's contract run. */
let contracted: CapturedPlan;
/** Back to blue after green's contract: green's rollback-post first. */
let undone: CapturedPlan;

const switchToGreen = (text: string) => text.replace(/^(\s*activeColour:) blue$/m, "$1 green");
const contract = (state: string) => (text: string) => text.replace(/^(\s*contract:) pending$/m, `$1 ${state}`);

beforeAll(async () => {
  blue = await planDevStack();
  green = await planDevStack(switchToGreen);
  contracted = await planDevStack((text) => contract("applied")(switchToGreen(text)));
  undone = await planDevStack(contract("undone"));
}, 240_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider inputs of every shape
const inputs = (resource: AnalyzedResource) => resource.inputs as Record<string, any>;
const kubernetesObjects = (plan: CapturedPlan) => plan.resources.filter((resource) => resource.type.startsWith("kubernetes:") && resource.type !== "kubernetes:helm.sh/v3:Release");
const BLUE_GREEN_APPS = ["discovery", "flags", "health"];
const POD_MONITORING = "kubernetes:monitoring.googleapis.com/v1:PodMonitoring";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTHENTICATION = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";

describe("Kubernetes objects in the dev plan", () => {
  it(`are all valid against the Kubernetes ${KUBERNETES_SCHEMA_VERSION} OpenAPI schemas (Gateway API ${GATEWAY_API_VERSION}), Helm values included`, () => {
    const all = blue.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
    const { checked, violations } = checkKubernetesSchemas(blue.resources);
    console.log(`schema check: ${checked} of ${all.length} kubernetes:* resources validated (${new Set(all.map((resource) => resource.type)).size} types); ${violations.length} advisory (${[...new Set(violations.map((violation) => violation.message))].join("; ")})`);
    // Managed Prometheus' PodMonitoring has no schema in any maintained package: each one is reported
    // as advisory, never passed silently; everything else validates.
    const podMonitorings = blue.ofType(POD_MONITORING);
    expect(podMonitorings.length).toBeGreaterThan(0);
    expect(violations.map((violation) => [violation.urn, violation.enforcement, violation.message])).toEqual(
      podMonitorings.map((resource) => [resource.urn, "advisory", `no Kubernetes schema known for ${POD_MONITORING}`]),
    );
    expect(checked).toBe(all.length - podMonitorings.length);
    expect(all.some((resource) => resource.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toBe(true);
    expect(all.some((resource) => resource.type === "kubernetes:helm.sh/v3:Release")).toBe(true);
  });

  it("carry the platform labels (team, tenant, environment) on the object and on every pod template", () => {
    for (const resource of kubernetesObjects(blue)) {
      const labels = inputs(resource).metadata?.labels as Record<string, string> | undefined;
      expect(labels, `${resource.type} ${resource.name}`).toMatchObject({ team: expect.any(String), tenant: expect.any(String), environment: "dev" });
      const template = inputs(resource).spec?.template;
      if (template) expect(template.metadata.labels, `${resource.name} pod template`).toMatchObject({ team: expect.any(String), tenant: expect.any(String), environment: "dev" });
    }
  });

  it("runs every Deployment as the standard workload: ≥ 2 replicas via its HPA (the worker's KEDA ScaledObject), spread, probes, restricted, a PDB", () => {
    const deployments = blue.ofType("kubernetes:apps/v1:Deployment");
    expect(deployments.map((deployment) => inputs(deployment).metadata.name).sort()).toEqual([
      "discovery-blue", "discovery-green", "flags-blue", "flags-green", "health-blue", "health-green", "worker",
    ]);
    for (const deployment of deployments) {
      const { metadata, spec } = inputs(deployment);
      const sameObject = (candidate: AnalyzedResource) => inputs(candidate).metadata.name === metadata.name && inputs(candidate).metadata.namespace === metadata.namespace;
      const hpa = blue.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").find(sameObject);
      const scaledObject = blue.ofType("kubernetes:keda.sh/v1alpha1:ScaledObject").find(sameObject);
      expect(hpa && scaledObject, `${metadata.name}: one autoscaler, not two`).toBeFalsy();
      expect(hpa ? inputs(hpa).spec.minReplicas : scaledObject && inputs(scaledObject).spec.minReplicaCount, metadata.name).toBeGreaterThanOrEqual(2);
      const pdb = blue.ofType("kubernetes:policy/v1:PodDisruptionBudget").find((candidate) => inputs(candidate).metadata.name === metadata.name);
      expect(inputs(pdb!).spec.selector.matchLabels).toEqual(spec.selector.matchLabels);
      const pod = spec.template.spec;
      expect(pod.topologySpreadConstraints.map((constraint: { topologyKey: string }) => constraint.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
      expect(pod).toMatchObject({ automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } });
      expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(30);
      const [container] = pod.containers;
      expect(container.image).toMatch(/^europe-west1-docker\.pkg\.dev\/armature-dev-4821\/platform\/[a-z]+:\d+\.\d+\.\d+$/);
      expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual(["/startupz", "/livez", "/readyz"]);
      expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      expect(container.lifecycle.preStop.sleep.seconds).toBeGreaterThan(0);
      expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } });
    }
    expect(blue.ofType("kubernetes:core/v1:Service").every((service) => inputs(service).spec.type === "ClusterIP")).toBe(true);
  });

  it("puts worker agents on the worker cluster, tolerating its taints and preferring spot", () => {
    const worker = blue.ofType("kubernetes:apps/v1:Deployment").find((deployment) => inputs(deployment).metadata.name === "worker")!;
    const workerProvider = blue.one("pulumi:providers:kubernetes", "workers-k8s");
    expect(worker.provider).toMatch(new RegExp(`^${workerProvider.urn.replace(/[$.]/g, "\\$&")}::`));
    const pod = inputs(worker).spec.template.spec;
    expect(pod.tolerations.map((toleration: { key: string }) => toleration.key).sort()).toEqual(["armature.dev/workload", "cloud.google.com/gke-spot"]);
    expect(JSON.stringify(pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution)).toContain("cloud.google.com/gke-spot");
  });

  it("worker agents: their database migrated before they start, KEDA scaling on the queue, stopping inside a spot node's 15 s", () => {
    const worker = blue.ofType("kubernetes:apps/v1:Deployment").find((deployment) => inputs(deployment).metadata.name === "worker")!;
    const pod = inputs(worker).spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((variable: { name: string; value?: string; valueFrom?: unknown }) => [variable.name, variable.value ?? variable.valueFrom]));
    expect(env).toMatchObject({
      DATABASE_URL: { secretKeyRef: { name: "worker-database", key: "DATABASE_URL" } },
      WORKER_AGENT_ID: { fieldRef: { fieldPath: "metadata.name" } },
      WORKER_CONCURRENCY: "4",
      SHUTDOWN_TIMEOUT_MS: "13000",
      WORKER_HANDBACK_MS: "5000",
    });
    // 1 s preStop + 13 s shutdown: inside the 15 s GKE gives a spot node's pods.
    expect(pod.containers[0].lifecycle.preStop.sleep.seconds + Number(env["SHUTDOWN_TIMEOUT_MS"]) / 1000).toBeLessThan(15);
    expect(inputs(worker).spec.replicas).toBeUndefined();
    expect(blue.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").some((hpa) => inputs(hpa).metadata.name === "worker")).toBe(false);
    const scaler = blue.one("kubernetes:keda.sh/v1alpha1:ScaledObject", "apps-worker-scaler");
    expect(inputs(scaler).spec).toMatchObject({ scaleTargetRef: { name: "worker" }, minReplicaCount: 2, maxReplicaCount: 10, triggers: [{ type: "postgresql", metadata: { connectionFromEnv: "DATABASE_URL", targetQueryValue: "4" } }] });
    expect(scaler.provider).toBe(worker.provider);
    // Each colour's migrator applies its expand steps of migrations/worker before any agent starts.
    for (const [colour, version] of [["blue", "1.3.0"], ["green", "1.4.0"]] as const) {
      const pre = blue.one("kubernetes:batch/v1:Job", `apps-worker-pre-${colour}`);
      expect(inputs(pre).metadata).toMatchObject({ name: `worker-pre-${colour}-${version.replaceAll(".", "-")}`, namespace: "workers" });
      expect(inputs(pre).spec.template.spec.containers[0]).toMatchObject({ image: `europe-west1-docker.pkg.dev/armature-dev-4821/platform/migrator:${version}`, args: ["pre"] });
      expect(worker.dependencies).toContain(pre.urn);
    }
    expect(blue.one("kubernetes:core/v1:Secret", "apps-worker-database").secretPaths.some((secretPath) => secretPath.startsWith("stringData"))).toBe(true);
  });

  it("binds each app's Kubernetes service account to its GCP service account through Workload Identity", () => {
    // KEDA's operator's binding (apps-health-lag-keda-*) is not an app's: the consumer-lag tests check it.
    const members = blue.ofType("gcp:serviceaccount/iAMMember:IAMMember").filter((member) => member.name.startsWith("apps-") && !member.name.startsWith("apps-health-lag-")).map((member) => inputs(member).member).sort();
    expect(members).toEqual([
      "serviceAccount:armature-dev-4821.svc.id.goog[platform/discovery]",
      "serviceAccount:armature-dev-4821.svc.id.goog[platform/flags]",
      "serviceAccount:armature-dev-4821.svc.id.goog[platform/health]",
      "serviceAccount:armature-dev-4821.svc.id.goog[platform/migrator]",
      "serviceAccount:armature-dev-4821.svc.id.goog[workers/worker]",
    ]);
    // The platform identities (stacks/platform-identities.ts) are reused, not redeclared: still one GCP service account per app.
    expect(blue.ofType("gcp:serviceaccount/account:Account").filter((account) => account.name.startsWith("app-"))).toHaveLength(5);
  });
});

describe("blue/green migrations", () => {
  const job = (plan: CapturedPlan, app: string, which: string) => plan.one("kubernetes:batch/v1:Job", `apps-${app}-${which}`);

  it("run the migrator's container contract: the phase as argument, DATABASE_URL from a Secret", () => {
    const container = inputs(job(blue, "discovery", "pre-green")).spec.template.spec.containers[0];
    expect(container).toMatchObject({ image: "europe-west1-docker.pkg.dev/armature-dev-4821/platform/migrator:1.4.0", args: ["pre"] });
    expect(container.env).toEqual([
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "discovery-database", key: "DATABASE_URL" } } },
      { name: "MIGRATOR_DATABASE", value: "discovery" },
      { name: "LOG_FORMAT", value: "json" },
      // The URL's sslrootcert names the mounted Cloud SQL CA; the certificate must carry the instance's name.
      { name: "DATABASE_TLS_SERVER_NAME", valueFrom: { configMapKeyRef: { name: "postgres-server-ca", key: "tls-server-name" } } },
    ]);
    expect(container.volumeMounts).toEqual([{ name: "postgres-ca", mountPath: "/etc/armature/postgres", readOnly: true }]);
    const secret = blue.one("kubernetes:core/v1:Secret", "apps-discovery-database");
    expect(secret.secretPaths.some((secretPath) => secretPath.startsWith("stringData"))).toBe(true);
  });

  it("health keeps the registrations it learns from discovery's events in its own database (REGISTRATIONS_DATABASE_URL)", () => {
    const health = blue.descendants(blue.one("armature:workloads:ServiceDeployment", "apps-health-blue")).find((part) => part.type === "kubernetes:apps/v1:Deployment")!;
    const env = inputs(health).spec.template.spec.containers[0].env as Array<{ name: string }>;
    expect(env).toContainEqual({ name: "REGISTRATIONS_DATABASE_URL", valueFrom: { secretKeyRef: { name: "health-database", key: "DATABASE_URL" } } });
    expect(env).toContainEqual({ name: "KAFKA_BROKERS", value: expect.any(String) });
  });

  it.each(["discovery", "flags", "health"])("%s: the new colour's pre-deploy Job completes before that colour starts or gets any traffic", (app) => {
    const preGreen = job(blue, app, "pre-green").urn;
    const greenDeployment = blue.descendants(blue.one("armature:workloads:ServiceDeployment", `apps-${app}-green`)).find((part) => part.type === "kubernetes:apps/v1:Deployment")!;
    const route = blue.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", `apps-${app}`);
    const preview = blue.one("kubernetes:core/v1:Service", `${app}-preview`);
    for (const dependent of [greenDeployment, route, preview, blue.one("kubernetes:core/v1:Service", app)]) {
      expect(dependent.dependencies, `${dependent.type} ${dependent.name}`).toContain(preGreen);
    }
  });
});

describe("the contract (post-deploy) migrations (armature:apps.contract)", () => {
  const jobNames = (plan: CapturedPlan) => plan.ofType("kubernetes:batch/v1:Job").map((job) => inputs(job).metadata.name as string).sort();
  const deployment = (plan: CapturedPlan, name: string) => plan.ofType("kubernetes:apps/v1:Deployment").find((candidate) => inputs(candidate).metadata.name === name)!;

  it("pending: no contract Job, neither after a switch: the old release still runs and is the way back", () => {
    for (const plan of [blue, green]) expect(jobNames(plan).filter((name) => !name.includes("-pre-"))).toEqual([]);
  });

  it("applied: the inactive colour is retired, then each database's contract runs with the active release's migrator", () => {
    expect(jobNames(contracted).filter((name) => !name.includes("-pre-"))).toEqual(["discovery-post-green-1-4-0", "flags-post-green-1-4-0", "health-post-green-1-4-0", "worker-post-1-4-0"]);
    for (const app of BLUE_GREEN_APPS) {
      expect(inputs(deployment(contracted, `${app}-blue`)).spec.replicas, `${app}-blue retired`).toBe(0);
      expect(inputs(deployment(contracted, `${app}-green`)).spec.replicas, `${app}-green autoscaled`).toBeUndefined();
    }
    for (const app of ["discovery", "flags", "health"]) {
      const post = contracted.one("kubernetes:batch/v1:Job", `apps-${app}-post`);
      expect(inputs(post).spec.template.spec.containers[0]).toMatchObject({ image: "europe-west1-docker.pkg.dev/armature-dev-4821/platform/migrator:1.4.0", args: ["post"] });
      const route = contracted.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", `apps-${app}`);
      expect(post.dependencies).toEqual(expect.arrayContaining([route.urn, contracted.one("kubernetes:core/v1:Service", app).urn, deployment(contracted, `${app}-blue`).urn]));
    }
    expect(contracted.one("kubernetes:batch/v1:Job", "apps-worker-post").dependencies).toContain(deployment(contracted, "worker").urn);
  });

  it("undone: going back to blue, green's migrator undoes its contract before blue's release starts or gets traffic", () => {
    expect(jobNames(undone).filter((name) => !name.includes("-pre-"))).toEqual(["discovery-rollback-post-green-1-4-0", "flags-rollback-post-green-1-4-0", "health-rollback-post-green-1-4-0", "worker-rollback-post-1-4-0"]);
    for (const app of ["discovery", "flags", "health"]) {
      const rollback = undone.one("kubernetes:batch/v1:Job", `apps-${app}-rollback-post`);
      expect(inputs(rollback).spec.template.spec.containers[0]).toMatchObject({ image: "europe-west1-docker.pkg.dev/armature-dev-4821/platform/migrator:1.4.0", args: ["rollback-post"] });
      for (const dependent of [undone.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", `apps-${app}`), undone.one("kubernetes:core/v1:Service", app), deployment(undone, `${app}-blue`)]) {
        expect(dependent.dependencies, `${dependent.type} ${dependent.name}`).toContain(rollback.urn);
      }
    }
    const workerRollback = undone.one("kubernetes:batch/v1:Job", "apps-worker-rollback-post");
    expect(inputs(workerRollback).spec.template.spec.containers[0].args).toEqual(["rollback-post"]);
    expect(deployment(undone, "worker").dependencies).toContain(workerRollback.urn);
  });
});

/** The NetworkPolicies of one namespace in one cluster, by name. */
const policiesIn = (plan: CapturedPlan, namespace: string, providerUrn: string) =>
  plan.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((policy) => inputs(policy).metadata.namespace === namespace && policy.provider?.startsWith(`${providerUrn}::`)).map((policy) => inputs(policy).metadata.name as string).sort();

describe("health's consumer-lag scaling (KEDA on discovery.registration.v1)", () => {
  const healthScaledObjects = (plan: CapturedPlan) => plan.ofType(SCALED_OBJECT).filter((scaler) => inputs(scaler).metadata.namespace === "platform");
  const healthDeployment = (plan: CapturedPlan, colour: string) => plan.descendants(plan.one("armature:workloads:ServiceDeployment", `apps-health-${colour}`));

  it("scales the active colour on its consumer group's offset lag, as KEDA's own Google identity", () => {
    const [scaler, ...others] = healthScaledObjects(blue);
    expect(others).toEqual([]);
    expect(inputs(scaler!).metadata.name).toBe("health-blue");
    expect(inputs(scaler!).spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "health-blue" },
      minReplicaCount: 2,
      maxReplicaCount: 6,
      triggers: [{ type: "gcp-stackdriver", authenticationRef: { name: "health-blue-gcp-workload-identity" }, metadata: { projectId: "armature-dev-4821", targetValue: "500" } }],
    });
    const filter = inputs(scaler!).spec.triggers[0].metadata.filter as string;
    for (const part of ['resource.labels.cluster_id="armature-dev-kafka"', 'resource.labels.topic_id="discovery.registration.v1"', 'resource.labels.consumer_group_id="health-registrations"', 'resource.labels.location="europe-west1"']) {
      expect(filter).toContain(part);
    }
    const auth = blue.one(TRIGGER_AUTHENTICATION, "apps-health-lag-auth");
    expect(inputs(auth)).toMatchObject({ metadata: { name: "health-blue-gcp-workload-identity", namespace: "platform" }, spec: { podIdentity: { provider: "gcp" } } });
    const servicesProvider = blue.one("pulumi:providers:kubernetes", "services-k8s").urn;
    for (const object of [scaler!, auth]) expect(object.provider).toMatch(new RegExp(`^${servicesProvider.replace(/[$.]/g, "\\$&")}::`));
    // KEDA owns the active colour's count; the inactive colour keeps its HPA.
    const blueDeployment = healthDeployment(blue, "blue");
    expect(inputs(blueDeployment.find((part) => part.type === "kubernetes:apps/v1:Deployment")!).spec.replicas).toBeUndefined();
    expect(blueDeployment.filter((part) => part.type === HPA)).toEqual([]);
    expect(healthDeployment(blue, "green").filter((part) => part.type === HPA)).toHaveLength(1);
  });

  it("installs KEDA in the services cluster (the workers run in their own), with a Google identity that may read Cloud Monitoring", () => {
    const servicesProvider = blue.one("pulumi:providers:kubernetes", "services-k8s").urn;
    const releases = blue.ofType("kubernetes:helm.sh/v3:Release").filter((release) => inputs(release).name === "keda");
    expect(releases.map((release) => [release.name, release.provider?.startsWith(`${servicesProvider}::`)]).sort()).toEqual([["apps-health-lag-keda", true], ["apps-worker-keda", false]]);
    const keda = blue.one("kubernetes:helm.sh/v3:Release", "apps-health-lag-keda");
    expect(inputs(keda)).toMatchObject({ chart: "keda", version: "2.21.1", namespace: "keda", values: { serviceAccount: { operator: { name: "keda-operator" } }, podIdentity: { gcp: { enabled: true } } } });
    const viewer = blue.one("gcp:projects/iAMMember:IAMMember", "apps-health-lag-keda-monitoring-viewer");
    expect(inputs(viewer)).toMatchObject({ project: "armature-dev-4821", role: "roles/monitoring.viewer" });
    expect(viewer.provider, "the stack's gcp provider, not a default one").toMatch(/[$:]pulumi:providers:gcp::gcp::/);
    expect(inputs(blue.one("gcp:serviceaccount/iAMMember:IAMMember", "apps-health-lag-keda-workload-identity")).member).toBe("serviceAccount:armature-dev-4821.svc.id.goog[keda/keda-operator]");
    // The services cluster's private control plane reaches KEDA's metrics API (6443) and webhooks (9443).
    const master = inputs(blue.one("gcp:container/cluster:Cluster", "services")).privateClusterConfig.masterIpv4CidrBlock as string;
    const webhookRules = blue.ofType("gcp:compute/firewall:Firewall").map(inputs).filter((rule) => (rule.sourceRanges as string[] | undefined)?.includes(master));
    expect(webhookRules.flatMap((rule) => (rule.allows as { ports?: string[] }[]).flatMap((allow) => allow.ports ?? []))).toEqual(expect.arrayContaining(["6443", "9443"]));
    expect(policiesIn(blue, "keda", servicesProvider)).toEqual(["allow-control-plane", "allow-dns", "allow-google-apis", "allow-same-namespace", "default-deny"]);
  });

  it("moves to the new colour on a switch, and a retired colour has none", () => {
    expect(healthScaledObjects(green).map((scaler) => inputs(scaler).spec.scaleTargetRef.name)).toEqual(["health-green"]);
    expect(inputs(green.one(TRIGGER_AUTHENTICATION, "apps-health-lag-auth")).metadata.name).toBe("health-green-gcp-workload-identity");
    expect(healthDeployment(green, "green").filter((part) => part.type === HPA)).toEqual([]);
    expect(healthDeployment(green, "blue").filter((part) => part.type === HPA)).toHaveLength(1);
    // Blue retired at zero replicas: only green is KEDA's, or KEDA would scale blue back up.
    expect(healthScaledObjects(contracted).map((scaler) => inputs(scaler).spec.scaleTargetRef.name)).toEqual(["health-green"]);
    const retired = healthDeployment(contracted, "blue").find((part) => part.type === "kubernetes:apps/v1:Deployment")!;
    expect(inputs(retired).spec.replicas).toBe(0);
  });
});

describe("switching the active colour (blue → green)", () => {
  const byUrn = (plan: CapturedPlan) => new Map(plan.document.resources.map((resource) => [resource.urn, resource]));

  it("changes only the routes' weights, the active/preview Services' selectors and which health colour KEDA scales", () => {
    const before = byUrn(blue);
    const after = byUrn(green);
    // Health's KEDA scaling moves to green: green's HPA goes, blue gets one back.
    const healthHpa = (plan: CapturedPlan, colour: string) => plan.descendants(plan.one("armature:workloads:ServiceDeployment", `apps-health-${colour}`)).filter((part) => part.type === HPA).map((hpa) => hpa.urn);
    expect(healthHpa(blue, "blue")).toEqual([]);
    expect(healthHpa(green, "green")).toEqual([]);
    expect([...after.keys()].filter((urn) => !before.has(urn))).toEqual(healthHpa(green, "blue"));
    expect([...before.keys()].filter((urn) => !after.has(urn))).toEqual(healthHpa(blue, "green"));
    const changed = [...after.values()].filter((resource) => before.has(resource.urn) && JSON.stringify(resource.inputs) !== JSON.stringify(before.get(resource.urn)!.inputs));
    console.log(`colour switch: ${changed.length} of ${after.size} resources change: ${changed.map((resource) => `${resource.type.split(":").pop()} ${resource.name}`).join(", ")}`);
    expect(changed.map((resource) => `${resource.type} ${resource.name}`).sort()).toEqual([
      ...BLUE_GREEN_APPS.flatMap((app) => [`kubernetes:core/v1:Service ${app}`, `kubernetes:core/v1:Service ${app}-preview`, `kubernetes:gateway.networking.k8s.io/v1:HTTPRoute apps-${app}`]),
      `${SCALED_OBJECT} apps-health-lag-scaler`,
      `${TRIGGER_AUTHENTICATION} apps-health-lag-auth`,
    ].sort());
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- plan inputs
    const withoutWeights = (spec: any) => JSON.stringify(spec, (key, value: unknown) => (key === "weight" ? undefined : value));
    for (const app of BLUE_GREEN_APPS) {
      const route = (plan: ReturnType<typeof byUrn>) => [...plan.values()].find((resource) => resource.name === `apps-${app}` && resource.type.endsWith(":HTTPRoute"))!.inputs;
      expect(withoutWeights(route(after))).toBe(withoutWeights(route(before)));
      const weights = (spec: Record<string, unknown>) => JSON.stringify(spec).match(/"weight":\d+/g);
      expect(weights(route(before))).toEqual(['"weight":100', '"weight":0']);
      expect(weights(route(after))).toEqual(['"weight":0', '"weight":100']);
    }
    for (const service of changed.filter((resource) => resource.type === "kubernetes:core/v1:Service")) {
      const old = before.get(service.urn)!.inputs as { spec: { selector: Record<string, string> } };
      const now = service.inputs as { spec: { selector: Record<string, string> } };
      expect({ ...now, spec: { ...now.spec, selector: undefined } }).toEqual({ ...old, spec: { ...old.spec, selector: undefined } });
      expect(now.spec.selector["armature.dev/colour"]).not.toBe(old.spec.selector["armature.dev/colour"]);
    }
    expect(changed.some((resource) => resource.type === "kubernetes:apps/v1:Deployment")).toBe(false);
  });

  it("sends the preview header to either colour and ordinary traffic to the active one", () => {
    const route = inputs(green.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "apps-discovery")).spec;
    expect(route.hostnames).toEqual(["discovery.platform.armature.internal"]);
    const headerRules = route.rules.filter((rule: { matches: { headers?: unknown }[] }) => rule.matches[0]!.headers);
    expect(headerRules.map((rule: { matches: { headers: { value: string }[] }[]; backendRefs: { name: string }[] }) => [rule.matches[0]!.headers[0]!.value, rule.backendRefs[0]!.name])).toEqual([
      ["blue", "discovery-blue"],
      ["green", "discovery-green"],
    ]);
    expect(inputs(green.one("kubernetes:core/v1:Service", "discovery")).spec.selector).toMatchObject({ "armature.dev/colour": "green" });
    expect(inputs(green.one("kubernetes:core/v1:Service", "discovery-preview")).spec.selector).toMatchObject({ "armature.dev/colour": "blue" });
  });
});
