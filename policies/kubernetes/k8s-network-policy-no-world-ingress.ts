/**
 * Tenant namespaces deny ingress by default; an allow rule with an ipBlock of 0.0.0.0/0 or ::/0
 * reopens them to every address, including the internet behind any load balancer.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { isWorld } from "../lib/ip-ranges";
import { type InputsOf, configuredStrings, list, record, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_NETWORK_POLICY } from "../resource-types";
import { kubernetesDocs } from "../sources";

export const k8sNetworkPolicyNoWorldIngress = resourcePolicy<InputsOf<k8s.networking.v1.NetworkPolicy>>({
  name: "k8s-network-policy-no-world-ingress",
  description: "No NetworkPolicy outside the gateway namespaces admits ingress from 0.0.0.0/0 or ::/0.",
  severity: "critical",
  remediationSteps: "Admit ingress from the gateway namespace (namespaceSelector) or from named private ranges, never from ipBlock 0.0.0.0/0 or ::/0.",
  framework: kubernetesDocs("concepts/services-networking/network-policies/", "ipBlock admits the CIDR ranges named; 0.0.0.0/0 admits every address"),
  tags: ["kubernetes", "network", "tenants"],
  configSchema: { properties: { gatewayNamespaces: { type: "array", items: { type: "string" }, default: ["gateway"] } } },
  appliesTo: [K8S_NETWORK_POLICY],
  validate: (networkPolicy, args, report) => {
    const open = list(networkPolicy.spec?.ingress).flatMap((rule, ruleIndex) =>
      list(record(rule)?.["from"]).flatMap((peer, peerIndex) => {
        const cidr = text(record(record(peer)?.["ipBlock"])?.["cidr"]);
        return cidr !== undefined && isWorld(cidr) ? [`spec.ingress[${ruleIndex}].from[${peerIndex}].ipBlock.cidr is ${cidr}`] : [];
      }),
    );
    if (open.length === 0) return;
    const namespace = text(networkPolicy.metadata?.namespace) ?? "default";
    if (configuredStrings(args.getConfig(), "gatewayNamespaces").includes(namespace)) return;
    report(`${open.join("; ")}: namespace ${namespace} admits ingress from every address.`);
  },
});
