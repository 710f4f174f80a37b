/** Consumer-lag scaling (KEDA gcp-stackdriver on Managed Kafka's offset lag), under Pulumi's mock runtime. */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { modelFor } from "../../tools/plan/kubernetes-schema";
import { ComponentArgError } from "../shared/arg-error";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { ConsumerLagScaling, type ConsumerLagScalingArgs, DEFAULT_KEDA_CHART_VERSION } from "./consumer-lag-scaling";

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTHENTICATION = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const PROJECT_IAM = "gcp:projects/iAMMember:IAMMember";
const ACCOUNT_IAM = "gcp:serviceaccount/iAMMember:IAMMember";

let mocks: MockRuntime;
let gcpProvider: gcp.Provider;
let provider: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  gcpProvider = new gcp.Provider("test-gcp", { project: "my-project", region: "europe-west1" });
  provider = new k8s.Provider("services-k8s", { kubeconfig: "{}" });
});

const keda = { chartVersion: DEFAULT_KEDA_CHART_VERSION, namePrefix: "armature-dev", workloadPool: "my-project.svc.id.goog", controlPlaneCidr: "172.16.0.0/28" };
const args: ConsumerLagScalingArgs = {
  namespace: "platform",
  deploymentName: "health-blue",
  project: "my-project",
  kafka: { location: "europe-west1", clusterId: "armature-dev-kafka" },
  topic: "discovery.registration.v1",
  consumerGroup: "health-registrations",
  lagPerReplica: 500,
  minReplicas: 2,
  maxReplicas: 6,
  labels: { team: "platform" },
  keda,
};
const create = (name: string, overrides: Partial<ConsumerLagScalingArgs> = {}) =>
  new ConsumerLagScaling(name, { ...args, ...overrides }, { providers: [gcpProvider, provider] });

