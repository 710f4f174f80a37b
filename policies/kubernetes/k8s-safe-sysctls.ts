/** Unsafe sysctls change kernel settings shared with every other pod on the node. */
import { podSpecPath } from "../lib/security-contexts";
import { list, record, shown } from "../lib/values";
import { POD_TYPES, podTemplateOf } from "../lib/workloads";
import { resourcePolicy } from "../policy";
import { pss } from "../sources";

/** The namespaced, safe sysctls PSS baseline allows (Kubernetes 1.29+). */
const SAFE = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

export const k8sSafeSysctls = resourcePolicy({
  name: "k8s-safe-sysctls",
  description: "Pods set only the safe, namespaced sysctls that PSS baseline allows.",
  severity: "high",
  remediationSteps: `Remove securityContext.sysctls entries other than ${SAFE.join(", ")}; tune node-wide settings through the node pool's linuxNodeConfig instead.`,
  framework: pss("baseline", "Sysctls", "Sysctls can disable security mechanisms or affect all containers on a host, and should be disallowed except for an allowed 'safe' subset"),
  tags: ["kubernetes", "security", "pod-security-standards"],
  appliesTo: POD_TYPES,
  validate: (props, args, report) => {
    const template = podTemplateOf(args.type, props);
    if (!template) return;
    list(record(template.spec?.securityContext)?.["sysctls"]).forEach((item, index) => {
      const name = record(item)?.["name"];
      if (!SAFE.includes(name as string)) report(`${podSpecPath(template)}.securityContext.sysctls[${index}] sets ${shown(name)}, which is not a safe sysctl.`);
    });
  },
});
