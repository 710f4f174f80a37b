/** Most services never call the Kubernetes API: they should not carry a token that can. */
import { POD_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { cisGke } from "../sources";

export const k8sServiceAccountToken = resourcePolicy({
  name: "k8s-service-account-token",
  description: "Pods decide explicitly whether to mount a service account token (false unless needed).",
  severity: "medium",
  remediationSteps: "Set automountServiceAccountToken: false in the pod spec; set it to true only for workloads that call the Kubernetes API.",
  framework: cisGke("4.1.5", "Ensure that Service Account Tokens are only mounted where necessary"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (template && typeof template.spec?.automountServiceAccountToken !== "boolean") {
      report(`${template.path ? `${template.path}.` : ""}spec.automountServiceAccountToken is not set: the pod gets an API token by default.`);
    }
  },
});
