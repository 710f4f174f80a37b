/**
 * The policy pack inside `npm run plan`: the same policy objects the CLI's PolicyPack serves, run
 * over every recorded resource with the arguments the CLI would pass, at the enforcement levels
 * of the stack's environment (policies/enforcement.ts).
 */
import { ENFORCEMENT, environmentOf } from "../../policies/enforcement";
import { policies } from "../../policies/registry";
import { type PolicyFinding, type PolicySubject, type SubjectProvider, evaluatePolicies } from "../../policies/runner";
import type { AnalyzedResource, PlanAnalyzer, PlanContext } from "./analyzer";
import type { PlanViolation } from "./plan-document";

export const policyPackAnalyzer: PlanAnalyzer = {
  name: "armature-guardrails",
  async analyze(context) {
    const findings = await evaluatePolicies(policies, subjectsOf(context), ENFORCEMENT[environmentOf(context.config)]);
    return findings.map(toViolation);
  },
};

export function subjectsOf(context: PlanContext): PolicySubject[] {
  const byUrn = new Map(context.resources.map((resource) => [resource.urn, resource]));
  const defaults = new Map<string, SubjectProvider>();
  return context.resources.map((resource) => {
    const provider = resource.custom ? providerOf(resource, byUrn, defaults, context) : undefined;
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent,
      protect: resource.protect,
      dependencies: resource.dependencies,
      inputs: resource.inputs,
      ...(provider ? { provider } : {}),
    };
  });
}

/**
 * The resource's provider as the CLI shows it to a policy: the explicit provider resource it names
 * ("<urn>::<id>"), or else the package's default provider, whose inputs are the stack's
 * `<package>:*` config (as the engine builds it).
 */
function providerOf(
  resource: AnalyzedResource,
  byUrn: ReadonlyMap<string, AnalyzedResource>,
  defaults: Map<string, SubjectProvider>,
  context: PlanContext,
): SubjectProvider | undefined {
  if (resource.type.startsWith("pulumi:")) return undefined;
  if (resource.provider) {
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const explicit = byUrn.get(urn);
    return explicit && { urn, type: explicit.type, name: explicit.name, inputs: explicit.inputs };
  }
  const pkg = resource.type.split(":")[0]!;
  const known = defaults.get(pkg);
  if (known) return known;
  const prefix = `${pkg}:`;
  const inputs = Object.fromEntries(
    Object.entries(context.config).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])),
  );
  const type = `pulumi:providers:${pkg}`;
  const provider = { urn: `urn:pulumi:${context.stack}::${context.project}::${type}::default`, type, name: "default", inputs };
  defaults.set(pkg, provider);
  return provider;
}

function toViolation(finding: PolicyFinding): PlanViolation {
  return {
    policy: finding.policy.name,
    severity: finding.policy.severity,
    enforcement: finding.enforcement,
    urn: finding.urn,
    message: finding.message,
    remediation: finding.policy.remediationSteps,
  };
}
