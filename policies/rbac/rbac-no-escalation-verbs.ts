/** escalate, bind and impersonate let a subject give itself more than it was granted. */
import { resourcePolicy } from "../policy";
import { K8S_CLUSTER_ROLE, K8S_ROLE } from "../resource-types";
import { cisGke } from "../sources";
import { rulesOf } from "./rules";

const ESCALATION_VERBS = ["escalate", "bind", "impersonate"];

export const rbacNoEscalationVerbs = resourcePolicy({
  name: "rbac-no-escalation-verbs",
  description: "Roles and ClusterRoles grant none of the escalate, bind or impersonate verbs.",
  severity: "high",
  remediationSteps: "Remove escalate, bind and impersonate from rules[].verbs; grant roles to subjects directly in the program instead of letting a subject bind or impersonate.",
  framework: cisGke("4.1.7", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster"),
  tags: ["kubernetes", "rbac", "security"],
  appliesTo: [K8S_ROLE, K8S_CLUSTER_ROLE],
  validate: (props, _args, report) => {
    for (const rule of rulesOf(props)) {
      const verbs = rule.verbs.filter((verb) => ESCALATION_VERBS.includes(verb.toLowerCase()));
      if (verbs.length > 0) report(`${rule.where} grants ${verbs.join(", ")}${rule.resources.length > 0 ? ` on ${rule.resources.join(", ")}` : ""}.`);
    }
  },
});
