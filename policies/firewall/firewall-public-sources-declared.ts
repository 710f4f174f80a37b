/** Public sources are allowed only when they are the declared load balancer ranges. */
import { isPrivate, isWithin, isWorld } from "../lib/ip-ranges";
import { configuredStrings } from "../lib/values";
import { resourcePolicy } from "../policy";
import { FIREWALL } from "../resource-types";
import { googleCloudDocs } from "../sources";
import { type FirewallInputs, isOpeningIngress, sourceRangesOf } from "./rules";

/** Google Front End proxies and health checkers (current and legacy network load balancing). */
export const GOOGLE_LOAD_BALANCER_RANGES = ["35.191.0.0/16", "130.211.0.0/22", "209.85.152.0/22", "209.85.204.0/22"];

export const firewallPublicSourcesDeclared = resourcePolicy<FirewallInputs>({
  name: "firewall-public-sources-declared",
  description: "Ingress from public addresses is allowed only from declared load balancer ranges.",
  severity: "high",
  remediationSteps:
    "Use internal source ranges, or the load balancer ranges; to declare another range, add it to this policy's loadBalancerRanges in the policy pack config.",
  framework: googleCloudDocs("load-balancing/docs/firewall-rules", "Cloud Load Balancing: firewall rules for Google Front End and health-check ranges"),
  tags: ["firewall", "network"],
  configSchema: {
    properties: {
      loadBalancerRanges: { type: "array", items: { type: "string" }, default: GOOGLE_LOAD_BALANCER_RANGES },
    },
  },
  appliesTo: [FIREWALL],
  validate: (rule, args, report) => {
    if (!isOpeningIngress(rule)) return;
    const declared = configuredStrings(args.getConfig(), "loadBalancerRanges");
    // The whole world is firewall-no-world-ingress's finding; report each rule once.
    for (const range of sourceRangesOf(rule).filter((range) => !isWorld(range))) {
      if (!isPrivate(range) && !isWithin(range, declared)) report(`The rule allows ingress from the public range ${range}, which is not a declared load balancer range.`);
    }
  },
});
