/** A public Artifact Registry repository lets anyone pull the platform's images (and read what is in them). */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { ARTIFACT_REGISTRY_IAM_TYPES } from "../resource-types";
import { googleCloudDocs } from "../sources";
import { grantsOf } from "../iam/grants";

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

export const artifactRegistryNoPublicAccess = resourcePolicy({
  name: "artifact-registry-no-public-access",
  description: "No Artifact Registry repository grants any role to allUsers or allAuthenticatedUsers.",
  severity: "critical",
  remediationSteps: "Grant roles/artifactregistry.reader on the repository to the service accounts that pull (the GKE nodes'), never to allUsers/allAuthenticatedUsers.",
  framework: googleCloudDocs("artifact-registry/docs/access-control", "Artifact Registry: configure roles and permissions (a repository readable by allUsers is public)"),
  tags: ["artifact-registry", "access"],
  appliesTo: [...ARTIFACT_REGISTRY_IAM_TYPES],
  validate: (props, args, report) => {
    for (const grant of grantsOf(args.type, props)) {
      if (PUBLIC_MEMBERS.includes(grant.member)) report(`${shownOr(grant.role, "A role")} on the repository is granted to ${grant.member}: anyone can pull its images.`);
    }
  },
});
