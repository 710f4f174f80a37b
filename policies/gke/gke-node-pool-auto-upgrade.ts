/** Nodes follow the control plane's version through the release channel. */
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolAutoUpgrade = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-auto-upgrade",
  description: "GKE node pools keep node auto-upgrade on.",
  severity: "medium",
  remediationSteps: "Remove management.autoUpgrade: false (the default is true).",
  framework: cisGke("5.5.3", "Ensure Node Auto-Upgrade is enabled for GKE nodes"),
  tags: ["gke", "nodes", "upgrades"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    if (pool.management?.autoUpgrade === false) report("Node auto-upgrade is off: management.autoUpgrade is false.");
  },
});
