/**
 * Namespace network fences, shared by tenant namespaces and the platform's own (platform, gateway,
 * workers): deny all ingress and egress, then allow exactly what the namespace's pods need. Network
 * policies are additive, so each allow is its own object, named for what it lets through (easy to
 * read in `kubectl get netpol` and in the plan). Kubelet probes are not subject to NetworkPolicy.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KIT_PORT } from "./kit-contract";
import { PRIVATE_GOOGLE_APIS_CIDR } from "./private-google-access";
import type { Labels } from "./types";

export type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;

export const METADATA_SERVER = "169.254.169.254/32";
/** The GKE metadata server's Workload Identity endpoint on Dataplane V2 nodes. */
export const GKE_METADATA_SERVER = "169.254.169.252/32";
/** NodeLocal DNSCache's link-local address (the services cluster enables it). */
export const NODE_LOCAL_DNS = "169.254.20.10/32";
/** Managed Service for Prometheus runs its collectors as pods in gmp-system (GKE docs, managed collection). */
export const PROMETHEUS_COLLECTORS = { namespace: "gmp-system", podLabels: { "app.kubernetes.io/name": "collector" } } as const;
/** On namespaces whose HTTPRoutes the platform Gateway accepts (its allowedRoutes selects it). */
export const GATEWAY_ACCESS_LABEL = "armature.dev/gateway-access";
/** On every tenant namespace: the platform's namespaces allow traffic from tenants by this label. */
export const TENANT_NAMESPACE_LABEL = "armature.dev/tenant-namespace";
/** The Gateway's listener port (HTTPS). */
export const GATEWAY_PORT = 443;

const everyPod = {};

export const namespacePeer = (name: string, podLabels?: Readonly<Record<string, string>>): Peer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
  ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}),
});
export const tenantNamespacesPeer: Peer = { namespaceSelector: { matchLabels: { [TENANT_NAMESPACE_LABEL]: "true" } } };
export const ipPeer = (cidr: pulumi.Input<string>): Peer => ({ ipBlock: { cidr } });
/** One address, e.g. a Cloud SQL instance's private IP. */
export const hostPeer = (address: pulumi.Input<string>): Peer => ipPeer(pulumi.interpolate`${address}/32`);
export const tcp = (...ports: pulumi.Input<number>[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));

/** Selects every pod and allows nothing: what every fenced namespace starts from. */
export const DEFAULT_DENY: NetworkPolicySpec = { podSelector: everyPod, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] };

export const egressPolicy = (...egress: EgressRule[]): NetworkPolicySpec => ({ podSelector: everyPod, policyTypes: ["Egress"], egress });
export const ingressPolicy = (...ingress: IngressRule[]): NetworkPolicySpec => ({ podSelector: everyPod, policyTypes: ["Ingress"], ingress });
/** Both directions with the same peers and ports (e.g. platform apps ↔ tenants). */
export const bothWays = (peers: Peer[], ports?: Port[]): NetworkPolicySpec => ({
  podSelector: everyPod,
  policyTypes: ["Ingress", "Egress"],
  ingress: [{ from: peers, ...(ports ? { ports } : {}) }],
  egress: [{ to: peers, ...(ports ? { ports } : {}) }],
});

export const allowDns = (): NetworkPolicySpec => egressPolicy({
  to: [
    namespacePeer("kube-system", { "k8s-app": "kube-dns" }),
    namespacePeer("kube-system", { "k8s-app": "node-local-dns" }),
    ipPeer(NODE_LOCAL_DNS),
  ],
  ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
});

export const allowSameNamespace = (): NetworkPolicySpec => bothWays([{ podSelector: everyPod }]);

/** Workload Identity tokens from the GKE metadata server; Cloud KMS and other Google APIs through private.googleapis.com only. */
export const allowGoogleApis = (): NetworkPolicySpec => egressPolicy(
  { to: [ipPeer(METADATA_SERVER)], ports: tcp(80) },
  { to: [ipPeer(GKE_METADATA_SERVER)], ports: tcp(988) },
  { to: [ipPeer(PRIVATE_GOOGLE_APIS_CIDR)], ports: tcp(443) },
);