describe("consumer-lag scaling", () => {
  it("scales the consumer Deployment on its group's lag on the topic, read from Cloud Monitoring with KEDA's GCP identity", async () => {
    create("health-lag");
    await mocks.settle();
    const scaler = mocks.named(SCALED_OBJECT, "health-lag-scaler");
    expect(scaler.provider).toMatch(/services-k8s/);
    expect(scaler.inputs.metadata).toMatchObject({ name: "health-blue", namespace: "platform", labels: { team: "platform" } });
    expect(scaler.inputs.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "health-blue" },
      minReplicaCount: 2,
      maxReplicaCount: 6,
      fallback: { failureThreshold: 3, replicas: 2 },
    });
    const [trigger] = scaler.inputs.spec.triggers;
    expect(trigger).toMatchObject({
      type: "gcp-stackdriver",
      metricType: "AverageValue",
      authenticationRef: { name: "health-blue-gcp-workload-identity", kind: "TriggerAuthentication" },
      metadata: { projectId: "my-project", targetValue: "500", alignmentPeriodSeconds: "60", alignmentAligner: "mean", alignmentReducer: "sum" },
    });
    // One series per group, topic and cluster: a filter naming the wrong group or topic would scale on someone else's lag.
    const clauses = (trigger.metadata.filter as string).split(" AND ");
    expect(clauses).toEqual([
      'metric.type="managedkafka.googleapis.com/offset_lag"',
      'resource.type="managedkafka.googleapis.com/TopicPartitionConsumerGroup"',
      'resource.labels.location="europe-west1"',
      'resource.labels.cluster_id="armature-dev-kafka"',
      'resource.labels.topic_id="discovery.registration.v1"',
      'resource.labels.consumer_group_id="health-registrations"',
    ]);
    // A filter that matches nothing must fail visibly (and fall back to the minimum), not read as zero lag.
    expect(trigger.metadata.valueIfNull).toBeUndefined();
    expect(scaler.inputs.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: 60 }]);
  });

  it("authenticates with the operator's Workload Identity: a TriggerAuthentication with provider gcp, and no Secret", async () => {
    await mocks.settle();
    const auth = mocks.named(TRIGGER_AUTHENTICATION, "health-lag-auth");
    expect(auth.provider).toMatch(/services-k8s/);
    expect(auth.inputs.metadata).toMatchObject({ name: "health-blue-gcp-workload-identity", namespace: "platform" });
    expect(auth.inputs.spec).toEqual({ podIdentity: { provider: "gcp" } });
    expect(mocks.ofType("kubernetes:core/v1:Secret").filter((secret) => secret.name.startsWith("health-lag"))).toEqual([]);
  });

  it("gives KEDA's operator a Google service account with monitoring.viewer, bound to keda/keda-operator, and tells the chart", async () => {
    await mocks.settle();
    const account = mocks.named(ACCOUNT, "health-lag-keda-operator");
    expect(account.inputs).toMatchObject({ accountId: "armature-dev-health-lag-keda", project: "my-project" });
    const viewer = mocks.named(PROJECT_IAM, "health-lag-keda-monitoring-viewer").inputs;
    expect(viewer).toEqual({ project: "my-project", role: "roles/monitoring.viewer", member: "serviceAccount:armature-dev-health-lag-keda@my-project.iam.gserviceaccount.com" });
    const binding = mocks.named(ACCOUNT_IAM, "health-lag-keda-workload-identity").inputs;
    expect(binding).toMatchObject({ role: "roles/iam.workloadIdentityUser", member: "serviceAccount:my-project.svc.id.goog[keda/keda-operator]" });
    expect(binding.serviceAccountId).toBe("projects/my-project/serviceAccounts/armature-dev-health-lag-keda@my-project.iam.gserviceaccount.com");
    const release = mocks.named(RELEASE, "health-lag-keda");
    expect(release.provider).toMatch(/services-k8s/);
    expect(release.inputs).toMatchObject({ chart: "keda", version: DEFAULT_KEDA_CHART_VERSION, repositoryOpts: { repo: "https://kedacore.github.io/charts" }, namespace: "keda", atomic: true });
    expect(release.inputs.values).toEqual({
      serviceAccount: { operator: { name: "keda-operator" } },
      podIdentity: { gcp: { enabled: true, gcpIAMServiceAccount: "armature-dev-health-lag-keda@my-project.iam.gserviceaccount.com" } },
    });
  });

  it("makes and fences KEDA's namespace: default deny, the control plane both ways, Google APIs (token and Cloud Monitoring)", async () => {
    await mocks.settle();
    expect(mocks.named(NAMESPACE, "health-lag-keda-namespace").inputs.metadata).toMatchObject({ name: "keda", labels: { "pod-security.kubernetes.io/enforce": "baseline" } });
    const policies = mocks.ofType(NETWORK_POLICY).filter((policy) => policy.name.startsWith("health-lag-keda-"));
    expect(policies.map((policy) => policy.inputs.metadata.name as string).sort()).toEqual(["allow-control-plane", "allow-dns", "allow-google-apis", "allow-same-namespace", "default-deny"]);
    const spec = (name: string) => policies.find((policy) => policy.inputs.metadata.name === name)!.inputs.spec as Record<string, unknown>;
    expect(spec("allow-control-plane").ingress).toEqual([{ from: [{ ipBlock: { cidr: "172.16.0.0/28" } }], ports: [{ protocol: "TCP", port: 6443 }, { protocol: "TCP", port: 9443 }] }]);
    expect(spec("allow-google-apis").egress).toContainEqual({ to: [{ ipBlock: { cidr: "199.36.153.8/30" } }], ports: [{ protocol: "TCP", port: 443 }] });
  });

  it("is valid against KEDA's ScaledObject and TriggerAuthentication schemas (and the check catches a broken one)", async () => {
    await mocks.settle();
    const ScaledObject = modelFor(SCALED_OBJECT)!;
    const scaler = mocks.named(SCALED_OBJECT, "health-lag-scaler").inputs;
    expect(() => new ScaledObject(scaler).validate()).not.toThrow();
    expect(() => new ScaledObject({ ...scaler, spec: { ...scaler.spec, maxReplicaCount: "six" } }).validate()).toThrow(/maxReplicaCount/);
    const TriggerAuthentication = modelFor(TRIGGER_AUTHENTICATION)!;
    const auth = mocks.named(TRIGGER_AUTHENTICATION, "health-lag-auth").inputs;
    expect(() => new TriggerAuthentication(auth).validate()).not.toThrow();
    expect(() => new TriggerAuthentication({ ...auth, spec: { podIdentity: {} } }).validate()).toThrow(/provider/);
  });

  it("installs nothing of KEDA's, and makes no Google identity, when the cluster already runs KEDA", async () => {
    create("flags-lag", { deploymentName: "flags-blue", keda: false });
    await mocks.settle();
    expect(mocks.named(SCALED_OBJECT, "flags-lag-scaler").inputs.spec.triggers[0].type).toBe("gcp-stackdriver");
    const mine = (type: string) => mocks.ofType(type).filter((resource) => resource.name.startsWith("flags-lag"));
    expect([RELEASE, NAMESPACE, NETWORK_POLICY, ACCOUNT, PROJECT_IAM, ACCOUNT_IAM].flatMap(mine)).toEqual([]);
  });

  it("takes KEDA's chart from a local folder when given one", async () => {
    create("local-lag", { keda: { ...keda, chartSource: { path: "/srv/charts/keda" } } });
    await mocks.settle();
    const release = mocks.named(RELEASE, "local-lag-keda").inputs;
    expect(release.chart).toBe("/srv/charts/keda");
    expect(release.repositoryOpts).toBeUndefined();
  });
});

