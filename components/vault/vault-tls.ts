/**
 * Vault's TLS: a private CA for this Vault only and a server certificate for every name Vault is
 * reached by (the Service, each Raft peer), generated with @pulumi/tls. The private keys exist only
 * as Pulumi secrets and in a Kubernetes Secret of type kubernetes.io/tls.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

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

export function createVaultTls(name: string, args: VaultTlsArgs, opts: pulumi.CustomResourceOptions): VaultTls {
  const caKey = new tls.PrivateKey(`${name}-ca`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  const ca = new tls.SelfSignedCert(`${name}-ca`, {
    privateKeyPem: pulumi.secret(caKey.privateKeyPem),
    isCaCertificate: true,
    allowedUses: ["cert_signing", "crl_signing"],
    validityPeriodHours: args.caValidityHours,
    subject: { commonName: `${args.releaseName} CA (${args.namespaceName})`, organization: "Armature" },
  }, opts);
  const serverKey = new tls.PrivateKey(`${name}-server`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  const request = new tls.CertRequest(`${name}-server`, {
    privateKeyPem: pulumi.secret(serverKey.privateKeyPem),
    dnsNames: vaultDnsNames(args.releaseName, args.namespaceName),
    ipAddresses: ["127.0.0.1"],
    subject: { commonName: `${args.releaseName}.${args.namespaceName}.svc`, organization: "Armature" },
  }, opts);
  const certificate = new tls.LocallySignedCert(`${name}-server`, {
    certRequestPem: request.certRequestPem,
    caPrivateKeyPem: pulumi.secret(caKey.privateKeyPem),
    caCertPem: ca.certPem,
    allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    validityPeriodHours: args.certificateValidityHours,
    // Renew a month before expiry: the next `pulumi up` after that point re-issues it.
    earlyRenewalHours: 720,
  }, opts);

  const secret = new k8s.core.v1.Secret(`${name}-tls`, {
    metadata: { name: args.secretName, namespace: args.namespace, labels: { ...args.labels } },
    type: "kubernetes.io/tls",
    stringData: {
      "tls.crt": pulumi.interpolate`${certificate.certPem}${ca.certPem}`,
      "tls.key": pulumi.secret(serverKey.privateKeyPem),
      "ca.crt": ca.certPem,
    },
  }, opts);
  return { caCertificate: ca.certPem, secret };
}
