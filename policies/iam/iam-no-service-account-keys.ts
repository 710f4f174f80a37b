/** Downloaded keys are long-lived credentials; Workload Identity needs none. */
import { resourcePolicy } from "../policy";
import { SERVICE_ACCOUNT_KEY } from "../resource-types";
import { cisGcp } from "../sources";

export const iamNoServiceAccountKeys = resourcePolicy({
  name: "iam-no-service-account-keys",
  description: "No user-managed service account keys are created.",
  severity: "high",
  remediationSteps: "Delete the gcp.serviceaccount.Key and let the workload use Workload Identity (GKE) or impersonation.",
  framework: cisGcp("1.4", "Ensure That There Are Only GCP-Managed Service Account Keys for Each Service Account"),
  tags: ["iam", "identity"],
  appliesTo: [SERVICE_ACCOUNT_KEY],
  validate: (_props, _args, report) => {
    report("A user-managed service account key is created: it is a long-lived credential that can leak.");
  },
});
