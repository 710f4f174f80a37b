/** Service Account User or Token Creator on the project lets the holder act as every service account. */
import { resourcePolicy } from "../policy";
import { cisGcp } from "../sources";
import { grantsOf, isHierarchyGrantType } from "./grants";

const IMPERSONATION_ROLES = ["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"];

export const iamNoProjectServiceAccountUser = resourcePolicy({
  name: "iam-no-project-service-account-user",
  description: "Service Account User and Token Creator are granted on single service accounts, never on the project, folder or organization.",
  severity: "high",
  remediationSteps: "Grant the role on the one service account to impersonate (gcp.serviceaccount.IAMMember) instead of the whole project.",
  framework: cisGcp("1.6", "Ensure That IAM Users Are Not Assigned the Service Account User or Service Account Token Creator Roles at Project Level"),
  tags: ["iam", "access"],
  appliesTo: isHierarchyGrantType,
  validate: (props, args, report) => {
    for (const grant of grantsOf(args.type, props)) {
      if (IMPERSONATION_ROLES.includes(grant.role ?? "")) report(`${grant.member} may impersonate every service account: ${grant.role} is granted at ${args.type.split("/")[0]!.slice(4)} level.`);
    }
  },
});
