/**
 * How Pulumi configures Vault itself: a Vault provider, the file audit device (on the audit volume
 * the chart mounts; Vault enables audit devices only through its API, so it is declared here rather
 * than in the chart values), and Vault's Kubernetes auth method for the services cluster (tenants'
 * login roles hang off it). Created only in a stack's second stage (armature:vault.configuration
 * applied). The provider reads its token from VAULT_TOKEN (the deployer token made once after
 * `vault operator init`; never kept in the stack) and the CA from VAULT_CACERT
 * (`pulumi stack output vaultCaCertificate`). See components/vault/README.md, "Two stages".
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { Vault } from "../components/vault/vault";
import { AUDIT_LOG_PATH } from "../components/vault/vault-values";

export interface VaultAccess {
  readonly provider: vault.Provider;
  readonly kubernetesAuthPath: pulumi.Output<string>;
}

export function createVaultAccess(vaultComponent: Vault, apiAddress: string | undefined): VaultAccess {
  const provider = new vault.Provider("vault", {
    address: apiAddress ?? vaultComponent.address,
    // Child tokens need a token-creating policy and add nothing for a short-lived CI run.
    skipChildToken: true,
  }, { dependsOn: [vaultComponent] });
  // Every request from here on is audited; Vault refuses requests when no audit device can write.
  new vault.Audit("file", { type: "file", path: "file", description: "Every request, on the audit volume", options: { file_path: AUDIT_LOG_PATH } }, { provider });
  const auth = new vault.AuthBackend("kubernetes", {
    type: "kubernetes",
    path: "kubernetes",
    description: "Pods of the services cluster (service-account tokens with audience vault)",
  }, { provider });
  new vault.kubernetes.AuthBackendConfig("kubernetes", {
    backend: auth.path,
    // Vault runs in the cluster: it reviews tokens through the API server with its own service account.
    kubernetesHost: "https://kubernetes.default.svc",
  }, { provider });
  return { provider, kubernetesAuthPath: pulumi.output(auth.path) };
}
