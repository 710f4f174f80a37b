/** Limits keep one container from starving its neighbours on a node. */
import { record } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";
import { missing } from "./k8s-resource-requests";

export const k8sResourceLimits = containerPolicy({
  name: "k8s-resource-limits",
  description: "Every container sets CPU and memory limits.",
  severity: "high",
  remediationSteps: 'Set resources.limits.cpu and resources.limits.memory (for example "500m" and "256Mi").',
  framework: polaris("cpuLimitsMissing, memoryLimitsMissing", "CPU and memory limits should be set"),
  tags: ["kubernetes", "capacity"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => missing(record(container.resources?.limits), "limits"),
});
