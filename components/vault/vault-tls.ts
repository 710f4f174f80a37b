/**
 * Vault's TLS: a private CA for this Vault only and a server certificate for every name Vault is
 * reached by (the Service, each Raft peer), generated with @pulumi/tls. The private keys exist only
 * as Pulumi secrets and in a Kubernetes Secret of type kubernetes.io/tls.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createPrivateCa, issueServerCertificate } from "../shared/private-ca";

export interface VaultTlsArgs {
  readonly namespace: pulumi.Input<string>;
  /** The platform labels (team, tenant, environment...), for the Kubernetes Secret. */
  readonly labels: Readonly<Record<string, string>>;
  readonly namespaceName: string;
  /** Helm release name: the chart names its Services after it. */
  readonly releaseName: string;
  readonly caValidityHours: number;
  readonly certificateValidityHours: number;
  readonly secretName: string;
}

export interface VaultTls {
  readonly caCertificate: pulumi.Output<string>;
  readonly secret: k8s.core.v1.Secret;
}

/** Every DNS name a client or a Raft peer uses to reach a Vault pod. */
export function vaultDnsNames(release: string, namespace: string): string[] {
  const service = `${release}.${namespace}.svc`;
  const peers = `${release}-internal`;
  return [
    release,
    `${release}.${namespace}`,
    service,
    `${service}.cluster.local`,
    `${release}-active.${namespace}.svc`,
    `*.${peers}`,
    `*.${peers}.${namespace}.svc`,
    `*.${peers}.${namespace}.svc.cluster.local`,
  ];
}

/** `k8sOpts` carry the cluster's provider for the Secret; the tls resources get only the parent. */
export function createVaultTls(name: string, args: VaultTlsArgs, k8sOpts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): VaultTls {
  const tlsOpts = { parent: k8sOpts.parent };
  const ca = createPrivateCa(`${name}-ca`, { commonName: `${args.releaseName} CA (${args.namespaceName})`, validityHours: args.caValidityHours }, tlsOpts);
  const server = issueServerCertificate(`${name}-server`, ca, {
    commonName: `${args.releaseName}.${args.namespaceName}.svc`,
    dnsNames: vaultDnsNames(args.releaseName, args.namespaceName),
    ipAddresses: ["127.0.0.1"],
    validityHours: args.certificateValidityHours,
    // Raft peers present the same certificate to each other.
    allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
  }, tlsOpts);

  const secret = new k8s.core.v1.Secret(`${name}-tls`, {
    metadata: { name: args.secretName, namespace: args.namespace, labels: { ...args.labels } },
    type: "kubernetes.io/tls",
    stringData: {
      "tls.crt": pulumi.interpolate`${server.certPem}${ca.certPem}`,
      "tls.key": server.privateKeyPem,
      "ca.crt": ca.certPem,
    },
  }, k8sOpts);
  return { caCertificate: ca.certPem, secret };
}
