/**
 * Tenants are data: one Tenant component per `armature:tenants[]` entry, wired to the shared
 * services cluster, Postgres, Kafka and Vault. Adding a tenant is adding an entry.
 */
import type * as pulumi from "@pulumi/pulumi";
import { GOOGLE_HEALTH_CHECK_RANGES } from "../components/network/network";
import { Tenant } from "../components/tenant/tenant";
import type { StackConfig } from "./config/parse";
import type { Infrastructure } from "./infrastructure";
import { platformLabels } from "./labels";
import { PLATFORM_NAMESPACE } from "../components/platform-apps/platform-apps";
import type { VaultAccess } from "./vault-access";

export function composeTenants(config: StackConfig, infrastructure: Infrastructure, vaultAccess: VaultAccess | undefined, gatewayAddress: pulumi.Input<string>, opts: pulumi.ComponentResourceOptions): Tenant[] {
  const { services, postgres, kafka, vault } = infrastructure;
  return config.tenants.map((tenant) => {
    const labels = { ...platformLabels(config, tenant.id), ...(tenant.team ? { team: tenant.team } : {}) };
    return new Tenant(tenant.id, {
      id: tenant.id,
      displayName: tenant.displayName,
      tier: tenant.tier,
      branches: tenant.branches,
      labels,
      namePrefix: infrastructure.namePrefix,
      project: config.gcp.project,
      region: config.gcp.region,
      provider: services.provider,
      workloadPool: services.workloadPool,
      postgres,
      kafka,
      ...(vaultAccess ? { vault: vaultAccess } : {}),
      network: {
        platformNamespace: PLATFORM_NAMESPACE,
        vaultNamespace: vault.namespace,
        postgresAddress: postgres.privateIp,
        kafkaCidr: config.network.nodes,
        gatewaySourceCidrs: [config.network.proxyOnly, ...GOOGLE_HEALTH_CHECK_RANGES],
        gatewayAddress,
      },
      deletionProtection: config.deletionProtection,
    }, opts);
  });
}
