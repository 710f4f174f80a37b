/** Traffic enters through the Gateway; a LoadBalancer Service elsewhere is a side door. */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { type InputsOf, configuredStrings, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_SERVICE } from "../resource-types";
import { kubernetesDocs } from "../sources";

export const k8sNoLoadBalancerService = resourcePolicy<InputsOf<k8s.core.v1.Service>>({
  name: "k8s-no-load-balancer-service",
  description: "No Service of type LoadBalancer outside the gateway namespaces.",
  severity: "high",
  remediationSteps: "Use a ClusterIP Service behind a Gateway API HTTPRoute; if a namespace really hosts a gateway, add it to this policy's gatewayNamespaces.",
  framework: kubernetesDocs("concepts/services-networking/gateway/", "Gateway API: traffic enters through the platform Gateway, not per-Service load balancers"),
  tags: ["kubernetes", "network"],
  configSchema: { properties: { gatewayNamespaces: { type: "array", items: { type: "string" }, default: ["gateway"] } } },
  appliesTo: [K8S_SERVICE],
  validate: (service, args, report) => {
    if (service.spec?.type !== "LoadBalancer") return;
    const allowed = configuredStrings(args.getConfig(), "gatewayNamespaces");
    const namespace = text(service.metadata?.namespace) ?? "default";
    if (!allowed.includes(namespace)) report(`A LoadBalancer Service in namespace ${namespace} exposes pods outside the gateway.`);
  },
});
