/** The worker agents' queue-depth scaling, under Pulumi's mock runtime. */
import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { modelFor } from "../../tools/plan/kubernetes-schema";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { DEFAULT_KEDA_CHART_VERSION, WORKER_BACKLOG_QUERY, createWorkerQueueScaling } from "./worker-queue-scaling";

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const RELEASE = "kubernetes:helm.sh/v3:Release";

let mocks: MockRuntime;
let provider: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  provider = new k8s.Provider("workers-k8s", { kubeconfig: "{}" });
});

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const POSTGRES_CA = "-----BEGIN CERTIFICATE-----\nQ0xPVURTUUw=\n-----END CERTIFICATE-----\n";
const args = { namespace: "workers", deploymentName: "worker", labels: { team: "platform" }, minReplicas: 2, maxReplicas: 12, runsPerAgent: 4, connectionEnv: "DATABASE_URL", kedaNetwork: { controlPlaneCidr: "172.16.0.16/28", postgresAddress: "10.30.0.3" }, postgresServerCa: { caCertificate: POSTGRES_CA, tlsServerName: "p:postgres" } };

describe("worker queue scaling", () => {
  it("scales the worker Deployment on the runs due or running: one agent per runsPerAgent, within min and max", async () => {
    createWorkerQueueScaling("apps-worker", { ...args, kedaChartVersion: DEFAULT_KEDA_CHART_VERSION }, { provider });
    await mocks.settle();
    const scaler = mocks.named(SCALED_OBJECT, "apps-worker-scaler");
    expect(scaler.provider).toMatch(/workers-k8s/);
    expect(scaler.inputs.metadata).toMatchObject({ name: "worker", namespace: "workers", labels: { team: "platform" } });
    expect(scaler.inputs.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker" },
      minReplicaCount: 2,
      maxReplicaCount: 12,
      fallback: { failureThreshold: 3, replicas: 2 },
      triggers: [{
        type: "postgresql",
        metricType: "AverageValue",
        // KEDA reads the URL from the worker container's own environment: no second copy of the secret.
        metadata: { connectionFromEnv: "DATABASE_URL", query: WORKER_BACKLOG_QUERY, targetQueryValue: "4", activationTargetQueryValue: "0" },
      }],
    });
    expect(scaler.inputs.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: 60 }]);
    // KEDA's own chart, pinned, from its official repository, installed before the ScaledObject.
    const keda = mocks.named(RELEASE, "apps-worker-keda");
    expect(keda.inputs).toMatchObject({ chart: "keda", version: "2.21.1", repositoryOpts: { repo: "https://kedacore.github.io/charts" }, namespace: "keda", atomic: true });
  });

  it("mounts the Postgres server's CA into KEDA's operator, from a ConfigMap in KEDA's namespace: the scaler's URL names that file", async () => {
    await mocks.settle();
    const configMap = mocks.named(CONFIG_MAP, "apps-worker-keda-postgres-ca").inputs;
    expect(configMap.metadata).toMatchObject({ name: "postgres-server-ca", namespace: "keda" });
    expect(configMap.data["server-ca.pem"]).toBe(POSTGRES_CA);
    const values = mocks.named(RELEASE, "apps-worker-keda").inputs.values;
    expect(values.volumes.keda.extraVolumes).toEqual([{ name: "postgres-ca", configMap: { name: "postgres-server-ca", items: [{ key: "server-ca.pem", path: "server-ca.pem" }] } }]);
    expect(values.volumes.keda.extraVolumeMounts).toEqual([{ name: "postgres-ca", mountPath: "/etc/armature/postgres", readOnly: true }]);
  });

  it("is valid against KEDA's ScaledObject schema (and the check catches a broken one)", async () => {
    await mocks.settle();
    const Model = modelFor(SCALED_OBJECT)!;
    const inputs = mocks.named(SCALED_OBJECT, "apps-worker-scaler").inputs;
    expect(() => new Model(inputs).validate()).not.toThrow();
    expect(() => new Model({ ...inputs, spec: { ...inputs.spec, minReplicaCount: "two" } }).validate()).toThrow(/minReplicaCount/);
  });

  it("fences the namespace it installs KEDA into: default deny, the control plane both ways, the worker database", async () => {
    await mocks.settle();
    const policies = mocks.ofType(NETWORK_POLICY).filter((policy) => policy.name.startsWith("apps-worker-keda-"));
    const spec = (name: string): Record<string, unknown> => policies.find((policy) => policy.inputs.metadata.name === name)!.inputs.spec as Record<string, unknown>;
    expect(policies.map((policy) => policy.inputs.metadata.name as string).sort()).toEqual(["allow-control-plane", "allow-dns", "allow-same-namespace", "allow-worker-database", "default-deny"]);
    for (const policy of policies) {
      expect(policy.inputs.metadata.namespace).toBe("keda");
      expect(policy.provider).toMatch(/workers-k8s/);
    }
    expect(spec("allow-control-plane").ingress).toEqual([{ from: [{ ipBlock: { cidr: "172.16.0.16/28" } }], ports: [{ protocol: "TCP", port: 6443 }, { protocol: "TCP", port: 9443 }] }]);
    expect(spec("allow-control-plane").egress).toEqual([{ to: [{ ipBlock: { cidr: "172.16.0.16/28" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
    expect(spec("allow-worker-database").egress).toEqual([{ to: [{ ipBlock: { cidr: "10.30.0.3/32" } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 3307 }] }]);
  });

  it("makes KEDA's namespace itself, labelled and with Pod Security levels, so destroying the stack removes it", async () => {
    await mocks.settle();
    const namespace = mocks.named(NAMESPACE, "apps-worker-keda-namespace");
    expect(namespace.provider).toMatch(/workers-k8s/);
    expect(namespace.inputs.metadata).toEqual({ name: "keda", labels: { team: "platform", "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" } });
    expect(mocks.named(RELEASE, "apps-worker-keda").inputs.createNamespace).toBeUndefined();
  });

  it("takes KEDA's chart from a mirror or a local chart folder when given one", async () => {
    createWorkerQueueScaling("local-worker", { ...args, kedaChartVersion: DEFAULT_KEDA_CHART_VERSION, kedaChartSource: { path: "/srv/charts/keda" } }, { provider });
    createWorkerQueueScaling("mirror-worker", { ...args, kedaChartVersion: DEFAULT_KEDA_CHART_VERSION, kedaChartSource: { repository: "https://charts.example.internal/kedacore" } }, { provider });
    await mocks.settle();
    const local = mocks.named(RELEASE, "local-worker-keda").inputs;
    expect(local.chart).toBe("/srv/charts/keda");
    expect(local.repositoryOpts).toBeUndefined();
    expect(mocks.named(RELEASE, "mirror-worker-keda").inputs).toMatchObject({ chart: "keda", repositoryOpts: { repo: "https://charts.example.internal/kedacore" } });
  });

  it("installs no KEDA, and fences nothing of someone else's, when the cluster already runs it", async () => {
    createWorkerQueueScaling("other-worker", { ...args, kedaChartVersion: false }, { provider });
    await mocks.settle();
    expect(mocks.named(SCALED_OBJECT, "other-worker-scaler").inputs.spec.maxReplicaCount).toBe(12);
    expect(mocks.ofType(RELEASE).map((release) => release.name).filter((name) => name.startsWith("other-"))).toEqual([]);
    expect(mocks.ofType(NAMESPACE).filter((namespace) => namespace.name.startsWith("other-"))).toEqual([]);
    expect(mocks.ofType(CONFIG_MAP).filter((configMap) => configMap.name.startsWith("other-"))).toEqual([]);
    expect(mocks.ofType(NETWORK_POLICY).filter((policy) => policy.name.startsWith("other-worker-"))).toEqual([]);
  });
});
