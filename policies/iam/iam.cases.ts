/** Passing and violating examples of every IAM policy, across member, binding and policy types. */
import { SERVICE_ACCOUNT_KEY } from "../resource-types";
import { type PolicyCases, resource } from "../testing/examples";
import { iamNoPrimitiveRolesForServiceAccounts } from "./iam-no-primitive-roles-for-service-accounts";
import { iamNoProjectServiceAccountUser } from "./iam-no-project-service-account-user";
import { iamNoPublicMembers } from "./iam-no-public-members";
import { iamNoServiceAccountKeys } from "./iam-no-service-account-keys";

const PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember";
const PROJECT_BINDING = "gcp:projects/iAMBinding:IAMBinding";
const PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy";
const BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const KEY_BINDING = "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding";
const RUN_MEMBER = "gcp:cloudrun/iamMember:IamMember";
const SERVICE_ACCOUNT_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const REPOSITORY_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const REPOSITORY_BINDING = "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding";
const WORKLOAD = "serviceAccount:discovery@armature-dev-4821.iam.gserviceaccount.com";

const grant = (name: string, type: string, inputs: object) => resource(name, { type, inputs });
const projectGrant = (role: string, member: string) => ({ project: "armature-dev-4821", role, member });
const policyData = (role: string, members: string[]) => ({ project: "armature-dev-4821", policyData: JSON.stringify({ bindings: [{ role, members }] }) });

export const iamCases: readonly PolicyCases[] = [
  {
    policy: iamNoPublicMembers,
    passes: [
      grant("a bucket reader that is a service account", BUCKET_MEMBER, { bucket: "assets", role: "roles/storage.objectViewer", member: WORKLOAD }),
      grant("a member from another resource (unknown in a preview)", BUCKET_MEMBER, { bucket: "assets", role: "roles/storage.objectViewer", member: undefined }),
    ],
    violations: [
      grant("a public bucket", BUCKET_MEMBER, { bucket: "assets", role: "roles/storage.objectViewer", member: "allUsers" }),
      grant("a KMS key any Google account may use", KEY_BINDING, { cryptoKeyId: "k", role: "roles/cloudkms.cryptoKeyDecrypter", members: [WORKLOAD, "allAuthenticatedUsers"] }),
      grant("a public Cloud Run service (Iam spelling)", RUN_MEMBER, { service: "s", location: "europe-west1", role: "roles/run.invoker", member: "allUsers" }),
      grant("a project policy document", PROJECT_POLICY, policyData("roles/viewer", ["allUsers"])),
      // Artifact Registry repositories have no rule of their own: a public one is this rule's.
      grant("an image repository anyone may pull from", REPOSITORY_MEMBER, { location: "europe-west1", repository: "platform", role: "roles/artifactregistry.reader", member: "allUsers" }),
      grant("an image repository binding with allAuthenticatedUsers", REPOSITORY_BINDING, { location: "europe-west1", repository: "platform", role: "roles/artifactregistry.reader", members: [WORKLOAD, "allAuthenticatedUsers"] }),
    ],
  },
  {
    policy: iamNoPrimitiveRolesForServiceAccounts,
    passes: [
      grant("a predefined role", PROJECT_MEMBER, projectGrant("roles/cloudsql.client", WORKLOAD)),
      grant("Editor for a group (other rules govern people)", PROJECT_MEMBER, projectGrant("roles/editor", "group:platform@example.com")),
    ],
    violations: [
      grant("Editor for a service account", PROJECT_MEMBER, projectGrant("roles/editor", WORKLOAD)),
      grant("Owner in a binding", PROJECT_BINDING, { project: "armature-dev-4821", role: "roles/owner", members: ["group:admins@example.com", WORKLOAD] }),
      grant("Owner in a policy document", PROJECT_POLICY, policyData("roles/owner", [WORKLOAD])),
    ],
  },
  {
    policy: iamNoProjectServiceAccountUser,
    passes: [
      grant("on one service account", SERVICE_ACCOUNT_MEMBER, { serviceAccountId: "projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com", role: "roles/iam.serviceAccountUser", member: WORKLOAD }),
      grant("another project role", PROJECT_MEMBER, projectGrant("roles/logging.logWriter", WORKLOAD)),
    ],
    violations: [
      grant("Service Account User on the project", PROJECT_MEMBER, projectGrant("roles/iam.serviceAccountUser", WORKLOAD)),
      grant("Token Creator on the folder", "gcp:folder/iAMMember:IAMMember", { folder: "folders/1", role: "roles/iam.serviceAccountTokenCreator", member: "group:ops@example.com" }),
    ],
  },
  {
    policy: iamNoServiceAccountKeys,
    passes: [grant("a service account without a key", "gcp:serviceaccount/account:Account", { accountId: "discovery" })],
    violations: [grant("a key", SERVICE_ACCOUNT_KEY, { serviceAccountId: "projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com" })],
  },
];
