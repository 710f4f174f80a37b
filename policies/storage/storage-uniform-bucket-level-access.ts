/** Per-object ACLs are a second, hard-to-audit access system next to IAM; uniform access turns them off. */
import type * as gcp from "@pulumi/gcp";
import type { InputsOf } from "../lib/values";
import { resourcePolicy } from "../policy";
import { STORAGE_BUCKET } from "../resource-types";
import { cisGcp } from "../sources";

export const storageUniformBucketLevelAccess = resourcePolicy<InputsOf<gcp.storage.BucketArgs>>({
  name: "storage-uniform-bucket-level-access",
  description: "Cloud Storage buckets enable uniform bucket-level access (IAM only, no object ACLs).",
  severity: "high",
  remediationSteps: "Set uniformBucketLevelAccess: true on the bucket and grant access with bucket IAM members.",
  framework: cisGcp("5.2", "Ensure That Cloud Storage Buckets Have Uniform Bucket-Level Access Enabled"),
  tags: ["storage", "access"],
  appliesTo: [STORAGE_BUCKET],
  validate: (bucket, _args, report) => {
    if (bucket.uniformBucketLevelAccess !== true) report("uniformBucketLevelAccess is not true: object ACLs can grant access that IAM does not show.");
  },
});
