/** Firewall rules that let traffic in, and where from. */
import type { FirewallArgs } from "@pulumi/gcp/compute/firewall";
import { type InputsOf, list, text } from "../lib/values";

export type FirewallInputs = InputsOf<FirewallArgs>;

/** An ingress rule that allows traffic and is not disabled. */
export function isOpeningIngress(rule: FirewallInputs): boolean {
  return (rule.direction ?? "INGRESS") === "INGRESS" && rule.disabled !== true && list(rule.allows).length > 0;
}

/**
 * The rule's source ranges. A rule with no source ranges, tags or service accounts applies to
 * 0.0.0.0/0: that is GCP's default, and the most common way to open a port to the world by mistake.
 */
export function sourceRangesOf(rule: FirewallInputs): string[] {
  const ranges = list(rule.sourceRanges).flatMap((range) => text(range) ?? []);
  const otherSources = list(rule.sourceTags).length > 0 || list(rule.sourceServiceAccounts).length > 0;
  return ranges.length === 0 && !otherSources ? ["0.0.0.0/0"] : ranges;
}
