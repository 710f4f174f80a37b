/** A cluster cannot be destroyed by one `pulumi up` or `destroy`. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { pulumiDocs } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeDeletionProtection = resourcePolicy<ClusterInputs>({
  name: "gke-deletion-protection",
  description: "GKE clusters keep deletion protection on.",
  severity: "medium",
  remediationSteps: "Remove deletionProtection: false (the provider default is true); armature:deletionProtection must be true in prod.",
  framework: pulumiDocs("registry/packages/gcp/api-docs/container/cluster/", "gcp.container.Cluster: deletionProtection"),
  tags: ["gke", "resilience"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.deletionProtection === false) report("The cluster can be deleted: deletionProtection is false.");
  },
});
