/** Nothing is open to the whole internet. */
import { isWorld } from "../lib/ip-ranges";
import { list } from "../lib/values";
import { resourcePolicy } from "../policy";
import { FIREWALL } from "../resource-types";
import { cisGcp } from "../sources";
import { type FirewallInputs, isOpeningIngress, sourceRangesOf } from "./rules";

export const firewallNoWorldIngress = resourcePolicy<FirewallInputs>({
  name: "firewall-no-world-ingress",
  description: "No firewall rule allows ingress from 0.0.0.0/0 or ::/0.",
  severity: "critical",
  remediationSteps: "Replace 0.0.0.0/0 with the ranges that need access: internal ranges, or the declared load balancer ranges (see firewall-public-sources-declared).",
  framework: cisGcp("3.6", "Ensure That SSH Access Is Restricted From the Internet (and 3.7, Ensure That RDP Access Is Restricted From the Internet; here for every port)"),
  tags: ["firewall", "network"],
  appliesTo: [FIREWALL],
  validate: (rule, _args, report) => {
    if (!isOpeningIngress(rule)) return;
    for (const range of sourceRangesOf(rule).filter(isWorld)) {
      const implicit = list(rule.sourceRanges).length === 0;
      report(`The rule allows ingress from ${range}${implicit ? " (no source ranges, tags or service accounts were given, so GCP applies it to everyone)" : ""}.`);
    }
  },
});
