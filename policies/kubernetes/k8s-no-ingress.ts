/** An Ingress makes a second, unmanaged entry point next to the platform Gateway. */
import { resourcePolicy } from "../policy";
import { K8S_INGRESS_TYPES } from "../resource-types";
import { kubernetesDocs } from "../sources";

export const k8sNoIngress = resourcePolicy({
  name: "k8s-no-ingress",
  description: "No Ingress objects: traffic enters through the platform Gateway (Gateway API) only.",
  severity: "high",
  remediationSteps: "Replace the Ingress with an HTTPRoute attached to the platform Gateway (the service-deployment component creates one).",
  framework: kubernetesDocs("concepts/services-networking/ingress/", "Ingress is frozen; new features go to the Gateway API"),
  tags: ["kubernetes", "network"],
  appliesTo: K8S_INGRESS_TYPES,
  validate: (_props, args, report) => {
    report(`${args.type.split(":")[1] ?? "An"} Ingress ${args.name} opens an entry point next to the Gateway.`);
  },
});