describe("consumer-lag scaling: bad input says what, where and how to fix it", () => {
  const refused = (overrides: Partial<ConsumerLagScalingArgs>): ComponentArgError => {
    try {
      create("bad-lag", overrides);
    } catch (error) {
      if (error instanceof ComponentArgError) return error;
      throw error;
    }
    throw new Error("accepted");
  };

  it.each([
    [{ maxReplicas: 1 }, "maxReplicas", /Args\.maxReplicas: 1 is below minReplicas \(2\)\. Fix: use 2 or more/],
    [{ minReplicas: 0 }, "minReplicas", /Args\.minReplicas: 0 is not a whole number of 1 or more\. Fix: /],
    [{ minReplicas: 1.5 }, "minReplicas", /1\.5 is not a whole number/],
    [{ lagPerReplica: 0 }, "lagPerReplica", /Args\.lagPerReplica: 0 is not above 0: KEDA divides the lag by it\. Fix: /],
    [{ lagPerReplica: Number.NaN }, "lagPerReplica", /NaN is not above 0/],
    [{ topic: 'x" OR metric.type="y' }, "topic", /Args\.topic: .* is not a Kafka topic name/],
    [{ consumerGroup: "" }, "consumerGroup", /Args\.consumerGroup: "" has characters outside/],
    [{ deploymentName: "Health_Blue" }, "deploymentName", /"Health_Blue" is not a Kubernetes object name/],
    [{ namespace: "Platform" }, "namespace", /"Platform" is not a namespace name/],
    [{ project: "My Project" }, "project", /"My Project" is not a GCP project id/],
    [{ kafka: { location: "europe", clusterId: "armature-dev-kafka" } }, "kafka.location", /"europe" is not a GCP region/],
    [{ kafka: { location: "europe-west1", clusterId: "projects/p/locations/l/clusters/c" } }, "kafka.clusterId", /is not a Managed Kafka cluster id\. Fix: pass KafkaCluster\.clusterId/],
    [{ keda: { ...keda, chartVersion: "latest" } }, "keda.chartVersion", /"latest" is not a pinned chart version\. Fix: pin an exact version such as 2\.21\.1, or set keda: false/],
    [{ keda: { ...keda, chartSource: { path: "charts/keda" } } }, "keda.chartSource.path", /"charts\/keda" is not an absolute path/],
    [{ keda: { ...keda, workloadPool: "my-project" } }, "keda.workloadPool", /"my-project" is not a Workload Identity pool\. Fix: pass the cluster's GkeCluster\.workloadPool/],
    [{ keda: { ...keda, controlPlaneCidr: "172.16.0.0/16" } }, "keda.controlPlaneCidr", /is not a \/28 CIDR block/],
    [{ keda: { ...keda, namePrefix: "" } }, "keda.namePrefix", /"" is not a lowercase name prefix/],
  ] as const)("refuses %j (%s)", (overrides, arg, message) => {
    const error = refused(overrides);
    expect(error.arg).toBe(arg);
    expect(error.message).toMatch(/^ConsumerLagScaling "bad-lag": /);
    expect(error.message).toMatch(message);
  });

  it("refuses to run without a Kubernetes provider, rather than use the ambient kubeconfig", () => {
    expect(() => new ConsumerLagScaling("no-provider", args, { providers: [gcpProvider] })).toThrow(
      /ConsumerLagScaling "no-provider": Args\.opts\.providers: no Kubernetes provider.*Fix: pass the consumer's cluster provider/,
    );
  });
});
