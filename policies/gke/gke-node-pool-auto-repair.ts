/** Unhealthy nodes are recreated automatically. */
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolAutoRepair = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-auto-repair",
  description: "GKE node pools keep node auto-repair on.",
  severity: "medium",
  remediationSteps: "Remove management.autoRepair: false (the default is true).",
  framework: cisGke("5.5.2", "Ensure Node Auto-Repair is enabled for GKE nodes"),
  tags: ["gke", "nodes"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    if (pool.management?.autoRepair === false) report("Node auto-repair is off: management.autoRepair is false.");
  },
});
