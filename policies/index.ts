/**
 * The policy pack entry point for the Pulumi CLI:
 *   pulumi preview --policy-pack policies --policy-pack-config policies/enforcement/<environment>.json
 * Constructing a PolicyPack starts the analyzer's gRPC server, so nothing else imports this file;
 * the offline plan runs the same policies from registry.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT } from "./enforcement";
import { policies } from "./registry";

new PolicyPack("armature-guardrails", {
  policies: [...policies],
  enforcementLevel: PACK_ENFORCEMENT,
  displayName: "Armature guardrails",
  description: "Armature's secure defaults (docs/architecture.md), for any Pulumi program on GCP and GKE.",
  provider: "gcp",
  tags: ["gcp", "gke", "kubernetes", "security"],
});
