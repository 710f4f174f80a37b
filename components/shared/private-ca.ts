/**
 * A private certificate authority and the server certificates it signs, generated with @pulumi/tls
 * (ECDSA P-256). Private keys exist only as Pulumi secrets (and, where a component puts them, in a
 * Kubernetes Secret's data); certificates are public.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface PrivateCa {
  readonly certPem: pulumi.Output<string>;
  /** Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
}

export interface ServerCertificate {
  readonly certPem: pulumi.Output<string>;
  /** Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
}

export interface ServerCertificateSpec {
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validityHours: number;
  /** Default: a TLS server's uses (digital_signature, key_encipherment, server_auth). */
  readonly allowedUses?: readonly string[];
}

const SUBJECT_ORGANIZATION = "Armature";
/** Renew a month before expiry: the next `pulumi up` after that point re-issues the certificate. */
export const EARLY_RENEWAL_HOURS = 720;

/** Resources named `<name>` (a key and a self-signed CA certificate). */
/**
 * Only a parent: an explicit `provider` of another package (the cluster's Kubernetes provider, say)
 * makes the real engine refuse the tls resources ("unrecognized resource type … for this provider").
 */
export interface TlsResourceOptions {
  readonly parent: pulumi.Resource;
}

export function createPrivateCa(name: string, spec: { commonName: string; validityHours: number }, opts: TlsResourceOptions): PrivateCa {
  const key = new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  const privateKeyPem = pulumi.secret(key.privateKeyPem);
  const certificate = new tls.SelfSignedCert(name, {
    privateKeyPem,
    isCaCertificate: true,
    allowedUses: ["cert_signing", "crl_signing"],
    validityPeriodHours: spec.validityHours,
    subject: { commonName: spec.commonName, organization: SUBJECT_ORGANIZATION },
  }, opts);
  return { certPem: certificate.certPem, privateKeyPem };
}

/** Resources named `<name>` (a key, a request, the certificate signed by `ca`). */
export function issueServerCertificate(name: string, ca: PrivateCa, spec: ServerCertificateSpec, opts: TlsResourceOptions): ServerCertificate {
  const key = new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  const privateKeyPem = pulumi.secret(key.privateKeyPem);
  const request = new tls.CertRequest(name, {
    privateKeyPem,
    dnsNames: [...spec.dnsNames],
    ...(spec.ipAddresses ? { ipAddresses: [...spec.ipAddresses] } : {}),
    subject: { commonName: spec.commonName, organization: SUBJECT_ORGANIZATION },
  }, opts);
  const certificate = new tls.LocallySignedCert(name, {
    certRequestPem: request.certRequestPem,
    caPrivateKeyPem: ca.privateKeyPem,
    caCertPem: ca.certPem,
    allowedUses: [...(spec.allowedUses ?? ["digital_signature", "key_encipherment", "server_auth"])],
    validityPeriodHours: spec.validityHours,
    earlyRenewalHours: EARLY_RENEWAL_HOURS,
  }, opts);
  return { certPem: certificate.certPem, privateKeyPem };
}
