/** A node pool cannot opt its nodes out of the cluster's private-node setting. */
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolPrivateNodes = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-private-nodes",
  description: "GKE node pools do not give their nodes public IP addresses.",
  severity: "critical",
  remediationSteps: "Remove networkConfig.enablePrivateNodes: false so the pool inherits the cluster's private nodes.",
  framework: cisGke("5.6.5", "Ensure clusters are created with Private Nodes"),
  tags: ["gke", "network"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    if (pool.networkConfig?.enablePrivateNodes === false) report("The pool's nodes get public IP addresses: networkConfig.enablePrivateNodes is false.");
  },
});
