/** Legacy ABAC grants broad static permissions that bypass RBAC. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeLegacyAbacDisabled = resourcePolicy<ClusterInputs>({
  name: "gke-legacy-abac-disabled",
  description: "GKE clusters do not enable legacy attribute-based access control.",
  severity: "high",
  remediationSteps: "Remove enableLegacyAbac: true and grant access with Kubernetes RBAC.",
  framework: cisGke("5.8.3", "Ensure Legacy Authorization (ABAC) is Disabled"),
  tags: ["gke", "access"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.enableLegacyAbac === true) report("Legacy ABAC is on: enableLegacyAbac is true.");
  },
});
