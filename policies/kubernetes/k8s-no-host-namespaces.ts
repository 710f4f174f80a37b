/** Host network, PID and IPC namespaces, and host ports, break the pod's isolation from the node. */
import { list, record } from "../lib/values";
import { POD_TYPES, containersOf, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { polaris } from "../sources";

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const k8sNoHostNamespaces = resourcePolicy({
  name: "k8s-no-host-namespaces",
  description: "Pods do not share the node's network, PID or IPC namespace, and bind no host ports.",
  severity: "critical",
  remediationSteps: "Remove hostNetwork, hostPID and hostIPC, and ports[].hostPort; expose the pod through a Service instead.",
  framework: polaris("hostNetworkSet, hostPIDSet, hostIPCSet, hostPortSet", "Host network, PID, IPC and ports should not be configured"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (!template) return;
    for (const field of HOST_NAMESPACES) {
      if (template.spec?.[field] === true) report(`${template.path ? `${template.path}.` : ""}spec.${field} is true.`);
    }
    for (const { container, where } of containersOf(template, { includeInit: true })) {
      if (list(container.ports).some((port) => record(port)?.["hostPort"] !== undefined)) report(`${where}: binds a hostPort.`);
    }
  },
});
