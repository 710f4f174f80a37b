/** Passing and violating examples of the Kubernetes RBAC policies. */
import { K8S_CLUSTER_ROLE, K8S_CLUSTER_ROLE_BINDING, K8S_ROLE, K8S_ROLE_BINDING } from "../resource-types";
import { type PolicyCases, resource } from "../testing/examples";
import { rbacNoClusterAdminBinding } from "./rbac-no-cluster-admin-binding";
import { rbacNoEscalationVerbs } from "./rbac-no-escalation-verbs";
import { rbacNoTenantClusterRoleBinding } from "./rbac-no-tenant-cluster-role-binding";
import { rbacNoWildcardRules } from "./rbac-no-wildcard-rules";

const READ_PODS = { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] };
const role = (type: string, rules: object[]) => ({ type, inputs: { metadata: { name: "reader", namespace: "acme" }, rules } });
const binding = (type: string, roleRef: object, subjects: object[]) => ({ type, inputs: { metadata: { name: "binding", namespace: "acme" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects } });
const TENANT_SA = { kind: "ServiceAccount", name: "shop", namespace: "tenant-acme" };
const PLATFORM_SA = { kind: "ServiceAccount", name: "keda-operator", namespace: "keda" };

export const rbacCases: readonly PolicyCases[] = [
  {
    policy: rbacNoClusterAdminBinding,
    passes: [
      resource("a RoleBinding to a namespaced Role", binding(K8S_ROLE_BINDING, { kind: "Role", name: "reader" }, [TENANT_SA])),
      resource("a ClusterRoleBinding to the view role", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "view" }, [PLATFORM_SA])),
    ],
    violations: [
      resource("a tenant service account made cluster-admin", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "cluster-admin" }, [TENANT_SA]), { expect: /cluster-admin.*tenant-acme\/shop/ }),
      resource("cluster-admin through a RoleBinding", binding(K8S_ROLE_BINDING, { kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "User", name: "dev@example.com" }])),
    ],
  },
  {
    policy: rbacNoTenantClusterRoleBinding,
    passes: [
      resource("a platform service account", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "keda-operator" }, [PLATFORM_SA])),
      resource("a Kubernetes system identity", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "system:node-proxier" }, [{ kind: "User", name: "system:kube-proxy" }])),
      resource("a platform namespace declared in the config", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "view" }, [{ kind: "ServiceAccount", name: "agent", namespace: "observability" }]), {
        config: { platformNamespaces: ["observability"] },
      }),
    ],
    violations: [
      resource("a tenant service account", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "view" }, [TENANT_SA]), { expect: /ServiceAccount tenant-acme\/shop is a service account outside the platform namespaces/ }),
      resource("a group", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "edit" }, [{ kind: "Group", name: "developers@example.com" }]), { expect: /Group developers@example.com is a group/ }),
      resource("every authenticated user", binding(K8S_CLUSTER_ROLE_BINDING, { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:authenticated" }]), { expect: /built-in identity/ }),
    ],
  },
  {
    policy: rbacNoWildcardRules,
    passes: [resource("named verbs and resources", role(K8S_ROLE, [READ_PODS])), resource("a ClusterRole with named rules", role(K8S_CLUSTER_ROLE, [READ_PODS]))],
    violations: [
      resource("every verb", role(K8S_ROLE, [{ ...READ_PODS, verbs: ["*"] }]), { expect: /rules\[0\]\.verbs contains "\*"/ }),
      resource("every resource of every group", role(K8S_CLUSTER_ROLE, [{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }]), { expect: /rules\[0\]\.(resources|apiGroups) contains/ }),
    ],
  },
  {
    policy: rbacNoEscalationVerbs,
    passes: [resource("read-only rules", role(K8S_CLUSTER_ROLE, [READ_PODS]))],
    violations: [
      resource("bind and escalate on roles", role(K8S_ROLE, [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind", "escalate"] }]), { expect: /grants bind, escalate on roles/ }),
      resource("impersonate users", role(K8S_CLUSTER_ROLE, [{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }]), { expect: /impersonate/ }),
    ],
  },
];
