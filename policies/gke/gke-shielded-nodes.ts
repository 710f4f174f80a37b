/** Shielded GKE nodes: verifiable node identity and integrity. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeShieldedNodes = resourcePolicy<ClusterInputs>({
  name: "gke-shielded-nodes",
  description: "GKE clusters keep Shielded GKE Nodes enabled.",
  severity: "medium",
  remediationSteps: "Remove enableShieldedNodes: false (the default is true).",
  framework: cisGke("5.5.5", "Ensure Shielded GKE Nodes are Enabled"),
  tags: ["gke", "nodes"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.enableShieldedNodes === false) report("Shielded GKE Nodes are turned off: enableShieldedNodes is false.");
  },
});
