/** A "*" in a rule grants whatever the API server serves, including resources added later. */
import { resourcePolicy } from "../policy";
import { K8S_CLUSTER_ROLE, K8S_ROLE } from "../resource-types";
import { cisGke } from "../sources";
import { rulesOf } from "./rules";

const FIELDS = ["verbs", "resources", "apiGroups"] as const;

export const rbacNoWildcardRules = resourcePolicy({
  name: "rbac-no-wildcard-rules",
  description: 'Roles and ClusterRoles name their verbs, resources and API groups: no "*".',
  severity: "high",
  remediationSteps: 'Replace "*" in rules[].verbs, resources and apiGroups with the specific verbs (get, list, watch...), resources and API groups the subject needs.',
  framework: cisGke("4.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
  tags: ["kubernetes", "rbac", "security"],
  appliesTo: [K8S_ROLE, K8S_CLUSTER_ROLE],
  validate: (props, _args, report) => {
    for (const rule of rulesOf(props)) {
      for (const field of FIELDS) {
        if (rule[field].includes("*")) report(`${rule.where}.${field} contains "*".`);
      }
    }
  },
});
