/** Cloud Logging and Cloud Monitoring stay on: audit trails and alerting depend on them. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeLoggingMonitoring = resourcePolicy<ClusterInputs>({
  name: "gke-logging-monitoring",
  description: "GKE clusters send logs and metrics to Cloud Logging and Cloud Monitoring.",
  severity: "medium",
  remediationSteps: 'Remove loggingService/monitoringService "none" (the defaults are the Kubernetes Engine services).',
  framework: cisGke("5.7.1", "Ensure Logging and Cloud Monitoring is Enabled"),
  tags: ["gke", "observability"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.loggingService === "none") report('Cloud Logging is off: loggingService is "none".');
    if (cluster.monitoringService === "none") report('Cloud Monitoring is off: monitoringService is "none".');
  },
});
