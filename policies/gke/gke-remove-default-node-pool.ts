/** The default node pool runs as the Compute Engine default service account: remove it. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeRemoveDefaultNodePool = resourcePolicy<ClusterInputs>({
  name: "gke-remove-default-node-pool",
  description: "GKE clusters remove the default node pool and declare their pools as NodePool resources.",
  severity: "medium",
  remediationSteps: "Set removeDefaultNodePool: true and initialNodeCount: 1, and create separate gcp.container.NodePool resources.",
  framework: cisGke("5.2.1", "Ensure GKE clusters are not running using the Compute Engine default service account"),
  tags: ["gke", "identity"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.removeDefaultNodePool !== true) report("The default node pool stays: removeDefaultNodePool is not true.");
  },
});
