/** The control plane reachable only on its private address (or through the DNS endpoint). */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkePrivateEndpoint = resourcePolicy<ClusterInputs>({
  name: "gke-private-endpoint",
  description: "The GKE control plane has no public endpoint.",
  severity: "high",
  remediationSteps:
    "Set privateClusterConfig.enablePrivateEndpoint to true, or turn the IP endpoints off (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false) and use the DNS endpoint.",
  framework: cisGke("5.6.4", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled"),
  tags: ["gke", "network"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const privateEndpoint = cluster.privateClusterConfig?.enablePrivateEndpoint === true;
    const ipEndpointsOff = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig?.enabled === false;
    if (!privateEndpoint && !ipEndpointsOff) report("The control plane keeps a public endpoint: privateClusterConfig.enablePrivateEndpoint is not true.");
  },
});
