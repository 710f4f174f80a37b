/** Dataplane V2 enforces NetworkPolicy (tenant isolation depends on it) and logs policy actions. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeDataplaneV2 = resourcePolicy<ClusterInputs>({
  name: "gke-dataplane-v2",
  description: "GKE clusters use Dataplane V2, which enforces Kubernetes NetworkPolicy.",
  severity: "medium",
  remediationSteps: 'Set datapathProvider to "ADVANCED_DATAPATH".',
  framework: cisGke("4.3.1", "Ensure that the CNI in use supports Network Policies"),
  tags: ["gke", "network"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.datapathProvider !== "ADVANCED_DATAPATH") {
      report(`NetworkPolicy is not enforced by Dataplane V2: datapathProvider is ${shownOr(cluster.datapathProvider, "not set")}.`);
    }
  },
});
