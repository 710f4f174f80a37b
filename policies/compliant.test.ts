/**
 * The compliant fixtures pass the whole pack: a component built like them (the secure defaults of
 * docs/architecture.md) produces no violation at all, so the policies and the defaults agree.
 */
import { describe, expect, it } from "vitest";
import { ENFORCEMENT } from "./enforcement";
import { clusterArgs, deployment, nodePoolArgs, podDisruptionBudget, redisArgs, sqlInstanceArgs, tenantNamespace } from "./fixtures/compliant-parts";
import { DEPLOYMENT } from "./lib/workloads";
import { policies } from "./registry";
import { GKE_CLUSTER, GKE_NODE_POOL, K8S_LIMIT_RANGE, K8S_NAMESPACE, K8S_NETWORK_POLICY, K8S_POD_DISRUPTION_BUDGET, K8S_RESOURCE_QUOTA, REDIS_INSTANCE, SQL_INSTANCE } from "./resource-types";
import { evaluatePolicies } from "./runner";
import { stack } from "./testing/examples";

describe("the compliant fixtures", () => {
  it("pass every policy at prod enforcement", async () => {
    const tenant = tenantNamespace("acme");
    const platform = stack("the platform", [
      { type: GKE_CLUSTER, name: "services", inputs: clusterArgs("vpc", "nodes") },
      { type: GKE_NODE_POOL, name: "on-demand", inputs: nodePoolArgs("services", "gke-nodes@armature-dev-4821.iam.gserviceaccount.com") },
      { type: SQL_INSTANCE, name: "postgres", inputs: sqlInstanceArgs("vpc") },
      { type: REDIS_INSTANCE, name: "redis", inputs: redisArgs("vpc") },
      { type: K8S_NAMESPACE, name: "acme", inputs: tenant.namespace },
      { type: K8S_RESOURCE_QUOTA, name: "acme-quota", inputs: tenant.quota },
      { type: K8S_LIMIT_RANGE, name: "acme-limits", inputs: tenant.limits },
      { type: K8S_NETWORK_POLICY, name: "acme-deny", inputs: tenant.denyAll },
      { type: DEPLOYMENT, name: "discovery", inputs: deployment("acme") },
      { type: K8S_POD_DISRUPTION_BUDGET, name: "discovery", inputs: podDisruptionBudget("acme") },
    ]);
    const findings = await evaluatePolicies(policies, platform.subjects, ENFORCEMENT.prod);
    expect(findings.map((finding) => `${finding.policy.name}: ${finding.message}`)).toEqual([]);
  });
});
