/** A VM with an external IP is reachable from the internet, around the load balancers and Cloud NAT. */
import { list, record } from "../lib/values";
import { resourcePolicy } from "../policy";
import { COMPUTE_INSTANCE_TYPES } from "../resource-types";
import { cisGcp } from "../sources";

/** Each of these, when present on a network interface, gives the VM a public address. */
const PUBLIC_ACCESS = ["accessConfigs", "ipv6AccessConfigs"];

export const computeNoExternalIp = resourcePolicy({
  name: "compute-no-external-ip",
  description: "Compute Engine instances and instance templates have no external IP (no accessConfigs on their network interfaces).",
  severity: "critical",
  remediationSteps: "Remove networkInterfaces[].accessConfigs (and ipv6AccessConfigs); reach the internet through Cloud NAT and serve through a load balancer.",
  framework: cisGcp("4.9", "Ensure That Compute Instances Do Not Have Public IP Addresses"),
  tags: ["compute", "network"],
  appliesTo: COMPUTE_INSTANCE_TYPES,
  validate: (props, _args, report) => {
    list(record(props)?.["networkInterfaces"]).forEach((item, index) => {
      const networkInterface = record(item);
      for (const field of PUBLIC_ACCESS) {
        if (list(networkInterface?.[field]).length > 0) report(`networkInterfaces[${index}].${field} gives the instance an external IP.`);
      }
    });
  },
});
