/** Upgrades and repairs happen in a declared window, not at any time of day. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeMaintenanceWindow = resourcePolicy<ClusterInputs>({
  name: "gke-maintenance-window",
  description: "GKE clusters declare a maintenance window.",
  severity: "low",
  remediationSteps: "Set maintenancePolicy.recurringWindow (or dailyMaintenanceWindow) to an off-peak window.",
  framework: googleCloudDocs("kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions", "GKE: maintenance windows and exclusions"),
  tags: ["gke", "upgrades"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const policy = cluster.maintenancePolicy;
    if (!policy?.recurringWindow && !policy?.dailyMaintenanceWindow) report("No maintenance window: maintenancePolicy has neither recurringWindow nor dailyMaintenanceWindow.");
  },
});
