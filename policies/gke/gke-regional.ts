/** A regional cluster keeps its control plane and nodes in three zones. */
import { shownOr, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

/** Regions are "europe-west1"; zones add a suffix, "europe-west1-b". */
const REGION = /^[a-z]+-[a-z]+\d+$/;

export const gkeRegional = resourcePolicy<ClusterInputs>({
  name: "gke-regional",
  description: "GKE clusters are regional, not zonal.",
  severity: "medium",
  remediationSteps: 'Set location to a region such as "europe-west1", not a zone.',
  framework: googleCloudDocs("kubernetes-engine/docs/concepts/regional-clusters", "GKE: regional clusters"),
  tags: ["gke", "resilience"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const location = text(cluster.location);
    if (!location || !REGION.test(location)) report(`The cluster is not regional: location is ${shownOr(location, "not set")}.`);
  },
});
