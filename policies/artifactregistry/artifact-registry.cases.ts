/** Passing and violating examples of the Artifact Registry policies. */
import { LABELS } from "../fixtures/compliant-parts";
import { ARTIFACT_REGISTRY_REPOSITORY } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { artifactRegistryNoPublicAccess } from "./artifact-registry-no-public-access";
import { artifactRegistryVulnerabilityScanning } from "./artifact-registry-vulnerability-scanning";

const REPOSITORY = {
  location: "europe-west1",
  repositoryId: "platform",
  format: "DOCKER",
  vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
  labels: { ...LABELS },
};
const repository = (name: string, inputs: object = REPOSITORY, extra: { expect?: RegExp } = {}) => resource(name, { type: ARTIFACT_REGISTRY_REPOSITORY, inputs }, extra);

const MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const BINDING = "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding";
const POLICY = "gcp:artifactregistry/repositoryIamPolicy:RepositoryIamPolicy";
const ON_REPOSITORY = { location: "europe-west1", repository: "platform" };
const READER = "roles/artifactregistry.reader";

export const artifactRegistryCases: readonly PolicyCases[] = [
  {
    policy: artifactRegistryNoPublicAccess,
    passes: [
      resource("reader for the nodes' service account", { type: MEMBER, inputs: { ...ON_REPOSITORY, role: READER, member: "serviceAccount:nodes@p.iam.gserviceaccount.com" } }),
      resource("binding of service accounts", { type: BINDING, inputs: { ...ON_REPOSITORY, role: READER, members: ["serviceAccount:a@p.iam.gserviceaccount.com"] } }),
    ],
    violations: [
      resource("reader for allUsers", { type: MEMBER, inputs: { ...ON_REPOSITORY, role: READER, member: "allUsers" } }, { expect: /granted to allUsers: anyone can pull/ }),
      resource("binding with allAuthenticatedUsers", { type: BINDING, inputs: { ...ON_REPOSITORY, role: READER, members: ["serviceAccount:a@p.iam.gserviceaccount.com", "allAuthenticatedUsers"] } }, { expect: /allAuthenticatedUsers/ }),
      resource("policy document with allUsers", {
        type: POLICY,
        inputs: { ...ON_REPOSITORY, policyData: JSON.stringify({ bindings: [{ role: READER, members: ["allUsers"] }] }) },
      }, { expect: /roles\/artifactregistry\.reader on the repository is granted to allUsers/ }),
    ],
  },
  {
    policy: artifactRegistryVulnerabilityScanning,
    passes: [
      repository("scanning inherited from the project"),
      repository("scanning not set (inherited)", unset(REPOSITORY, "vulnerabilityScanningConfig")),
      repository("a Maven repository is not scanned as images", set(set(REPOSITORY, "format", "MAVEN"), "vulnerabilityScanningConfig", { enablementConfig: "DISABLED" })),
    ],
    violations: [repository("scanning disabled", set(REPOSITORY, "vulnerabilityScanningConfig", { enablementConfig: "DISABLED" }), { expect: /DISABLED: pushed images are never scanned/ })],
  },
];
