/** No privileged containers, and no setuid path to more privileges than the container started with. */
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sNoPrivilegeEscalation = containerPolicy({
  name: "k8s-no-privilege-escalation",
  description: "Containers are not privileged and set allowPrivilegeEscalation: false.",
  severity: "critical",
  remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container and remove privileged: true.",
  framework: polaris("privilegeEscalationAllowed, runAsPrivileged", "Privilege escalation should not be allowed; should not be running as privileged"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => {
    const context = container.securityContext;
    if (context?.privileged === true) return "runs privileged (securityContext.privileged is true)";
    return context?.allowPrivilegeEscalation === false ? undefined : "may escalate privileges: securityContext.allowPrivilegeEscalation is not false";
  },
});
