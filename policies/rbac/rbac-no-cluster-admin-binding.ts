/** cluster-admin is every permission on every object: no program should hand it out. */
import { record } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_CLUSTER_ROLE_BINDING, K8S_ROLE_BINDING } from "../resource-types";
import { cisGke } from "../sources";
import { describeSubject, subjectsOf } from "./rules";

export const rbacNoClusterAdminBinding = resourcePolicy({
  name: "rbac-no-cluster-admin-binding",
  description: "No RoleBinding or ClusterRoleBinding grants the cluster-admin ClusterRole.",
  severity: "critical",
  remediationSteps: "Bind a Role (or ClusterRole) that lists only the verbs and resources the subject needs; cluster administrators get access through Google IAM, not a binding in the program.",
  framework: cisGke("4.1.1", "Ensure that the cluster-admin role is only used where required"),
  tags: ["kubernetes", "rbac", "security"],
  appliesTo: [K8S_CLUSTER_ROLE_BINDING, K8S_ROLE_BINDING],
  validate: (props, _args, report) => {
    const role = record(record(props)?.["roleRef"]);
    if (role?.["kind"] !== "ClusterRole" || role["name"] !== "cluster-admin") return;
    const subjects = subjectsOf(props).map(describeSubject);
    report(`roleRef is the cluster-admin ClusterRole: ${subjects.length > 0 ? subjects.join(", ") : "its subjects"} would hold every permission.`);
  },
});
