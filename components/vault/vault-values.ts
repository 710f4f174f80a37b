/**
 * Values for HashiCorp's official `vault` Helm chart: HA with integrated Raft storage, TLS on every
 * listener, GCP KMS auto-unseal, Workload Identity, and storage for the audit log. Nothing secret is
 * in here: the TLS key comes from a Kubernetes Secret, and KMS access from Workload Identity.
 */
import type * as pulumi from "@pulumi/pulumi";
import { VAULT_INJECTOR_PORT } from "./vault-network-policies";

export interface VaultValuesInput {
  readonly releaseName: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly project: string;
  readonly region: string;
  readonly keyRing: string;
  readonly cryptoKey: string;
  readonly gcpServiceAccountEmail: string;
  readonly tlsSecretName: string;
  readonly dataStorageSize: string;
  readonly auditStorageSize: string;
  readonly injector: boolean;
}

export const TLS_MOUNT = "/vault/userconfig/tls";
export const AUDIT_LOG_PATH = "/vault/audit/audit.log";

export function raftConfig(input: VaultValuesInput): string {
  const peers = Array.from({ length: input.replicas }, (_, index) => `
  retry_join {
    leader_api_addr     = "https://${input.releaseName}-${index}.${input.releaseName}-internal:8200"
    leader_ca_cert_file = "${TLS_MOUNT}/ca.crt"
  }`).join("");
  return `ui = true
disable_mlock = true

listener "tcp" {
  address            = "[::]:8200"
  cluster_address    = "[::]:8201"
  tls_cert_file      = "${TLS_MOUNT}/tls.crt"
  tls_key_file       = "${TLS_MOUNT}/tls.key"
  tls_client_ca_file = "${TLS_MOUNT}/ca.crt"
  tls_min_version    = "tls12"
}

storage "raft" {
  path = "/vault/data"${peers}
}

seal "gcpckms" {
  project    = "${input.project}"
  region     = "${input.region}"
  key_ring   = "${input.keyRing}"
  crypto_key = "${input.cryptoKey}"
}

service_registration "kubernetes" {}
`;
}

export function vaultValues(input: VaultValuesInput): Record<string, pulumi.Input<unknown>> {
  return {
    global: { enabled: true, tlsDisable: false },
    injector: { enabled: input.injector, replicas: 2, port: VAULT_INJECTOR_PORT },
    ui: { enabled: true, serviceType: "ClusterIP" },
    server: {
      serviceAccount: {
        create: true,
        name: input.releaseName,
        annotations: { "iam.gke.io/gcp-service-account": input.gcpServiceAccountEmail },
      },
      extraEnvironmentVars: { VAULT_CACERT: `${TLS_MOUNT}/ca.crt` },
      volumes: [{ name: "tls", secret: { secretName: input.tlsSecretName, defaultMode: 0o440 } }],
      volumeMounts: [{ name: "tls", mountPath: TLS_MOUNT, readOnly: true }],
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      dataStorage: { enabled: true, size: input.dataStorageSize },
      auditStorage: { enabled: true, size: input.auditStorageSize },
      topologySpreadConstraints: [{
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "vault", component: "server" } },
      }],
      ha: {
        enabled: true,
        replicas: input.replicas,
        disruptionBudget: { enabled: true, maxUnavailable: 1 },
        raft: { enabled: true, setNodeId: true, config: raftConfig(input) },
      },
    },
  };
}
