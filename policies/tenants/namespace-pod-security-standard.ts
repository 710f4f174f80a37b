/** Pod Security admission rejects pods that break the namespace's Pod Security Standard. */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { type InputsOf, record, shownOr, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_NAMESPACE } from "../resource-types";
import { cisGke } from "../sources";

const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
const STANDARDS = ["baseline", "restricted"];

export const namespacePodSecurityStandard = resourcePolicy<InputsOf<k8s.core.v1.Namespace>>({
  name: "namespace-pod-security-standard",
  description: "Every namespace enforces the baseline or restricted Pod Security Standard.",
  severity: "medium",
  remediationSteps: `Label the namespace ${ENFORCE_LABEL}: restricted (tenants) or baseline.`,
  framework: cisGke("4.2.1", "Ensure that the cluster enforces Pod Security Standard Baseline profile or stricter for all namespaces"),
  tags: ["tenants", "kubernetes", "security"],
  appliesTo: [K8S_NAMESPACE],
  validate: (namespace, _args, report) => {
    const level = text(record(namespace.metadata?.labels)?.[ENFORCE_LABEL]);
    if (!STANDARDS.includes(level ?? "")) report(`The namespace enforces no Pod Security Standard: label ${ENFORCE_LABEL} is ${shownOr(level, "not set")}.`);
  },
});
