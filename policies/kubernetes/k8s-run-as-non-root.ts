/** A process running as root in a container is one kernel bug away from root on the node. */
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sRunAsNonRoot = containerPolicy({
  name: "k8s-run-as-non-root",
  description: "Containers run as a non-root user.",
  severity: "high",
  remediationSteps: "Set securityContext.runAsNonRoot: true on the pod (or each container), with a non-zero runAsUser if the image has no USER.",
  framework: polaris("runAsRootAllowed", "Should not be allowed to run as root"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container, template) => {
    const pod = template.spec?.securityContext;
    const own = container.securityContext;
    const nonRoot = own?.runAsNonRoot ?? pod?.runAsNonRoot;
    const user = own?.runAsUser ?? pod?.runAsUser;
    if (nonRoot === false || user === 0) return "runs as root (runAsNonRoot is false or runAsUser is 0)";
    return nonRoot === true || (typeof user === "number" && user > 0) ? undefined : "may run as root: runAsNonRoot is not true";
  },
});
