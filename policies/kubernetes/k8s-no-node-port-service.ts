/** A NodePort opens the Service on every node's address, around the Gateway and its policies. */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { type InputsOf, list, record } from "../lib/values";
import { resourcePolicy } from "../policy";
import { K8S_SERVICE } from "../resource-types";
import { kyverno } from "../sources";

export const k8sNoNodePortService = resourcePolicy<InputsOf<k8s.core.v1.Service>>({
  name: "k8s-no-node-port-service",
  description: "No Service of type NodePort, and no port with an explicit nodePort.",
  severity: "high",
  remediationSteps: "Use a ClusterIP Service behind a Gateway API HTTPRoute; remove type: NodePort and ports[].nodePort.",
  framework: kyverno("restrict-nodeport", "Disallow NodePort: NodePort Services open a port on every node that bypasses other network controls"),
  tags: ["kubernetes", "network"],
  appliesTo: [K8S_SERVICE],
  validate: (service, _args, report) => {
    if (service.spec?.type === "NodePort") {
      report("A NodePort Service opens a port on every node, around the Gateway.");
      return;
    }
    if (list(service.spec?.ports).some((port) => record(port)?.["nodePort"] !== undefined)) report("spec.ports sets a nodePort, which opens a port on every node.");
  },
});
