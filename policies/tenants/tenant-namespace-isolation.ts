/**
 * Every tenant namespace is fenced: a ResourceQuota, a LimitRange, and NetworkPolicies that deny
 * all ingress and egress by default (explicit allows are added on top). A stack policy, because
 * the fence is made of other resources. Tenant namespaces carry a `tenant` label naming a tenant
 * other than the shared platform.
 */
import type { PolicyResource } from "@pulumi/policy";
import { indexNamespaces, knownLabels, knownMetadata } from "../lib/namespaces";
import { configuredStrings, list, readPath, record } from "../lib/values";
import { stackPolicy } from "../policy";
import { K8S_LIMIT_RANGE, K8S_NAMESPACE, K8S_NETWORK_POLICY, K8S_RESOURCE_QUOTA } from "../resource-types";
import { cisGke } from "../sources";

export const tenantNamespaceIsolation = stackPolicy({
  name: "tenant-namespace-isolation",
  description: "Every tenant namespace has a ResourceQuota, a LimitRange and default-deny NetworkPolicies for ingress and egress.",
  severity: "high",
  remediationSteps:
    "Create the tenant through the tenant component, or add to the namespace: a ResourceQuota, a LimitRange, and a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules.",
  framework: cisGke("4.3.2", "Ensure that all Namespaces have Network Policies defined (and 4.6.1, Create administrative boundaries between resources using namespaces)"),
  tags: ["tenants", "kubernetes", "isolation"],
  configSchema: { properties: { sharedTenants: { type: "array", items: { type: "string" }, default: ["platform"] } } },
  validate: (args, report) => {
    const shared = configuredStrings(args.getConfig(), "sharedTenants");
    const namespaces = indexNamespaces(args.resources);
    // Unknown namespaces count as this one: during a preview nothing is concluded from them.
    const inNamespace = (type: string, namespace: PolicyResource) => namespaces.mayShareWith(type, namespace);
    for (const namespace of args.resources.filter((resource) => resource.type === K8S_NAMESPACE)) {
      const tenant = knownLabels(namespace)["tenant"];
      if (!tenant || shared.includes(tenant)) continue;
      const policies = inNamespace(K8S_NETWORK_POLICY, namespace);
      const missing = [
        ...(inNamespace(K8S_RESOURCE_QUOTA, namespace).length === 0 ? ["a ResourceQuota"] : []),
        ...(inNamespace(K8S_LIMIT_RANGE, namespace).length === 0 ? ["a LimitRange"] : []),
        ...(policies.some((policy) => deniesAll(policy, "Ingress")) ? [] : ["a default-deny ingress NetworkPolicy"]),
        ...(policies.some((policy) => deniesAll(policy, "Egress")) ? [] : ["a default-deny egress NetworkPolicy"]),
      ];
      if (missing.length === 0) continue;
      const name = knownMetadata(namespace, "name");
      report(`Tenant namespace ${typeof name === "string" ? name : namespace.name} (tenant ${tenant}) lacks ${missing.join(", ")}.`, namespace.urn);
    }
  },
});

/** Selects every pod, covers the direction, and allows nothing in it. Unknown parts count as yes. */
function deniesAll(policy: PolicyResource, direction: "Ingress" | "Egress"): boolean {
  const spec = readPath(policy.props, ["spec"]);
  if (!spec.known) return true;
  const selector = readPath(spec.value, ["podSelector"]);
  const selectsAll =
    !selector.known ||
    (Object.keys(record(record(selector.value)?.["matchLabels"]) ?? {}).length === 0 && list(record(selector.value)?.["matchExpressions"]).length === 0);
  const types = readPath(spec.value, ["policyTypes"]);
  const covers = !types.known || list(types.value).includes(direction);
  const rules = readPath(spec.value, [direction.toLowerCase()]);
  const allowsNothing = rules.known && list(rules.value).length === 0;
  return selectsAll && covers && allowsNothing;
}
