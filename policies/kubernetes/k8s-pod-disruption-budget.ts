/**
 * A PodDisruptionBudget keeps node drains and upgrades from evicting every replica at once.
 * A stack policy: the budget is another resource, matched by namespace and pod labels.
 */
import type { PolicyResource } from "@pulumi/policy";
import { indexNamespaces } from "../lib/namespaces";
import { readPath, record } from "../lib/values";
import { REPLICATED_TYPES, podTemplateOf } from "../lib/workloads";
import { stackPolicy } from "../policy";
import { K8S_POD_DISRUPTION_BUDGET } from "../resource-types";
import { polaris } from "../sources";

export const k8sPodDisruptionBudget = stackPolicy({
  name: "k8s-pod-disruption-budget",
  description: "Every Deployment and StatefulSet has a PodDisruptionBudget selecting its pods.",
  severity: "medium",
  remediationSteps: "Add a policy/v1 PodDisruptionBudget in the same namespace, with maxUnavailable: 1 and a selector matching the pod template's labels.",
  framework: polaris("missingPodDisruptionBudget", "Should have a PodDisruptionBudget"),
  tags: ["kubernetes", "reliability"],
  validate: (args, report) => {
    const namespaces = indexNamespaces(args.resources);
    const budgets = args.resources.filter((resource) => resource.type === K8S_POD_DISRUPTION_BUDGET);
    for (const workload of args.resources.filter((resource) => REPLICATED_TYPES.includes(resource.type))) {
      const labels = templateLabels(workload);
      if (labels === undefined) continue;
      const covered = budgets.some((budget) => namespaces.mayShare(budget, workload) && selects(budget, labels));
      if (!covered) report(`${workload.name} has no PodDisruptionBudget selecting its pods.`, workload.urn);
    }
  },
});

/** The pod template's labels; undefined when any of them is unknown (nothing can be concluded). */
function templateLabels(workload: PolicyResource): Readonly<Record<string, unknown>> | undefined {
  const path = [...(podTemplateOf(workload.type, {})?.path.split(".").filter(Boolean) ?? []), "metadata", "labels"];
  const read = readPath(workload.props, path);
  if (!read.known) return undefined;
  const labels = record(read.value) ?? {};
  return Object.keys(labels).every((key) => readPath(labels, [key]).known) ? labels : undefined;
}

/** A budget selects the pods when its matchLabels are a subset of theirs (unknown selectors count). */
function selects(budget: PolicyResource, labels: Readonly<Record<string, unknown>>): boolean {
  const selector = readPath(budget.props, ["spec", "selector", "matchLabels"]);
  if (!selector.known) return true;
  const wanted = record(selector.value);
  if (!wanted || Object.keys(wanted).length === 0) return false;
  return Object.keys(wanted).every((key) => {
    const value = readPath(wanted, [key]);
    return !value.known || value.value === labels[key];
  });
}
