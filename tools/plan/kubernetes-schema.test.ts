import { describe, expect, it } from "vitest";
import type { AnalyzedResource } from "./analyzer";
import { checkKubernetesSchemas, modelFor } from "./kubernetes-schema";

const resource = (type: string, inputs: Record<string, unknown>): AnalyzedResource => ({
  urn: `urn:pulumi:test::armature::${type}::x`, type, name: "x", parent: null, custom: true, provider: null, dependencies: [], protect: false, inputs, secretPaths: [],
});
const deployment = (containerPort: unknown) => resource("kubernetes:apps/v1:Deployment", {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
  spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "x", image: "r/x:1", ports: [{ containerPort }] }] } } },
});

describe("the Kubernetes schema check", () => {
  it("finds models for core, grouped and Gateway API types, and none for unknown ones", () => {
    expect(modelFor("kubernetes:core/v1:Namespace")).toBeDefined();
    expect(modelFor("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toBeDefined();
    expect(modelFor("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toBeDefined();
    expect(modelFor("kubernetes:example.com/v1:Widget")).toBeUndefined();
  });

  it("passes a valid object and names the field of an invalid one", () => {
    expect(checkKubernetesSchemas([deployment(8080)])).toEqual({ checked: 1, violations: [] });
    const { violations } = checkKubernetesSchemas([deployment("eighty")]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ policy: "kubernetes-openapi-schema", enforcement: "mandatory" });
    expect(violations[0]!.message).toMatch(/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort must be integer/);
  });

  it("checks Gateway API routes (a weight must be a number) and Helm values that embed Kubernetes objects", () => {
    const route = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", {
      apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "r" },
      spec: { parentRefs: [{ name: "g" }], rules: [{ backendRefs: [{ name: "s", port: 80, weight: "all" }] }] },
    });
    const release = resource("kubernetes:helm.sh/v3:Release", { chart: "vault", values: { server: { volumes: [{ name: "tls", secret: { defaultMode: "0440" } }] } } });
    const messages = checkKubernetesSchemas([route, release]).violations.map((violation) => violation.message);
    expect(messages).toEqual([expect.stringMatching(/weight must be integer/), expect.stringMatching(/^values\.server\.volumes\[0\]: .*defaultMode must be integer/)]);
  });

  it("checks GKE's HealthCheckPolicy (networking.gke.io/v1) against its published schema", () => {
    const policy = (httpHealthCheck: Record<string, unknown>) => resource("kubernetes:networking.gke.io/v1:HealthCheckPolicy", {
      apiVersion: "networking.gke.io/v1", kind: "HealthCheckPolicy", metadata: { name: "p", namespace: "n" },
      spec: { default: { config: { type: "HTTP", httpHealthCheck } }, targetRef: { group: "", kind: "Service", name: "s" } },
    });
    expect(checkKubernetesSchemas([policy({ portSpecification: "USE_FIXED_PORT", port: 8080, requestPath: "/readyz" })])).toEqual({ checked: 1, violations: [] });
    const { violations } = checkKubernetesSchemas([policy({ portSpecification: "USE_FIXED_PORT", port: 8080, requestPath: "readyz" })]);
    expect(violations.map((violation) => violation.message)).toEqual([expect.stringMatching(/requestPath must match pattern/)]);
  });

  it("says so (advisory) when it knows no schema, instead of passing the object silently", () => {
    const { checked, violations } = checkKubernetesSchemas([resource("kubernetes:example.com/v1:Widget", {}), resource("kubernetes:helm.sh/v3:Release", { chart: "other" })]);
    expect(checked).toBe(0);
    expect(violations.map((violation) => violation.enforcement)).toEqual(["advisory", "advisory"]);
  });
});
