/** Google Cloud Managed Service for Prometheus collects the apps' /metrics. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeManagedPrometheus = resourcePolicy<ClusterInputs>({
  name: "gke-managed-prometheus",
  description: "GKE clusters enable Managed Service for Prometheus.",
  severity: "low",
  remediationSteps: "Set monitoringConfig.managedPrometheus.enabled to true.",
  framework: googleCloudDocs("stackdriver/docs/managed-prometheus", "Google Cloud Managed Service for Prometheus"),
  tags: ["gke", "observability"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.monitoringConfig?.managedPrometheus?.enabled !== true) report("Managed Prometheus is off: monitoringConfig.managedPrometheus.enabled is not true.");
  },
});
