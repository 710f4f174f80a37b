/** Public access prevention blocks allUsers/allAuthenticatedUsers grants however they are made. */
import type * as gcp from "@pulumi/gcp";
import { type InputsOf, shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { STORAGE_BUCKET } from "../resource-types";
import { cisGcp } from "../sources";

export const storagePublicAccessPrevention = resourcePolicy<InputsOf<gcp.storage.BucketArgs>>({
  name: "storage-public-access-prevention",
  description: 'Cloud Storage buckets enforce public access prevention (publicAccessPrevention: "enforced").',
  severity: "critical",
  remediationSteps: 'Set publicAccessPrevention: "enforced" on the bucket; serve public content through a load balancer with Cloud CDN instead of a public bucket.',
  framework: cisGcp("5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible"),
  tags: ["storage", "access"],
  appliesTo: [STORAGE_BUCKET],
  validate: (bucket, _args, report) => {
    if (bucket.publicAccessPrevention !== "enforced") {
      report(`publicAccessPrevention is ${shownOr(bucket.publicAccessPrevention, "not set (inherited)")}: the bucket can be made public.`);
    }
  },
});
