/** Passing and violating examples of the tenant isolation policies. */
import { tenantNamespace } from "../fixtures/compliant-parts";
import { K8S_LIMIT_RANGE, K8S_NAMESPACE, K8S_NETWORK_POLICY, K8S_RESOURCE_QUOTA } from "../resource-types";
import { type PolicyCases, type ResourceSpec, resource, set, stack, unset } from "../testing/examples";
import { namespacePodSecurityStandard } from "./namespace-pod-security-standard";
import { tenantNamespaceIsolation } from "./tenant-namespace-isolation";

const ACME = tenantNamespace("acme");

function fence(parts: Partial<typeof ACME> = ACME, dependOnNamespace = false): ResourceSpec[] {
  const dependsOn = dependOnNamespace ? ["acme"] : [];
  return [
    ...(parts.namespace ? [{ type: K8S_NAMESPACE, name: "acme", inputs: parts.namespace }] : []),
    ...(parts.quota ? [{ type: K8S_RESOURCE_QUOTA, name: "acme-quota", inputs: parts.quota, dependsOn }] : []),
    ...(parts.limits ? [{ type: K8S_LIMIT_RANGE, name: "acme-limits", inputs: parts.limits, dependsOn }] : []),
    ...(parts.denyAll ? [{ type: K8S_NETWORK_POLICY, name: "acme-deny", inputs: parts.denyAll, dependsOn }] : []),
  ];
}

const withoutNames = {
  namespace: unset(ACME.namespace, "metadata.name"),
  quota: set(ACME.quota, "metadata.namespace", undefined),
  limits: set(ACME.limits, "metadata.namespace", undefined),
  denyAll: set(ACME.denyAll, "metadata.namespace", undefined),
};

export const tenantCases: readonly PolicyCases[] = [
  {
    policy: tenantNamespaceIsolation,
    passes: [
      stack("a fenced tenant namespace", fence()),
      stack("a fenced namespace whose name is generated (matched by dependency)", fence(withoutNames, true)),
      stack("a platform namespace", [{ type: K8S_NAMESPACE, name: "platform", inputs: set(ACME.namespace, "metadata.labels.tenant", "platform") }]),
      stack("ingress and egress denied by two policies", [
        ...fence({ ...ACME, denyAll: undefined }),
        { type: K8S_NETWORK_POLICY, name: "deny-in", inputs: set(ACME.denyAll, "spec.policyTypes", ["Ingress"]) },
        { type: K8S_NETWORK_POLICY, name: "deny-out", inputs: set(ACME.denyAll, "spec.policyTypes", ["Egress"]) },
      ]),
    ],
    violations: [
      stack("no quota", fence({ ...ACME, quota: undefined }), { expect: /acme \(tenant acme\) lacks a ResourceQuota\.$/ }),
      stack("no limit range", fence({ ...ACME, limits: undefined }), { expect: /lacks a LimitRange/ }),
      stack("nothing but the namespace", fence({ namespace: ACME.namespace }), {
        expect: /lacks a ResourceQuota, a LimitRange, a default-deny ingress NetworkPolicy, a default-deny egress NetworkPolicy/,
      }),
      stack("a network policy that allows some ingress", [
        ...fence({ ...ACME, denyAll: undefined }),
        { type: K8S_NETWORK_POLICY, name: "allow", inputs: set(ACME.denyAll, "spec.ingress", [{ from: [{ podSelector: {} }] }]) },
      ]),
      stack("the fence in another namespace", [...fence(), { type: K8S_NAMESPACE, name: "globex", inputs: tenantNamespace("globex").namespace }], { expect: /globex/ }),
      stack("a generated name and a fence that does not depend on it", fence(withoutNames, false)),
    ],
  },
  {
    policy: namespacePodSecurityStandard,
    passes: [resource("restricted", { type: K8S_NAMESPACE, inputs: ACME.namespace }), resource("baseline", { type: K8S_NAMESPACE, inputs: { metadata: { name: "acme", labels: { ...ACME.namespace.metadata.labels, "pod-security.kubernetes.io/enforce": "baseline" } } } })],
    violations: [resource("no label", { type: K8S_NAMESPACE, inputs: { metadata: { name: "acme", labels: { tenant: "acme" } } } }), resource("privileged", { type: K8S_NAMESPACE, inputs: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } } })],
  },
];
