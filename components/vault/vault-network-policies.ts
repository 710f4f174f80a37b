/**
 * Vault's namespace fence, from the same building blocks as tenants' and the platform's: deny
 * everything, then allow only what Vault needs. Clients (the platform namespace and every tenant
 * namespace, whose own fences allow egress to Vault on 8200) reach the API; Raft peers and the agent
 * injector talk inside the namespace (8200/8201); the servers reach Cloud KMS for auto-unseal and the
 * metadata server for their Workload Identity token; the control plane calls the injector's webhook,
 * and the servers call the API server (Kubernetes auth's TokenReview, service registration).
 */
import * as fence from "../shared/network-policies";

export const VAULT_API_PORT = 8200;
/** The agent injector's webhook port (set in the chart values, opened in the cluster's firewall). */
export const VAULT_INJECTOR_PORT = 8080;

export interface VaultNetworkArgs {
  /** The services cluster's control-plane range (its private endpoint's /28). */
  readonly controlPlaneCidr: string;
  /** Namespaces whose pods call Vault's API, besides every tenant namespace. */
  readonly clientNamespaces: readonly string[];
  readonly injector: boolean;
}

export function vaultNamespacePolicies(args: VaultNetworkArgs): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return {
    "default-deny": fence.DEFAULT_DENY,
    "allow-dns": fence.allowDns(),
    "allow-same-namespace": fence.allowSameNamespace(),
    "allow-clients": fence.ingressPolicy({
      from: [...args.clientNamespaces.map((namespace) => fence.namespacePeer(namespace)), fence.tenantNamespacesPeer],
      ports: fence.tcp(VAULT_API_PORT),
    }),
    "allow-control-plane": fence.allowControlPlane(args.controlPlaneCidr, args.injector ? [VAULT_INJECTOR_PORT] : []),
    "allow-google-apis": fence.allowGoogleApis(),
  };
}
