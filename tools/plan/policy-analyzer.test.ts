/** The policy pack inside the plan: providers, environments, unknowns and stack policies as the CLI has them. */
import { describe, expect, it } from "vitest";
import type { AnalyzedResource, PlanContext } from "./analyzer";
import { policyPackAnalyzer } from "./policy-analyzer";

const LABELS = { team: "platform", tenant: "platform", environment: "dev" };
const STACK_URN = "urn:pulumi:dev::armature::pulumi:pulumi:Stack::armature-dev";
const urn = (type: string, name: string) => `urn:pulumi:dev::armature::pulumi:pulumi:Stack$${type}::${name}`;

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<AnalyzedResource> = {}): AnalyzedResource {
  return { urn: urn(type, name), type, name, parent: STACK_URN, custom: true, provider: null, dependencies: [], protect: false, inputs, secretPaths: [], ...extra };
}

const provider = (name: string, defaultLabels: object) =>
  resource("pulumi:providers:gcp", name, { project: "armature-dev-4821", defaultLabels: JSON.stringify(defaultLabels) });
const secret = (name: string, providerUrn: string | null) =>
  resource("gcp:secretmanager/secret:Secret", name, { secretId: name, replication: { auto: {} } }, { provider: providerUrn && `${providerUrn}::${name}-provider-id` });

function context(resources: AnalyzedResource[], config: Record<string, string> = { "armature:environment": "dev" }): PlanContext {
  return { project: "armature", stack: "dev", config, resources };
}

const analyze = async (plan: PlanContext) => policyPackAnalyzer.analyze(plan);

describe("the policy pack analyzer", () => {
  it("counts the labels of the provider a resource names", async () => {
    const labelled = provider("labelled", LABELS);
    const bare = provider("bare", {});
    const violations = await analyze(context([labelled, bare, secret("via-labelled", labelled.urn), secret("via-bare", bare.urn)]));
    expect(violations.map((violation) => [violation.policy, violation.urn])).toEqual([["labels-gcp-required", urn("gcp:secretmanager/secret:Secret", "via-bare")]]);
  });

  it("gives a resource without an explicit provider the default provider built from the stack's gcp:* config", async () => {
    const withDefaults = { "armature:environment": "dev", "gcp:project": "armature-dev-4821", "gcp:defaultLabels": JSON.stringify(LABELS) };
    expect(await analyze(context([secret("default-provider", null)], withDefaults))).toEqual([]);
    expect((await analyze(context([secret("default-provider", null)]))).map((violation) => violation.policy)).toEqual(["labels-gcp-required"]);
  });

  it("reports each violation with its severity, enforcement, resource and fix", async () => {
    const [violation] = await analyze(context([secret("no-labels", null)]));
    expect(violation).toEqual({
      policy: "labels-gcp-required",
      severity: "medium",
      enforcement: "mandatory",
      urn: urn("gcp:secretmanager/secret:Secret", "no-labels"),
      message: expect.stringMatching(/^Missing label\(s\) team, tenant, environment/) as unknown,
      remediation: expect.stringMatching(/defaultLabels/) as unknown,
    });
  });

  it("sets enforcement from armature:environment: advisory in dev, mandatory in prod", async () => {
    const basicRedis = resource("gcp:redis/instance:Instance", "cache", {
      tier: "BASIC", authEnabled: true, transitEncryptionMode: "SERVER_AUTHENTICATION", connectMode: "PRIVATE_SERVICE_ACCESS",
      persistenceConfig: { persistenceMode: "RDB" }, maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SUNDAY" }] }, labels: LABELS, memorySizeGb: 1,
    });
    const levels = async (environment: string) =>
      (await analyze(context([basicRedis], { "armature:environment": environment }))).map((violation) => [violation.policy, violation.enforcement]);
    expect(await levels("dev")).toEqual([["redis-high-availability", "advisory"]]);
    expect(await levels("prod")).toEqual([["redis-high-availability", "mandatory"]]);
  });

  it("reports a policy that needs an unknown value as advisory, as the CLI does during a preview", async () => {
    const unknownAuth = resource("gcp:redis/instance:Instance", "cache", {
      tier: "STANDARD_HA", authEnabled: undefined, transitEncryptionMode: "SERVER_AUTHENTICATION", connectMode: "PRIVATE_SERVICE_ACCESS",
      persistenceConfig: { persistenceMode: "RDB" }, maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SUNDAY" }] }, labels: LABELS, memorySizeGb: 1,
    });
    expect(await analyze(context([unknownAuth], { "armature:environment": "prod" }))).toEqual([
      expect.objectContaining({ policy: "redis-auth", enforcement: "advisory", message: expect.stringMatching(/^can't run during preview: .*authEnabled/) as unknown }),
    ]);
  });

  it("links dependencies for stack policies, so objects in a generated namespace are found", async () => {
    const k8sLabels = { ...LABELS, tenant: "acme", "pod-security.kubernetes.io/enforce": "restricted" };
    const namespace = resource("kubernetes:core/v1:Namespace", "acme", { metadata: { labels: k8sLabels } });
    const inNamespace = (type: string, name: string, spec: object) =>
      resource(type, name, { metadata: { namespace: undefined, labels: k8sLabels }, spec }, { dependencies: [namespace.urn] });
    const fence = [
      inNamespace("kubernetes:core/v1:ResourceQuota", "quota", { hard: { "requests.cpu": "4" } }),
      inNamespace("kubernetes:core/v1:LimitRange", "limits", { limits: [] }),
      inNamespace("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    ];
    const policiesOf = async (resources: AnalyzedResource[]) => (await analyze(context(resources))).map((violation) => violation.policy);
    expect(await policiesOf([namespace, ...fence])).not.toContain("tenant-namespace-isolation");
    expect(await policiesOf([namespace, ...fence.slice(1)])).toContain("tenant-namespace-isolation");
  });
});
