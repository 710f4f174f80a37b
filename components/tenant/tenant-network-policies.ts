/**
 * A tenant namespace's network fence (components/shared/network-policies.ts): deny everything, then
 * allow DNS, the tenant's own pods, the platform apps (both ways), the Gateway (its proxies in, its
 * address out), Managed Prometheus' scrapes, the tenant's data services and Google APIs.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as fence from "../shared/network-policies";

export interface TenantNetworkArgs {
  /** Namespace of the platform apps (discovery, flags, health): tenants call them, health calls tenants. */
  readonly platformNamespace: string;
  /** Namespace of Vault. */
  readonly vaultNamespace: string;
  /** The shared Postgres instance's private address (the tenant's database lives there). */
  readonly postgresAddress: pulumi.Input<string>;
  /** Where the Kafka brokers' private endpoints live (the services subnet). */
  readonly kafkaCidr: string;
  /** Source ranges of the Gateway's proxies and Google's health checks. */
  readonly gatewaySourceCidrs: readonly string[];
  /** The Gateway's internal address: tenants reach `<app>.<platform domain>` there (port 443). */
  readonly gatewayAddress?: pulumi.Input<string>;
  /** The workloads' HTTP port (the kit's 8080). */
  readonly appPort: number;
}

/** Policy name → spec. The first denies everything; each other one allows one kind of traffic. */
export function tenantNetworkPolicies(args: TenantNetworkArgs): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return {
    "default-deny": fence.DEFAULT_DENY,
    "allow-dns": fence.allowDns(),
    "allow-same-namespace": fence.allowSameNamespace(),
    "allow-platform-apps": fence.bothWays([fence.namespacePeer(args.platformNamespace)], fence.tcp(args.appPort)),
    "allow-gateway": fence.allowGateway({ sourceCidrs: args.gatewaySourceCidrs, appPort: args.appPort, address: args.gatewayAddress }),
    "allow-metrics-scrape": fence.allowMetricsScrape(args.appPort),
    "allow-data-services": fence.allowDataServices({ postgresAddress: args.postgresAddress, kafkaCidr: args.kafkaCidr, vaultNamespace: args.vaultNamespace }),
    "allow-google-apis": fence.allowGoogleApis(),
  };
}
