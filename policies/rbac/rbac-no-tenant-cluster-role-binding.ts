/**
 * A ClusterRoleBinding grants its role in every namespace. Tenants get power inside their own
 * namespace only (RoleBindings), so a ClusterRoleBinding may name only platform service accounts
 * and Kubernetes' own system identities, never people, groups, or everyone.
 */
import { configuredStrings } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_CLUSTER_ROLE_BINDING } from "../resource-types";
import { cisGke } from "../sources";
import { type Subject, describeSubject, subjectsOf } from "./rules";

/** Built-in identities that stand for everyone, every service account, or unlimited power. */
const BROAD_SYSTEM_IDENTITIES = /^system:(anonymous|unauthenticated|authenticated|masters|serviceaccounts(:.*)?)$/;

function problemWith(subject: Subject, platformNamespaces: readonly string[]): string | undefined {
  if (subject.kind === "ServiceAccount") {
    return platformNamespaces.includes(subject.namespace ?? "") ? undefined : "a service account outside the platform namespaces";
  }
  const name = subject.name ?? "";
  if (BROAD_SYSTEM_IDENTITIES.test(name)) return "a built-in identity that stands for many";
  return name.startsWith("system:") ? undefined : `a ${subject.kind === "Group" ? "group" : "user"}`;
}

export const rbacNoTenantClusterRoleBinding = resourcePolicy({
  name: "rbac-no-tenant-cluster-role-binding",
  description: "ClusterRoleBindings name only platform service accounts and Kubernetes system identities: no tenant service account, user, group, or everyone.",
  severity: "critical",
  remediationSteps:
    "Grant tenants a RoleBinding in their own namespace; grant people cluster-wide access through Google IAM. If a platform namespace needs a ClusterRoleBinding, add it to this policy's platformNamespaces.",
  framework: cisGke("4.1.8", "Avoid bindings to system:anonymous (and 4.1.9, 4.1.10: non-default bindings to system:unauthenticated, system:authenticated)"),
  tags: ["kubernetes", "rbac", "tenants", "security"],
  configSchema: {
    properties: { platformNamespaces: { type: "array", items: { type: "string" }, default: ["kube-system", "gateway", "gmp-system", "keda", "vault"] } },
  },
  appliesTo: [K8S_CLUSTER_ROLE_BINDING],
  validate: (props, args, report) => {
    const platformNamespaces = configuredStrings(args.getConfig(), "platformNamespaces");
    for (const subject of subjectsOf(props)) {
      const problem = problemWith(subject, platformNamespaces);
      if (problem) report(`${describeSubject(subject)} is ${problem}: a ClusterRoleBinding gives it the role in every namespace.`);
    }
  },
});
