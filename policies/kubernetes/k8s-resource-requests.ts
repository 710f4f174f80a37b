/** Requests let the scheduler place pods and the quota account for them. */
import { record } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sResourceRequests = containerPolicy({
  name: "k8s-resource-requests",
  description: "Every container requests CPU and memory.",
  severity: "high",
  remediationSteps: 'Set resources.requests.cpu and resources.requests.memory (for example "100m" and "128Mi").',
  framework: polaris("cpuRequestsMissing, memoryRequestsMissing", "CPU and memory requests should be set"),
  tags: ["kubernetes", "capacity"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => missing(record(container.resources?.requests), "requests"),
});

export function missing(amounts: Readonly<Record<string, unknown>> | undefined, kind: string): string | undefined {
  const absent = ["cpu", "memory"].filter((resource) => amounts?.[resource] === undefined || amounts[resource] === null || amounts[resource] === "");
  return absent.length > 0 ? `no ${kind} for ${absent.join(" and ")}` : undefined;
}
