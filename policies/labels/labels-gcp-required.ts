/**
 * team, tenant and environment on every GCP resource that takes labels. Provider default labels
 * count: the Google provider merges `defaultLabels` into each resource's effective labels, which is
 * how the Armature program labels everything (stacks/labels.ts). Cloud SQL's userLabels get no
 * provider defaults, so they must carry the labels themselves.
 */
import { effectiveGcpLabels, isLabelledGcpType } from "../lib/gcp-labels";
import { missingLabels, requiredLabelsSchema } from "../lib/labels";
import { resourcePolicy } from "../policy";
import { armatureConvention } from "../sources";

export const labelsGcpRequired = resourcePolicy({
  name: "labels-gcp-required",
  description: "Every labelable GCP resource carries the team, tenant and environment labels (its own or the provider's defaultLabels).",
  severity: "medium",
  remediationSteps: "Set the labels on the gcp.Provider's defaultLabels (platformLabels() in stacks/labels.ts) or on the resource itself.",
  framework: armatureConvention("required-labels", "team, tenant, environment on every labelable resource"),
  tags: ["labels", "cost"],
  configSchema: requiredLabelsSchema,
  appliesTo: isLabelledGcpType,
  validate: (props, args, report) => {
    const { labels, unknown, input } = effectiveGcpLabels(args.type, props, args.provider);
    const missing = missingLabels(labels, args.getConfig(), unknown);
    if (missing.length > 0) report(`Missing label(s) ${missing.join(", ")}: set them in ${input} or the provider's defaultLabels.`);
  },
});
