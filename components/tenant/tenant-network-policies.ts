/**
 * A tenant namespace's network fence: deny all ingress and egress, then allow exactly what a tenant
 * workload needs. NetworkPolicies are additive, so each allow is its own object, named for what it
 * lets through (easy to read in `kubectl get netpol` and in the plan).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

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
  /** The workloads' HTTP port (the kit's 8080). */
  readonly appPort: number;
}

/** Addresses of Google's private API endpoint (private.googleapis.com) and the GKE metadata server. */
export const PRIVATE_GOOGLE_APIS = "199.36.153.8/30";
export const METADATA_SERVER = "169.254.169.254/32";
/** The GKE metadata server's Workload Identity endpoint on Dataplane V2 nodes. */
export const GKE_METADATA_SERVER = "169.254.169.252/32";
/** NodeLocal DNSCache's link-local address (the services cluster enables it). */
export const NODE_LOCAL_DNS = "169.254.20.10/32";

const namespacePeer = (name: string, podLabels?: Record<string, string>): Peer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
  ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const ip = (cidr: pulumi.Input<string>): Peer => ({ ipBlock: { cidr } });

/** Policy name → spec. The first denies everything; each other one allows one kind of traffic. */
export function tenantNetworkPolicies(args: TenantNetworkArgs): Readonly<Record<string, PolicySpec>> {
  const everyPod = {};
  return {
    "default-deny": { podSelector: everyPod, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
    "allow-dns": {
      podSelector: everyPod,
      policyTypes: ["Egress"],
      egress: [{
        to: [
          namespacePeer("kube-system", { "k8s-app": "kube-dns" }),
          namespacePeer("kube-system", { "k8s-app": "node-local-dns" }),
          ip(NODE_LOCAL_DNS),
        ],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
      }],
    },
    "allow-same-namespace": {
      podSelector: everyPod,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: everyPod }] }],
      egress: [{ to: [{ podSelector: everyPod }] }],
    },
    "allow-platform-apps": {
      podSelector: everyPod,
      policyTypes: ["Ingress", "Egress"],
      egress: [{ to: [namespacePeer(args.platformNamespace)], ports: tcp(args.appPort) }],
      ingress: [{ from: [namespacePeer(args.platformNamespace)], ports: tcp(args.appPort) }],
    },
    "allow-gateway": {
      podSelector: everyPod,
      policyTypes: ["Ingress"],
      ingress: [{ from: args.gatewaySourceCidrs.map(ip), ports: tcp(args.appPort) }],
    },
    "allow-data-services": {
      podSelector: everyPod,
      policyTypes: ["Egress"],
      egress: [
        // 5432 directly, 3307 through the Cloud SQL connectors (IAM database authentication).
        { to: [ip(pulumi.interpolate`${args.postgresAddress}/32`)], ports: tcp(5432, 3307) },
        { to: [ip(args.kafkaCidr)], ports: tcp(9092) },
        { to: [namespacePeer(args.vaultNamespace, { "app.kubernetes.io/name": "vault" })], ports: tcp(8200) },
      ],
    },
    "allow-google-apis": {
      podSelector: everyPod,
      policyTypes: ["Egress"],
      egress: [
        // Workload Identity tokens come from the GKE metadata server.
        { to: [ip(METADATA_SERVER)], ports: tcp(80) },
        { to: [ip(GKE_METADATA_SERVER)], ports: tcp(988) },
        // Cloud KMS and other Google APIs through Private Google Access only.
        { to: [ip(PRIVATE_GOOGLE_APIS)], ports: tcp(443) },
      ],
    },
  };
}
