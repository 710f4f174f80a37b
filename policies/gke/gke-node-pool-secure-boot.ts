/** Shielded nodes boot only signed components and report their integrity. */
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolSecureBoot = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-secure-boot",
  description: "GKE node pools enable Secure Boot and keep integrity monitoring on.",
  severity: "medium",
  remediationSteps: "Set nodeConfig.shieldedInstanceConfig.enableSecureBoot to true and leave enableIntegrityMonitoring unset or true.",
  framework: cisGke("5.5.7", "Ensure Secure Boot for Shielded GKE Nodes is Enabled (and 5.5.6, Ensure Integrity Monitoring for Shielded GKE Nodes is Enabled)"),
  tags: ["gke", "nodes"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    const shielded = pool.nodeConfig?.shieldedInstanceConfig;
    if (shielded?.enableSecureBoot !== true) report("Secure Boot is off: nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true.");
    if (shielded?.enableIntegrityMonitoring === false) report("Integrity monitoring is off: nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false.");
  },
});
