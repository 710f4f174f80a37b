/**
 * The fences of the platform's own namespaces, from the same building blocks as a tenant's
 * (components/shared/network-policies.ts): deny everything, then allow only what the pods there need.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as fence from "../shared/network-policies";

export interface PlatformNetworkArgs {
  /** Where Postgres, Redis, Kafka and Vault answer. */
  readonly dataServices: fence.DataServiceEndpoints;
  /** Source ranges of the Gateway's proxies and Google's health checks. */
  readonly gatewaySourceCidrs: readonly string[];
  readonly gatewayAddress: pulumi.Input<string>;
  readonly appPort: number;
}

/**
 * `platform`: discovery, flags, health and the migration Jobs. They serve the Gateway and tenants, call
 * each other and tenants (health probes them), use every data service and Google APIs.
 */
export function platformNamespacePolicies(args: PlatformNetworkArgs): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return {
    "default-deny": fence.DEFAULT_DENY,
    "allow-dns": fence.allowDns(),
    "allow-same-namespace": fence.allowSameNamespace(),
    "allow-tenants": fence.bothWays([fence.tenantNamespacesPeer], fence.tcp(args.appPort)),
    "allow-gateway": fence.allowGateway({ sourceCidrs: args.gatewaySourceCidrs, appPort: args.appPort, address: args.gatewayAddress }),
    "allow-metrics-scrape": fence.allowMetricsScrape(args.appPort),
    "allow-data-services": fence.allowDataServices(args.dataServices),
    "allow-google-apis": fence.allowGoogleApis(),
  };
}

/**
 * `workers`: worker agents, maybe on another cluster. They serve no one but the metrics scrape; they
 * reach the platform apps through the Gateway's address, Postgres (their queue, and the migration
 * Jobs), Redis, Kafka and Google APIs.
 */
export function workersNamespacePolicies(args: PlatformNetworkArgs): Readonly<Record<string, fence.NetworkPolicySpec>> {
  const { postgresAddress, redis, kafkaCidr } = args.dataServices;
  return {
    "default-deny": fence.DEFAULT_DENY,
    "allow-dns": fence.allowDns(),
    "allow-gateway": fence.allowGateway({ address: args.gatewayAddress }),
    "allow-metrics-scrape": fence.allowMetricsScrape(args.appPort),
    "allow-data-services": fence.allowDataServices({ postgresAddress, redis, kafkaCidr }),
    "allow-google-apis": fence.allowGoogleApis(),
  };
}

/** `gateway`: holds the Gateway object only (its proxies are Google's, outside the cluster): nothing runs there, so nothing is allowed. */
export function gatewayNamespacePolicies(): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return { "default-deny": fence.DEFAULT_DENY };
}
