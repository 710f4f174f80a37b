import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../shared/arg-error";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { OVERRIDE_ANNOTATION_PREFIX, ServiceDeployment, type ServiceDeploymentArgs } from "./service-deployment";

let mocks: MockRuntime;
let provider: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
});

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const POD_MONITORING = "kubernetes:monitoring.googleapis.com/v1:PodMonitoring";
const HEALTH_CHECK_POLICY = "kubernetes:networking.gke.io/v1:HealthCheckPolicy";
const args = (overrides: Partial<ServiceDeploymentArgs> = {}): ServiceDeploymentArgs => ({
  namespace: "shop",
  app: "orders",
  image: "europe-west1-docker.pkg.dev/p/apps/orders:1.2.3",
  labels: { team: "shop", tenant: "platform", environment: "dev" },
  ...overrides,
});
const create = (name: string, overrides: Partial<ServiceDeploymentArgs> = {}) => new ServiceDeployment(name, args(overrides), { provider });

describe("ServiceDeployment", () => {
  it("by default: 2 replicas (HPA), spread over zones and nodes, the kit's probes, restricted, preStop inside 30 s, no token", async () => {
    create("orders");
    await mocks.settle();
    const spec = mocks.named(DEPLOYMENT, "orders").inputs.spec;
    expect(spec.replicas).toBeUndefined(); // the HPA owns the count
    expect(mocks.named(HPA, "orders").inputs.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: "Deployment", name: "orders" } });
    const pod = spec.template.spec;
    expect(pod.topologySpreadConstraints).toMatchObject([
      { topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 },
      { topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
    ]);
    expect(pod).toMatchObject({ automountServiceAccountToken: false, terminationGracePeriodSeconds: 30, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } });
    const container = pod.containers[0];
    expect(container.startupProbe.httpGet).toEqual({ path: "/startupz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(mocks.named("kubernetes:policy/v1:PodDisruptionBudget", "orders").inputs.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: spec.selector.matchLabels } });
    expect(mocks.named("kubernetes:core/v1:Service", "orders").inputs.spec).toMatchObject({ type: "ClusterIP", selector: spec.selector.matchLabels });
    expect(mocks.named(DEPLOYMENT, "orders").inputs.metadata.annotations).toEqual({});
  });

  it.each([
    ["fewer than 2 replicas", { replicas: 1 }, /Args\.replicas: 1 leaves the service down.*overrides\.singleReplica/],
    ["no probes", { probes: false as const }, /Args\.probes: false, so Kubernetes cannot tell.*overrides\.noProbes/],
    ["an override without a reason", { replicas: 1, overrides: { singleReplica: "" } }, /Args\.overrides\.singleReplica: has no reason/],
    ["a grace period over 30 s", { terminationGracePeriodSeconds: 60 }, /terminationGracePeriodSeconds: 60 is outside 1-30/],
    ["an unpinned image", { image: "europe-west1-docker.pkg.dev/p/apps/orders:latest" }, /Args\.image: .* is not pinned/],
    ["an image with no tag", { image: "europe-west1-docker.pkg.dev/p/apps/orders" }, /Args\.image: .* is not pinned/],
  ])("refuses %s without an explicit override", (_, overrides, message) => {
    expect(() => create(`refused-${Math.random().toString(36).slice(2, 8)}`, overrides)).toThrow(ComponentArgError);
    expect(() => create(`refused-${Math.random().toString(36).slice(2, 8)}`, overrides)).toThrow(message);
  });

  it("allows one replica or no probes only through a named override, written on the Deployment for every plan to show", async () => {
    create("importer", {
      replicas: 1,
      probes: false,
      autoscaling: false,
      overrides: { singleReplica: "one writer at a time to the ledger", noProbes: "batch importer without an HTTP server" },
    });
    await mocks.settle();
    const deployment = mocks.named(DEPLOYMENT, "importer").inputs;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
    expect(deployment.metadata.annotations).toEqual({
      [`${OVERRIDE_ANNOTATION_PREFIX}single-replica`]: "one writer at a time to the ledger",
      [`${OVERRIDE_ANNOTATION_PREFIX}no-probes`]: "batch importer without an HTTP server",
    });
    expect(mocks.ofType(HPA).some((hpa) => hpa.name === "importer")).toBe(false);
  });

  it("takes custom scaling metrics (the place queue-depth scaling plugs in)", async () => {
    const queueDepth = { type: "External", external: { metric: { name: "queue_depth" }, target: { type: "AverageValue", averageValue: "10" } } };
    create("scaled", { autoscaling: { maxReplicas: 20, metrics: [queueDepth] } });
    await mocks.settle();
    expect(mocks.named(HPA, "scaled").inputs.spec).toMatchObject({ minReplicas: 2, maxReplicas: 20, metrics: [queueDepth] });
  });

  it("leaves the replica count to an external autoscaler (KEDA) when asked: no HPA, spec.replicas unset", async () => {
    create("queue-scaled", { autoscaling: { external: "KEDA ScaledObject shop/queue-scaled" } });
    await mocks.settle();
    expect(mocks.named(DEPLOYMENT, "queue-scaled").inputs.spec.replicas).toBeUndefined();
    expect(mocks.ofType(HPA).some((hpa) => hpa.name === "queue-scaled")).toBe(false);
    expect(() => create("unnamed-scaler", { autoscaling: { external: " " } })).toThrow(/Args\.autoscaling\.external: names nothing/);
  });

  it("sends the pods' metrics to Managed Prometheus by default: a PodMonitoring of exactly its pods, the kit's /metrics on the http port", async () => {
    create("metered");
    await mocks.settle();
    const deployment = mocks.named(DEPLOYMENT, "metered").inputs;
    const monitoring = mocks.named(POD_MONITORING, "metered-metrics").inputs;
    expect(monitoring).toMatchObject({ apiVersion: "monitoring.googleapis.com/v1", kind: "PodMonitoring", metadata: { name: "orders", namespace: "shop", labels: deployment.metadata.labels } });
    expect(monitoring.spec).toEqual({ selector: { matchLabels: deployment.spec.selector.matchLabels }, endpoints: [{ port: "http", path: "/metrics", interval: "30s" }] });
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  });

  it("honours scrape overrides, and none at all with metricsScrape: false", async () => {
    create("custom-scrape", { metricsScrape: { path: "/internal/metrics", port: 9090, interval: "1m" } });
    create("unscraped", { metricsScrape: false });
    await mocks.settle();
    expect(mocks.named(POD_MONITORING, "custom-scrape-metrics").inputs.spec.endpoints).toEqual([{ port: 9090, path: "/internal/metrics", interval: "1m" }]);
    expect(mocks.ofType(POD_MONITORING).some((monitoring) => monitoring.name === "unscraped-metrics")).toBe(false);
  });

  it.each([
    ["a relative metrics path", { metricsScrape: { path: "metrics" } }, /Args\.metricsScrape\.path: "metrics" is not an absolute path\. Fix: use e\.g\. "\/metrics"/],
    ["an interval that is no Prometheus duration", { metricsScrape: { interval: "30 seconds" } }, /Args\.metricsScrape\.interval: "30 seconds" is not a Prometheus duration/],
  ])("refuses %s", (_, overrides, message) => {
    expect(() => create(`bad-scrape-${Math.random().toString(36).slice(2, 8)}`, overrides)).toThrow(message);
  });

  it("points the Gateway's health check at the readiness path on the container port (GKE checks / otherwise)", async () => {
    create("checked", { port: 9000, probes: { startup: "/up", liveness: "/alive", readiness: "/ready" } });
    create("no-service", { service: false });
    await mocks.settle();
    const policy = mocks.named(HEALTH_CHECK_POLICY, "checked-health-check").inputs;
    const service = mocks.named("kubernetes:core/v1:Service", "checked").inputs;
    expect(policy.metadata.namespace).toBe(service.metadata.namespace);
    expect(policy.spec.targetRef).toEqual({ group: "", kind: "Service", name: service.metadata.name });
    expect(policy.spec.default.config).toEqual({ type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 9000, requestPath: "/ready" } });
    expect(mocks.ofType(HEALTH_CHECK_POLICY).some((resource) => resource.name === "no-service-health-check")).toBe(false);
  });

  it("mounts extra volumes beside /tmp (e.g. a CA certificate)", async () => {
    create("with-ca", {
      volumes: [{ name: "ca", configMap: { name: "platform-redis-ca" } }],
      volumeMounts: [{ name: "ca", mountPath: "/etc/ca", readOnly: true }],
    });
    await mocks.settle();
    const pod = mocks.named(DEPLOYMENT, "with-ca").inputs.spec.template.spec;
    expect(pod.volumes.map((volume: { name: string }) => volume.name)).toEqual(["tmp", "ca"]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }, { name: "ca", mountPath: "/etc/ca", readOnly: true }]);
  });
});
