/** Spot nodes disappear at short notice: only workloads that tolerate that may land on them. */
import { list, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { architecture } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

const REPELLING = ["NO_SCHEDULE", "NO_EXECUTE"];

export const gkeSpotPoolTainted = resourcePolicy<NodePoolInputs>({
  name: "gke-spot-pool-tainted",
  description: "Spot and preemptible node pools carry a NoSchedule taint.",
  severity: "medium",
  remediationSteps: 'Add nodeConfig.taints: [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }] and a matching toleration to the workloads meant for it.',
  framework: architecture("GKE", "spot capacity in separate, tainted pools"),
  tags: ["gke", "nodes", "cost"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    const config = pool.nodeConfig;
    if (config?.spot !== true && config?.preemptible !== true) return;
    const tainted = list(config.taints).some((taint) => REPELLING.includes(text(taint?.effect) ?? ""));
    if (!tainted) report("A spot pool without a NoSchedule taint: any workload may be scheduled on nodes that can vanish.");
  },
});
