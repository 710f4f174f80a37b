/** An Unmasked /proc exposes the node's kernel interfaces that the runtime normally hides. */
import { shown } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { pss } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sProcMountDefault = containerPolicy({
  name: "k8s-proc-mount-default",
  description: "Containers keep the default masked /proc mount (procMount unset or Default).",
  severity: "high",
  remediationSteps: 'Remove securityContext.procMount, or set it to "Default".',
  framework: pss("baseline", "/proc Mount Type", "The default /proc masks are set up to reduce attack surface, and should be required"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => {
    const procMount = container.securityContext?.procMount;
    return procMount === undefined || procMount === "Default" ? undefined : `securityContext.procMount is ${shown(procMount)}: /proc is not masked`;
  },
});
