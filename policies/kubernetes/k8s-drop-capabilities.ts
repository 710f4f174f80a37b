/** Drop every Linux capability; add back only binding to low ports. */
import { list, text } from "../lib/values";
import { POD_TYPES } from "../lib/workloads";
import { polaris } from "../sources";
import { containerPolicy } from "./container-policy";

const ALLOWED_ADDITIONS = ["NET_BIND_SERVICE"];

export const k8sDropCapabilities = containerPolicy({
  name: "k8s-drop-capabilities",
  description: "Containers drop ALL capabilities and add none beyond NET_BIND_SERVICE.",
  severity: "medium",
  remediationSteps: 'Set securityContext.capabilities: { drop: ["ALL"] } (add NET_BIND_SERVICE only if the app binds a port below 1024).',
  framework: polaris("insecureCapabilities, dangerousCapabilities", "Container should not have insecure or dangerous capabilities"),
  tags: ["kubernetes", "security"],
  appliesTo: POD_TYPES,
  includeInit: true,
  check: (container) => {
    const capabilities = container.securityContext?.capabilities;
    const dropped = list(capabilities?.drop).map((name) => (text(name) ?? "").toUpperCase());
    const added = list(capabilities?.add).map((name) => (text(name) ?? "").toUpperCase()).filter((name) => !ALLOWED_ADDITIONS.includes(name));
    if (added.length > 0) return `adds capabilities ${added.join(", ")}`;
    return dropped.includes("ALL") ? undefined : 'keeps the default capabilities: securityContext.capabilities.drop does not include "ALL"';
  },
});
