/** A release channel keeps control plane and nodes on supported, patched versions. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

const CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];

export const gkeReleaseChannel = resourcePolicy<ClusterInputs>({
  name: "gke-release-channel",
  description: "GKE clusters are enrolled in a release channel (REGULAR by default).",
  severity: "medium",
  remediationSteps: 'Set releaseChannel.channel to "REGULAR" (or RAPID, STABLE, EXTENDED).',
  framework: cisGke("5.5.4", "When creating New Clusters - Automate GKE version management using Release Channels"),
  tags: ["gke", "upgrades"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const channel = cluster.releaseChannel?.channel;
    if (!CHANNELS.includes(channel ?? "")) report(`The cluster is not on a release channel (releaseChannel.channel is ${shownOr(channel, "not set")}).`);
  },
});
