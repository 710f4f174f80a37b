/** Pods see the GKE metadata server (Workload Identity), never the node's own credentials. */
import { shown } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolMetadataServer = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-metadata-server",
  description: "GKE node pools expose the GKE metadata server to pods (the default with Workload Identity).",
  severity: "high",
  remediationSteps: 'Remove nodeConfig.workloadMetadataConfig or set its mode to "GKE_METADATA".',
  framework: cisGke("5.4.1", "Ensure the GKE Metadata Server is Enabled"),
  tags: ["gke", "identity"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    const mode = pool.nodeConfig?.workloadMetadataConfig?.mode;
    if (mode !== undefined && mode !== "GKE_METADATA") report(`Pods can read the node's metadata and credentials: workloadMetadataConfig.mode is ${shown(mode)}.`);
  },
});
