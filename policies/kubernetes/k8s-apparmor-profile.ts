/** AppArmor confines a container's file and capability use; PSS baseline forbids turning it off. */
import { securityContextsOf } from "../lib/security-contexts";
import { record, shown, stringMap } from "../lib/values";
import { POD_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

const ALLOWED_TYPES = ["RuntimeDefault", "Localhost"];
/** The annotation form, still honoured by the kubelet before Kubernetes 1.30's securityContext field. */
const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

export const k8sApparmorProfile = resourcePolicy({
  name: "k8s-apparmor-profile",
  description: "Pods never override the default AppArmor profile with Unconfined (securityContext.appArmorProfile or the AppArmor annotations).",
  severity: "high",
  remediationSteps: 'Remove the Unconfined AppArmor profile: leave appArmorProfile unset or use { type: "RuntimeDefault" } (or Localhost), and annotation values runtime/default or localhost/<profile>.',
  framework: pss("baseline", "AppArmor", "On supported hosts, the RuntimeDefault AppArmor profile is applied by default; the baseline policy prevents overriding or disabling it"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (!template) return;
    for (const { where, context } of securityContextsOf(template)) {
      const type = record(context?.["appArmorProfile"])?.["type"];
      if (type !== undefined && !ALLOWED_TYPES.includes(type as string)) report(`${where}.appArmorProfile.type is ${shown(type)}: use RuntimeDefault or Localhost.`);
    }
    const annotations = stringMap(template.metadata?.annotations);
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(ANNOTATION_PREFIX) && value !== "runtime/default" && !value.startsWith("localhost/")) {
        report(`${template.path ? `${template.path}.` : ""}metadata.annotations["${key}"] is ${value}: use runtime/default or localhost/<profile>.`);
      }
    }
  },
});
