/** An attacker cannot drop tools into a read-only filesystem; writable paths are explicit volumes. */
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sReadOnlyRootFilesystem = containerPolicy({
  name: "k8s-read-only-root-filesystem",
  description: "Containers run with a read-only root filesystem.",
  severity: "medium",
  remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write (for example /tmp).",
  framework: polaris("notReadOnlyRootFilesystem", "Filesystem should be read only"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => (container.securityContext?.readOnlyRootFilesystem === true ? undefined : "the root filesystem is writable: securityContext.readOnlyRootFilesystem is not true"),
});
