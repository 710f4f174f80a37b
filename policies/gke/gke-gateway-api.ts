/** Ingress goes through Gateway API (blue/green routes are HTTPRoutes). */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeGatewayApi = resourcePolicy<ClusterInputs>({
  name: "gke-gateway-api",
  description: "GKE clusters enable the Gateway API on the standard channel.",
  severity: "low",
  remediationSteps: 'Set gatewayApiConfig.channel to "CHANNEL_STANDARD".',
  framework: googleCloudDocs("kubernetes-engine/docs/concepts/gateway-api", "GKE: Gateway API"),
  tags: ["gke", "ingress"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const channel = cluster.gatewayApiConfig?.channel;
    if (channel !== "CHANNEL_STANDARD") report(`The Gateway API is not on: gatewayApiConfig.channel is ${shownOr(channel, "not set")}.`);
  },
});
