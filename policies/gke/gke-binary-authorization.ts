/** Only images that satisfy the project's Binary Authorization policy may run. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeBinaryAuthorization = resourcePolicy<ClusterInputs>({
  name: "gke-binary-authorization",
  description: "GKE clusters enforce the project's Binary Authorization policy.",
  severity: "high",
  remediationSteps: 'Set binaryAuthorization.evaluationMode to "PROJECT_SINGLETON_POLICY_ENFORCE".',
  framework: cisGke("5.10.4", "Ensure use of Binary Authorization"),
  tags: ["gke", "supply-chain"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    const mode = cluster.binaryAuthorization?.evaluationMode;
    if (mode !== "PROJECT_SINGLETON_POLICY_ENFORCE") report(`Binary Authorization is not enforced: binaryAuthorization.evaluationMode is ${shownOr(mode, "not set")}.`);
  },
});
