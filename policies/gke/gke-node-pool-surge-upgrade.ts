/** Upgrades add a node before draining one, so capacity never drops during an upgrade. */
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolSurgeUpgrade = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-surge-upgrade",
  description: "GKE node pools upgrade by surge with zero unavailable nodes (or blue-green).",
  severity: "low",
  remediationSteps: "Set upgradeSettings.maxUnavailable to 0 and maxSurge to 1 or more, or use the BLUE_GREEN strategy.",
  framework: googleCloudDocs("kubernetes-engine/docs/concepts/node-pool-upgrade-strategies", "GKE: node upgrade strategies (surge, zero unavailable)"),
  tags: ["gke", "upgrades"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    const settings = pool.upgradeSettings;
    if (settings?.strategy === "BLUE_GREEN") return;
    const unavailable = settings?.maxUnavailable;
    if (typeof unavailable === "number" && unavailable > 0) report(`Upgrades take ${unavailable} node(s) away at once: upgradeSettings.maxUnavailable is ${unavailable}.`);
    if (settings?.maxSurge === 0) report("Upgrades cannot add a node first: upgradeSettings.maxSurge is 0.");
  },
});
