/** A custom SELinux user, role or type can lift the container out of its SELinux confinement. */
import { securityContextsOfResource } from "../lib/security-contexts";
import { record, shown } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

const ALLOWED_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

export const k8sSelinuxOptions = resourcePolicy({
  name: "k8s-selinux-options",
  description: "Pods set no custom SELinux user or role, and only the container_t family of SELinux types.",
  severity: "high",
  remediationSteps: "Remove seLinuxOptions.user and seLinuxOptions.role; leave seLinuxOptions.type unset or use container_t, container_init_t, container_kvm_t or container_engine_t.",
  framework: pss("baseline", "SELinux", "Setting the SELinux type is restricted, and setting a custom SELinux user or role option is forbidden"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    for (const { where, context } of securityContextsOfResource(args.type, props)) {
      const options = record(context?.["seLinuxOptions"]);
      if (!options) continue;
      if (options["type"] !== undefined && !ALLOWED_TYPES.includes(options["type"] as string)) report(`${where}.seLinuxOptions.type is ${shown(options["type"])}, not a container_t type.`);
      for (const field of ["user", "role"]) {
        if (options[field] !== undefined && options[field] !== "") report(`${where}.seLinuxOptions.${field} is set (${shown(options[field])}).`);
      }
    }
  },
});
