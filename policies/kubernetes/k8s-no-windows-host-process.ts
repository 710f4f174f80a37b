/** A Windows HostProcess container runs directly on the node with the node's privileges. */
import { securityContextsOfResource } from "../lib/security-contexts";
import { record } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

export const k8sNoWindowsHostProcess = resourcePolicy({
  name: "k8s-no-windows-host-process",
  description: "Pods run no Windows HostProcess containers.",
  severity: "critical",
  remediationSteps: "Remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and every container.",
  framework: pss("baseline", "HostProcess", "Windows Pods offer the ability to run HostProcess containers which enables privileged access to the Windows host machine"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    for (const { where, context } of securityContextsOfResource(args.type, props)) {
      if (record(context?.["windowsOptions"])?.["hostProcess"] === true) report(`${where}.windowsOptions.hostProcess is true.`);
    }
  },
});
