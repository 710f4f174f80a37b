/**
 * A process running as root in a container is one kernel bug away from root on the node. This is
 * the Pod Security Standards `restricted` pair of controls: runAsNonRoot must be true (on the pod,
 * or on every container), and runAsUser must never be 0 at either level.
 */
import { POD_TYPES } from "../lib/workloads";
import { pss } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sRunAsNonRoot = containerPolicy({
  name: "k8s-run-as-non-root",
  description: "Containers run as a non-root user: runAsNonRoot is true and runAsUser is never 0.",
  severity: "high",
  remediationSteps: "Set securityContext.runAsNonRoot: true on the pod (or each container), with a non-zero runAsUser if the image has no USER; remove any runAsUser: 0.",
  framework: pss("restricted", "Running as Non-root", "runAsNonRoot must be true; runAsUser must not be 0"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container, template) => {
    const pod = template.spec?.securityContext;
    const own = container.securityContext;
    if (own?.runAsUser === 0) return "runs as root: securityContext.runAsUser is 0";
    if (pod?.runAsUser === 0) return "runs as root: the pod's securityContext.runAsUser is 0 (restricted forbids it even when a container overrides it)";
    const nonRoot = own?.runAsNonRoot ?? pod?.runAsNonRoot;
    if (nonRoot === false) return "runs as root: runAsNonRoot is false";
    return nonRoot === true ? undefined : "may run as root: runAsNonRoot is not true on the container or the pod";
  },
});
