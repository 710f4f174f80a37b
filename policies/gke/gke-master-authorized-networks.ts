/** Only internal networks (the VPC, a VPN, CI runners) may reach the control plane. */
import { isPrivate } from "../lib/ip-ranges";
import { list, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeMasterAuthorizedNetworks = resourcePolicy<ClusterInputs>({
  name: "gke-master-authorized-networks",
  description: "GKE control-plane authorized networks are on and list private ranges only.",
  severity: "high",
  remediationSteps:
    "Set masterAuthorizedNetworksConfig with cidrBlocks in private ranges only (VPN, CI), and leave gcpPublicCidrsAccessEnabled unset or false.",
  framework: cisGke("5.6.3", "Ensure Control Plane Authorized Networks is Enabled"),
  tags: ["gke", "network"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const config = cluster.masterAuthorizedNetworksConfig;
    if (!config) {
      report("Control-plane authorized networks are off: masterAuthorizedNetworksConfig is not set.");
      return;
    }
    if (config.gcpPublicCidrsAccessEnabled === true) report("Any Google Cloud public IP may reach the control plane: gcpPublicCidrsAccessEnabled is true.");
    for (const block of list(config.cidrBlocks)) {
      const cidr = text(block?.cidrBlock);
      if (cidr !== undefined && !isPrivate(cidr)) report(`Authorized network ${cidr} is not a private range.`);
    }
  },
});
