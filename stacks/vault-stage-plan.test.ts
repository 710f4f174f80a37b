/**
 * Vault's API side is a second stage (components/vault/README.md, "Two stages"). The committed dev
 * stack, which new, ephemeral and test stacks copy, leaves it pending: its plan registers no Vault
 * provider and no Vault resource, so the first `pulumi up` needs no token, while everything else,
 * Vault's servers and the tenants included, is there. Applied, the same program configures Vault.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type CapturedPlan, planDevStack, withVaultConfigured } from "../tools/plan/testing";

let pending: CapturedPlan;
let applied: CapturedPlan;

beforeAll(async () => {
  pending = await planDevStack();
  applied = await planDevStack(withVaultConfigured);
}, 120_000);

const vaultApiTypes = (plan: CapturedPlan) => [...new Set(plan.resources.map((resource) => resource.type).filter((type) => /^(vault:|pulumi:providers:vault$)/.test(type)))].sort();

describe("Vault's configuration stage", () => {
  it("pending (the committed dev stack): no Vault provider or Vault resource, but Vault's servers and every tenant", () => {
    expect(vaultApiTypes(pending)).toEqual([]);
    expect(pending.ofType("armature:vault:Vault")).toHaveLength(1);
    expect(pending.ofType("armature:tenants:Tenant").map((tenant) => tenant.name)).toEqual(applied.ofType("armature:tenants:Tenant").map((tenant) => tenant.name));
  });

  it("applied: the audit device, Kubernetes auth and each tenant's mount, policy and role, through one Vault provider", () => {
    const tenants = applied.ofType("armature:tenants:Tenant").length;
    expect(tenants).toBeGreaterThan(0);
    expect(vaultApiTypes(applied)).toEqual([
      "pulumi:providers:vault",
      "vault:index/audit:Audit",
      "vault:index/authBackend:AuthBackend",
      "vault:index/mount:Mount",
      "vault:index/policy:Policy",
      "vault:kubernetes/authBackendConfig:AuthBackendConfig",
      "vault:kubernetes/authBackendRole:AuthBackendRole",
    ]);
    expect(applied.ofType("vault:index/mount:Mount")).toHaveLength(tenants);
    // Nothing but the Vault stage differs between the two plans.
    const others = (plan: CapturedPlan) => plan.resources.filter((resource) => !/^(vault:|pulumi:providers:vault$)/.test(resource.type)).map((resource) => resource.urn).sort();
    expect(others(pending)).toEqual(others(applied));
  });
});
