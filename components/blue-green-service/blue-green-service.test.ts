import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../shared/arg-error";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { BlueGreenService, type BlueGreenServiceArgs, jobName } from "./blue-green-service";

let mocks: MockRuntime;
let provider: k8s.Provider;
beforeAll(async () => {
  mocks = await useMockRuntime();
  provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
});

const REGISTRY = "europe-west1-docker.pkg.dev/p/platform";
const args = (overrides: Partial<BlueGreenServiceArgs> = {}): BlueGreenServiceArgs => ({
  app: "orders",
  namespace: "shop",
  labels: { team: "shop", tenant: "platform", environment: "test" },
  images: { blue: `${REGISTRY}/orders:1.0.0`, green: `${REGISTRY}/orders:1.1.0` },
  activeColour: "blue",
  gateway: { name: "platform", namespace: "gateway" },
  ...overrides,
});

describe("BlueGreenService", () => {
  it("without migrations: two colours, active and preview Services, a route, and no Jobs", async () => {
    const service = new BlueGreenService("plain", args({ app: "plain" }), { provider });
    await mocks.settle();
    expect(service.preDeployJobs).toEqual({});
    expect(service.postDeployJob).toBeUndefined();
    expect(mocks.named("kubernetes:core/v1:Service", "plain").inputs.spec.selector).toEqual({ "app.kubernetes.io/name": "plain", "armature.dev/colour": "blue" });
    expect(mocks.named("kubernetes:core/v1:Service", "plain-preview").inputs.spec.selector).toEqual({ "app.kubernetes.io/name": "plain", "armature.dev/colour": "green" });
    const env = mocks.named("kubernetes:apps/v1:Deployment", "plain-green").inputs.spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([{ name: "SERVICE_VERSION", value: "1.1.0" }]));
  });

  it("shifts part of the ordinary traffic to the inactive colour when asked", async () => {
    new BlueGreenService("canary", args({ app: "canary", inactiveWeight: 10 }), { provider });
    await mocks.settle();
    const rules = mocks.named("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "canary").inputs.spec.rules as { backendRefs: { name: string; weight?: number }[] }[];
    expect(rules.at(-1)!.backendRefs).toEqual([expect.objectContaining({ name: "canary-blue", weight: 90 }), expect.objectContaining({ name: "canary-green", weight: 10 })]);
  });

  it("gives only the active colour activeAutoscaling: its Deployment leaves replicas to the external scaler and has no HPA", async () => {
    for (const activeColour of ["blue", "green"] as const) {
      const name = `keda-${activeColour}`;
      new BlueGreenService(name, args({ app: name, activeColour, activeAutoscaling: { external: `KEDA ScaledObject shop/${name}-${activeColour}` } }), { provider });
      await mocks.settle();
      const inactive = activeColour === "blue" ? "green" : "blue";
      const hpas = mocks.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").filter((hpa) => hpa.name.startsWith(`${name}-`)).map((hpa) => hpa.inputs.metadata.name as string);
      expect(hpas).toEqual([`${name}-${inactive}`]);
      expect(mocks.named("kubernetes:apps/v1:Deployment", `${name}-${activeColour}`).inputs.spec.replicas).toBeUndefined();
    }
  });

  it("names each release's Job after its version, within 63 characters", () => {
    expect(jobName("discovery", "pre", "green", `${REGISTRY}/migrator:1.4.0`)).toBe("discovery-pre-green-1-4-0");
    expect(jobName("discovery", "post", "blue", `${REGISTRY}/migrator@sha256:${"ab".repeat(32)}`)).toBe("discovery-post-blue-abababababab");
    expect(jobName("a".repeat(50), "post", "green", `${REGISTRY}/migrator:${"9".repeat(40)}`).length).toBeLessThanOrEqual(63);
  });

  it.each([
    ["an unpinned colour image", args({ images: { blue: `${REGISTRY}/orders:latest`, green: `${REGISTRY}/orders:1.1.0` } }), /Args\.images\.blue: .* is not pinned/],
    ["more than half the traffic on the inactive colour", args({ inactiveWeight: 60 }), /Args\.inactiveWeight: 60 is outside 0-50/],
    ["one replica per colour without the override", args({ deployment: { replicas: 1 } }), /ServiceDeployment .*Args\.replicas: 1 leaves the service down/],
  ])("refuses %s", (_, serviceArgs, message) => {
    expect(() => new BlueGreenService(`refused-${Math.random().toString(36).slice(2, 8)}`, serviceArgs, { provider })).toThrow(ComponentArgError);
    expect(() => new BlueGreenService(`refused-${Math.random().toString(36).slice(2, 8)}`, serviceArgs, { provider })).toThrow(message);
  });
});
