/** Nodes with internal addresses only: the first layer of a private cluster. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkePrivateNodes = resourcePolicy<ClusterInputs>({
  name: "gke-private-nodes",
  description: "GKE clusters run private nodes: nodes have internal IP addresses only.",
  severity: "critical",
  remediationSteps: "Set privateClusterConfig.enablePrivateNodes to true, with a /28 privateClusterConfig.masterIpv4CidrBlock.",
  framework: cisGke("5.6.5", "Ensure clusters are created with Private Nodes"),
  tags: ["gke", "network"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.privateClusterConfig?.enablePrivateNodes !== true) {
      report("Nodes get public IP addresses: privateClusterConfig.enablePrivateNodes is not true.");
    }
  },
});
