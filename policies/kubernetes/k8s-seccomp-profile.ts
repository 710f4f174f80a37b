/**
 * Seccomp filters the system calls a container may make. PSS restricted requires RuntimeDefault or
 * Localhost, set on the pod or on every container; baseline forbids Unconfined. (CIS GKE 4.6.2.)
 */
import { podSpecPath, securityContextsOf } from "../lib/security-contexts";
import { record, shown } from "../lib/values";
import { POD_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

const ALLOWED = ["RuntimeDefault", "Localhost"];

export const k8sSeccompProfile = resourcePolicy({
  name: "k8s-seccomp-profile",
  description: "Pods run with the RuntimeDefault (or a Localhost) seccomp profile, on the pod or on every container, and never Unconfined.",
  severity: "high",
  remediationSteps: 'Set securityContext.seccompProfile: { type: "RuntimeDefault" } in the pod spec (or on every container); remove any Unconfined profile.',
  framework: pss("restricted", "Seccomp", "Seccomp profile must be explicitly set to one of the allowed values (RuntimeDefault, Localhost); Unconfined is forbidden"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (!template) return;
    const [pod, ...containers] = securityContextsOf(template);
    const typeOf = (context: Readonly<Record<string, unknown>> | undefined) => record(context?.["seccompProfile"])?.["type"];
    const podType = typeOf(pod?.context);
    if (podType !== undefined && !ALLOWED.includes(podType as string)) report(`${pod!.where}.seccompProfile.type is ${shown(podType)}: use RuntimeDefault or Localhost.`);
    for (const { where, context } of containers) {
      const type = typeOf(context);
      if (type !== undefined && !ALLOWED.includes(type as string)) report(`${where}.seccompProfile.type is ${shown(type)}: use RuntimeDefault or Localhost.`);
      // A container without its own profile inherits the pod's (reported above when it is wrong).
      else if (type === undefined && podType === undefined) report(`${where}: no seccomp profile, neither on the container nor in ${podSpecPath(template)}.securityContext.`);
    }
  },
});
