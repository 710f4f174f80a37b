/** Container-Optimized OS: a minimal, hardened, automatically patched node image. */
import { shown, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_NODE_POOL } from "../resource-types";
import { cisGke } from "../sources";
import type { NodePoolInputs } from "./node-pool-inputs";

export const gkeNodePoolCosImage = resourcePolicy<NodePoolInputs>({
  name: "gke-node-pool-cos-image",
  description: "GKE node pools run Container-Optimized OS with containerd.",
  severity: "low",
  remediationSteps: 'Remove nodeConfig.imageType or set it to "COS_CONTAINERD".',
  framework: cisGke("5.5.1", "Ensure Container-Optimized OS (cos_containerd) is used for GKE node images"),
  tags: ["gke", "nodes"],
  appliesTo: [GKE_NODE_POOL],
  validate: (pool, _args, report) => {
    const image = pool.nodeConfig?.imageType;
    if (image !== undefined && !/^cos_containerd$/i.test(text(image) ?? "")) report(`Nodes do not run Container-Optimized OS: nodeConfig.imageType is ${shown(image)}.`);
  },
});
