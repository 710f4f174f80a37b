/** Passing and violating examples of the firewall policies. */
import { FIREWALL } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { firewallNoWorldIngress } from "./firewall-no-world-ingress";
import { firewallPublicSourcesDeclared } from "./firewall-public-sources-declared";

const INTERNAL = { network: "vpc", direction: "INGRESS", sourceRanges: ["10.10.0.0/20"], allows: [{ protocol: "tcp", ports: ["8080"] }] };
const HEALTH_CHECKS = set(INTERNAL, "sourceRanges", ["35.191.0.0/16", "130.211.0.0/22"]);
const rule = (name: string, inputs: object = INTERNAL) => resource(name, { type: FIREWALL, inputs });

export const firewallCases: readonly PolicyCases[] = [
  {
    policy: firewallNoWorldIngress,
    passes: [
      rule("internal sources"),
      rule("load balancer health checks", HEALTH_CHECKS),
      rule("a deny rule from anywhere", { network: "vpc", direction: "INGRESS", sourceRanges: ["0.0.0.0/0"], denies: [{ protocol: "all" }] }),
      rule("egress to anywhere", { network: "vpc", direction: "EGRESS", destinationRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["443"] }] }),
      rule("a disabled rule", { ...set(INTERNAL, "sourceRanges", ["0.0.0.0/0"]), disabled: true }),
      rule("sources by tag", { ...unset(INTERNAL, "sourceRanges"), sourceTags: ["gke-nodes"] }),
    ],
    violations: [
      resource("open to 0.0.0.0/0", { type: FIREWALL, inputs: set(INTERNAL, "sourceRanges", ["10.0.0.0/8", "0.0.0.0/0"]) }, { expect: /0\.0\.0\.0\/0\.$/ }),
      rule("open to ::/0", set(INTERNAL, "sourceRanges", ["::/0"])),
      resource("no sources at all (GCP applies it to everyone)", { type: FIREWALL, inputs: unset(INTERNAL, "sourceRanges") }, { expect: /applies it to everyone/ }),
    ],
  },
  {
    policy: firewallPublicSourcesDeclared,
    passes: [
      rule("internal sources"),
      rule("Google load balancer ranges", HEALTH_CHECKS),
      resource("a range declared in the config", { type: FIREWALL, inputs: set(INTERNAL, "sourceRanges", ["203.0.113.0/24"]) }, { config: { loadBalancerRanges: ["203.0.113.0/24"] } }),
      rule("the world (reported by firewall-no-world-ingress instead)", set(INTERNAL, "sourceRanges", ["0.0.0.0/0"])),
    ],
    violations: [
      resource("an office IP", { type: FIREWALL, inputs: set(INTERNAL, "sourceRanges", ["198.51.100.7/32"]) }, { expect: /198\.51\.100\.7\/32/ }),
      rule("a range wider than the declared one", set(INTERNAL, "sourceRanges", ["35.190.0.0/15"])),
    ],
  },
];
