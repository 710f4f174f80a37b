/** A startup probe holds liveness checks off until a slow start has finished. */
import { SERVING_TYPES } from "../lib/workloads";
import { kubernetesDocs } from "../sources";
import { containerPolicy } from "./container-policy";

export const k8sStartupProbe = containerPolicy({
  name: "k8s-startup-probe",
  description: "Serving containers declare a startup probe.",
  severity: "medium",
  remediationSteps: 'Add startupProbe: { httpGet: { path: "/startupz", port: 8080 }, failureThreshold: 30, periodSeconds: 2 }.',
  framework: kubernetesDocs("concepts/configuration/liveness-readiness-startup-probes/", "Liveness, readiness and startup probes: startup probe"),
  tags: ["kubernetes", "reliability"],
  appliesTo: SERVING_TYPES,
  includeInit: false,
  check: (container) => (container.startupProbe ? undefined : "no startupProbe"),
});
