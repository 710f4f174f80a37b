/** Passing and violating examples of the Compute Engine policies. */
import { type PolicyCases, resource, set } from "../testing/examples";
import { computeNoExternalIp } from "./compute-no-external-ip";

const INSTANCE = {
  machineType: "e2-small",
  zone: "europe-west1-b",
  bootDisk: { initializeParams: { image: "cos-cloud/cos-stable" } },
  networkInterfaces: [{ subnetwork: "projects/armature-dev-4821/regions/europe-west1/subnetworks/nodes" }],
  shieldedInstanceConfig: { enableSecureBoot: true },
};
const TEMPLATE = { machineType: "e2-small", disks: [{ sourceImage: "cos-cloud/cos-stable" }], networkInterfaces: INSTANCE.networkInterfaces };

export const computeCases: readonly PolicyCases[] = [
  {
    policy: computeNoExternalIp,
    passes: [
      resource("an instance with an internal address only", { type: "gcp:compute/instance:Instance", inputs: INSTANCE }),
      resource("an instance template with an internal address only", { type: "gcp:compute/instanceTemplate:InstanceTemplate", inputs: TEMPLATE }),
    ],
    violations: [
      resource("an ephemeral external IP", { type: "gcp:compute/instance:Instance", inputs: set(INSTANCE, "networkInterfaces.0.accessConfigs", [{}]) }, { expect: /networkInterfaces\[0\]\.accessConfigs/ }),
      resource("a template with a static external IP", { type: "gcp:compute/instanceTemplate:InstanceTemplate", inputs: set(TEMPLATE, "networkInterfaces.0.accessConfigs", [{ natIp: "203.0.113.7" }]) }),
      resource("a regional template with an external IPv6", { type: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", inputs: set(TEMPLATE, "networkInterfaces.0.ipv6AccessConfigs", [{ networkTier: "PREMIUM" }]) }, { expect: /ipv6AccessConfigs/ }),
    ],
  },
];
