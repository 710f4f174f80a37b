/** Without a liveness probe, a hung process keeps its pod forever. */
import { SERVING_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sLivenessProbe = containerPolicy({
  name: "k8s-liveness-probe",
  description: "Serving containers declare a liveness probe.",
  severity: "high",
  remediationSteps: 'Add livenessProbe: { httpGet: { path: "/livez", port: 8080 } } (the kit\'s liveness endpoint; never check dependencies there).',
  framework: polaris("livenessProbeMissing", "Liveness probe should be configured"),
  tags: ["kubernetes", "reliability"],
  appliesTo: SERVING_TYPES,
  includeInit: false,
  check: (container) => (container.livenessProbe ? undefined : "no livenessProbe"),
});
