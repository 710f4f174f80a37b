/** Nodes run as a dedicated least-privilege service account, never the Compute Engine default. */
import { readKnown, record, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolServiceAccount = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-service-account",
  description: "GKE node pools run as a dedicated service account, not the Compute Engine default one.",
  severity: "high",
  remediationSteps:
    "Create a node service account with only roles/logging.logWriter, roles/monitoring.metricWriter, roles/monitoring.viewer and roles/artifactregistry.reader, and set nodeConfig.serviceAccount to its email.",
  framework: cisGke("5.2.1", "Ensure GKE clusters are not running using the Compute Engine default service account"),
  tags: ["gke", "identity"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    // The email is usually another resource's output: unknown during a preview, and never the default.
    const read = readKnown(record(pool.nodeConfig), "serviceAccount");
    if (!read.known) return;
    const account = text(read.value);
    if (!account || account === "default") report("Nodes run as the Compute Engine default service account: nodeConfig.serviceAccount is not set.");
    else if (account.endsWith("-compute@developer.gserviceaccount.com")) report(`Nodes run as the Compute Engine default service account ${account}.`);
  },
});
