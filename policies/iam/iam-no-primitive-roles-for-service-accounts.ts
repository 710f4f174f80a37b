/** Owner and Editor give a workload identity nearly every permission in the project. */
import { resourcePolicy } from "../policy";
import { cisGcp } from "../sources";
import { grantsOf, isIamGrantType } from "./grants";

const PRIMITIVE_ROLES = ["roles/owner", "roles/editor"];

export const iamNoPrimitiveRolesForServiceAccounts = resourcePolicy({
  name: "iam-no-primitive-roles-for-service-accounts",
  description: "Service accounts are never granted the primitive Owner or Editor roles.",
  severity: "critical",
  remediationSteps: "Grant the service account the predefined roles it needs (for example roles/cloudsql.client) instead of roles/owner or roles/editor.",
  framework: cisGcp("1.5", "Ensure That Service Account Has No Admin Privileges"),
  tags: ["iam", "access"],
  appliesTo: isIamGrantType,
  validate: (props, args, report) => {
    for (const grant of grantsOf(args.type, props)) {
      if (grant.member.startsWith("serviceAccount:") && PRIMITIVE_ROLES.includes(grant.role ?? "")) {
        report(`${grant.member} is granted the primitive role ${grant.role}.`);
      }
    }
  },
});
