/** externalIPs make every node accept traffic for those addresses (and let a Service capture them). */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { type InputsOf, list } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_SERVICE } from "../resource-types";
import { kyverno } from "../sources";

export const k8sNoExternalIps = resourcePolicy<InputsOf<k8s.core.v1.Service>>({
  name: "k8s-no-external-ips",
  description: "No Service declares spec.externalIPs.",
  severity: "high",
  remediationSteps: "Remove spec.externalIPs; expose the workload through the platform Gateway (an HTTPRoute to a ClusterIP Service).",
  framework: kyverno("restrict-external-ips", "Restrict External IPs: externalIPs can be used to intercept traffic (CVE-2020-8554)"),
  tags: ["kubernetes", "network"],
  appliesTo: [K8S_SERVICE],
  validate: (service, _args, report) => {
    const addresses = list(service.spec?.externalIPs);
    if (addresses.length > 0) report(`spec.externalIPs lists ${addresses.length} address(es): the Service is reachable around the Gateway.`);
  },
});