/** Managed Prometheus' collectors scrape the pods' metrics port. */
export const allowMetricsScrape = (port: number): NetworkPolicySpec =>
  ingressPolicy({ from: [namespacePeer(PROMETHEUS_COLLECTORS.namespace, PROMETHEUS_COLLECTORS.podLabels)], ports: tcp(port) });

export interface GatewayPaths {
  /** Ingress: the Gateway's proxies (proxy-only subnet) and Google's health checks, to `appPort`. */
  readonly sourceCidrs?: readonly string[];
  readonly appPort?: number;
  /** Egress: the Gateway's internal address (what `*.<platform domain>` resolves to), on 443. */
  readonly address?: pulumi.Input<string>;
}

export function allowGateway(paths: GatewayPaths): NetworkPolicySpec {
  const ingress = paths.sourceCidrs?.length ? [{ from: paths.sourceCidrs.map(ipPeer), ports: tcp(paths.appPort ?? KIT_PORT) }] : [];
  const egress = paths.address === undefined ? [] : [{ to: [hostPeer(paths.address)], ports: tcp(GATEWAY_PORT) }];
  return {
    podSelector: everyPod,
    policyTypes: [...(ingress.length ? ["Ingress"] : []), ...(egress.length ? ["Egress"] : [])],
    ...(ingress.length ? { ingress } : {}),
    ...(egress.length ? { egress } : {}),
  };
}

/**
 * A private control plane's traffic with the namespace's pods: the API server calls their webhooks
 * (ingress on `webhookPorts`, which the cluster's firewall must also open), and the pods call the API
 * server at its private endpoint (egress on 443: Dataplane V2 applies policy after the kubernetes
 * Service's address is translated to the endpoint's).
 */
export const allowControlPlane = (controlPlaneCidr: string, webhookPorts: readonly number[]): NetworkPolicySpec => ({
  podSelector: everyPod,
  policyTypes: [...(webhookPorts.length ? ["Ingress"] : []), "Egress"],
  ...(webhookPorts.length ? { ingress: [{ from: [ipPeer(controlPlaneCidr)], ports: tcp(...webhookPorts) }] } : {}),
  egress: [{ to: [ipPeer(controlPlaneCidr)], ports: tcp(443) }],
});

/** Where the shared data services answer, for egress rules. */
export interface DataServiceEndpoints {
  /** The Postgres instance's private address: 5432, and 3307 for the Cloud SQL connectors (IAM auth). */
  readonly postgresAddress?: pulumi.Input<string>;
  /** Memorystore's primary endpoint (stable across failover) and its TLS port. */
  readonly redis?: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<number> };
  /** Where the Kafka brokers' private endpoints live (the services subnet), port 9092. */
  readonly kafkaCidr?: string;
  /** Vault's namespace (same cluster), port 8200. */
  readonly vaultNamespace?: string;
}

export function allowDataServices(endpoints: DataServiceEndpoints): NetworkPolicySpec {
  const rules: EgressRule[] = [];
  if (endpoints.postgresAddress !== undefined) rules.push({ to: [hostPeer(endpoints.postgresAddress)], ports: tcp(5432, 3307) });
  if (endpoints.redis) rules.push({ to: [hostPeer(endpoints.redis.host)], ports: tcp(endpoints.redis.port) });
  if (endpoints.kafkaCidr !== undefined) rules.push({ to: [ipPeer(endpoints.kafkaCidr)], ports: tcp(9092) });
  if (endpoints.vaultNamespace !== undefined) rules.push({ to: [namespacePeer(endpoints.vaultNamespace, { "app.kubernetes.io/name": "vault" })], ports: tcp(8200) });
  return egressPolicy(...rules);
}

/** One NetworkPolicy per entry of `specs`, named after its key, in `namespace`. */
export function createNetworkPolicies(
  resourcePrefix: string,
  namespace: pulumi.Input<string>,
  labels: Labels,
  specs: Readonly<Record<string, NetworkPolicySpec>>,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  return Object.entries(specs).map(([policyName, spec]) =>
    new k8s.networking.v1.NetworkPolicy(`${resourcePrefix}-${policyName}`, { metadata: { name: policyName, namespace, labels: { ...labels } }, spec }, opts));
}
