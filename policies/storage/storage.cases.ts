/** Passing and violating examples of the Cloud Storage policies. */
import { LABELS } from "../fixtures/compliant-parts";
import { STORAGE_BUCKET } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { storagePublicAccessPrevention } from "./storage-public-access-prevention";
import { storageUniformBucketLevelAccess } from "./storage-uniform-bucket-level-access";

const BUCKET = { location: "EU", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", labels: { ...LABELS } };
const bucket = (name: string, inputs: object = BUCKET, extra: { expect?: RegExp } = {}) => resource(name, { type: STORAGE_BUCKET, inputs }, extra);

export const storageCases: readonly PolicyCases[] = [
  {
    policy: storageUniformBucketLevelAccess,
    passes: [bucket("uniform access on")],
    violations: [bucket("uniform access off", set(BUCKET, "uniformBucketLevelAccess", false)), bucket("uniform access not set (off)", unset(BUCKET, "uniformBucketLevelAccess"), { expect: /object ACLs/ })],
  },
  {
    policy: storagePublicAccessPrevention,
    passes: [bucket("public access prevention enforced")],
    violations: [
      bucket("public access prevention inherited", set(BUCKET, "publicAccessPrevention", "inherited"), { expect: /is inherited/ }),
      bucket("public access prevention not set", unset(BUCKET, "publicAccessPrevention"), { expect: /not set \(inherited\)/ }),
    ],
  },
];
