/** team, tenant and environment on every Kubernetes object the program creates. */
import { missingLabels, requiredLabelsSchema } from "../lib/labels";
import { record, stringMap, unknownKeys } from "../lib/values";
import { resourcePolicy } from "../policy";
import { armatureConvention } from "../sources";

/** Objects with metadata; not charts, manifests, patches of objects owned elsewhere, or lists. */
export function isLabelledKubernetesType(type: string): boolean {
  return (
    type.startsWith("kubernetes:") &&
    !/^kubernetes:(helm\.sh|yaml|kustomize)\//.test(type) &&
    !/(Patch|List)$/.test(type)
  );
}

export const labelsK8sRequired = resourcePolicy({
  name: "labels-k8s-required",
  description: "Every Kubernetes object carries the team, tenant and environment labels.",
  severity: "low",
  remediationSteps: "Add team, tenant and environment to metadata.labels (the component's common labels).",
  framework: armatureConvention("required-labels", "team, tenant, environment on every labelable resource"),
  tags: ["labels", "kubernetes"],
  configSchema: requiredLabelsSchema,
  appliesTo: isLabelledKubernetesType,
  validate: (props, args, report) => {
    const labels = record(record(props["metadata"])?.["labels"]);
    const missing = missingLabels(stringMap(labels), args.getConfig(), unknownKeys(labels));
    if (missing.length > 0) report(`Missing label(s) ${missing.join(", ")} in metadata.labels.`);
  },
});
