/** Pods act as GCP service accounts through Workload Identity, never through node credentials. */
import { text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeWorkloadIdentity = resourcePolicy<ClusterInputs>({
  name: "gke-workload-identity",
  description: "GKE clusters enable Workload Identity.",
  severity: "high",
  remediationSteps: 'Set workloadIdentityConfig.workloadPool to "<project>.svc.id.goog".',
  framework: cisGke("5.2.2", "Prefer using dedicated GCP Service Accounts and Workload Identity"),
  tags: ["gke", "identity"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (!text(cluster.workloadIdentityConfig?.workloadPool)) report("Workload Identity is off: workloadIdentityConfig.workloadPool is not set.");
  },
});
