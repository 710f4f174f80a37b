/** Without a readiness probe, traffic reaches a pod before it can serve. */
import { SERVING_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sReadinessProbe = containerPolicy({
  name: "k8s-readiness-probe",
  description: "Serving containers declare a readiness probe.",
  severity: "high",
  remediationSteps: 'Add readinessProbe: { httpGet: { path: "/readyz", port: 8080 } } (the kit\'s readiness endpoint).',
  framework: polaris("readinessProbeMissing", "Readiness probe should be configured"),
  tags: ["kubernetes", "reliability"],
  appliesTo: SERVING_TYPES,
  includeInit: false,
  check: (container) => (container.readinessProbe ? undefined : "no readinessProbe"),
});
