/** Client certificates cannot be revoked: users authenticate with Google identities instead. */
import { resourcePolicy } from "../policy";
import { GKE_CLUSTER } from "../resource-types";
import { cisGke } from "../sources";
import type { ClusterInputs } from "./cluster-inputs";

export const gkeClientCertificateDisabled = resourcePolicy<ClusterInputs>({
  name: "gke-client-certificate-disabled",
  description: "GKE clusters do not issue client certificates.",
  severity: "high",
  remediationSteps: "Remove masterAuth.clientCertificateConfig.issueClientCertificate: true.",
  framework: cisGke("5.8.1", "Ensure authentication using Client Certificates is Disabled"),
  tags: ["gke", "access"],
  appliesTo: [GKE_CLUSTER],
  validate: (cluster, _args, report) => {
    if (cluster.masterAuth?.clientCertificateConfig?.issueClientCertificate === true) {
      report("The cluster issues a client certificate: masterAuth.clientCertificateConfig.issueClientCertificate is true.");
    }
  },
});
