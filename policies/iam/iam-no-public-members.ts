/** allUsers and allAuthenticatedUsers make a resource readable (or worse) by the whole internet. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { cisGcp } from "../sources";
import { grantsOf, isIamGrantType } from "./grants";

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

export const iamNoPublicMembers = resourcePolicy({
  name: "iam-no-public-members",
  description: "IAM grants never name allUsers or allAuthenticatedUsers.",
  severity: "critical",
  remediationSteps: "Grant the role to specific service accounts or groups instead of allUsers/allAuthenticatedUsers.",
  framework: cisGcp("1.9", "Ensure That Cloud KMS Cryptokeys Are Not Anonymously or Publicly Accessible (and 5.1, Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible)"),
  tags: ["iam", "access"],
  appliesTo: isIamGrantType,
  validate: (props, args, report) => {
    for (const grant of grantsOf(args.type, props)) {
      if (PUBLIC_MEMBERS.includes(grant.member)) report(`${shownOr(grant.role, "A role")} is granted to ${grant.member}: anyone on the internet holds it.`);
    }
  },
});
