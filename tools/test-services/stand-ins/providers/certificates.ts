/**
 * Real X.509 certificates and requests (@peculiar/x509), built the way terraform-provider-tls builds
 * them with Go's crypto/x509: subject fields, SANs, key usages and extended key usages from
 * `allowed_uses`, basic constraints, a subject key id on CA certificates and an authority key id
 * from the issuer's, random 128-bit serials, validity from now for `validity_period_hours`.
 * https://registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/self_signed_cert
 * https://pkg.go.dev/crypto/x509#CreateCertificate
 */
import { webcrypto } from "node:crypto";
import { type KeyAlgorithm, signingKeys } from "./keys";
import { x509 } from "./x509";

export interface Subject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  streetAddresses?: string[];
  locality?: string;
  province?: string;
  country?: string;
  postalCode?: string;
  serialNumber?: string;
}

export interface CertificateSpec {
  validityPeriodHours: number;
  allowedUses: string[];
  isCaCertificate?: boolean;
  setSubjectKeyId?: boolean;
  setAuthorityKeyId?: boolean;
}

export interface SelfSignedSpec extends CertificateSpec {
  privateKeyPem: string;
  subject?: Subject;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
}

export interface LocallySignedSpec extends CertificateSpec {
  certRequestPem: string;
  caPrivateKeyPem: string;
  caCertPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  /** Decimal, as the TLS provider uses it for the resource id. */
  serialNumber: string;
  validityStartTime: string;
  validityEndTime: string;
  keyAlgorithm: KeyAlgorithm;
}

const KEY_USAGES: Record<string, x509.KeyUsageFlags> = {
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  content_commitment: x509.KeyUsageFlags.nonRepudiation,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
  data_encipherment: x509.KeyUsageFlags.dataEncipherment,
  key_agreement: x509.KeyUsageFlags.keyAgreement,
  cert_signing: x509.KeyUsageFlags.keyCertSign,
  crl_signing: x509.KeyUsageFlags.cRLSign,
  encipher_only: x509.KeyUsageFlags.encipherOnly,
  decipher_only: x509.KeyUsageFlags.decipherOnly,
};

const EXTENDED_KEY_USAGES: Record<string, string> = {
  any_extended: "2.5.29.37.0",
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
  microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
  netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
  microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
  microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

/** Go's pkix.Name order: C, ST, L, STREET, postalCode, O, OU, CN, serialNumber. */
export function subjectName(subject: Subject | undefined): x509.JsonNameParams {
  const fields: [string, string[] | string | undefined][] = [
    ["C", subject?.country],
    ["ST", subject?.province],
    ["L", subject?.locality],
    ["2.5.4.9", subject?.streetAddresses],
    ["2.5.4.17", subject?.postalCode],
    ["O", subject?.organization],
    ["OU", subject?.organizationalUnit],
    ["CN", subject?.commonName],
    ["2.5.4.5", subject?.serialNumber],
  ];
  return fields
    .map(([type, value]) => [type, (Array.isArray(value) ? value : [value]).filter((item): item is string => !!item)] as const)
    .filter(([, values]) => values.length > 0)
    .map(([type, values]) => ({ [type]: values }));
}

function usageExtensions(spec: CertificateSpec): x509.Extension[] {
  const unknown = spec.allowedUses.filter((use) => !(use in KEY_USAGES) && !(use in EXTENDED_KEY_USAGES));
  if (unknown.length > 0) throw new Error(`allowedUses has unknown values ${unknown.join(", ")}; the provider accepts ${[...Object.keys(KEY_USAGES), ...Object.keys(EXTENDED_KEY_USAGES)].join(", ")}`);
  const flags = spec.allowedUses.reduce((all, use) => all | (KEY_USAGES[use] ?? 0), 0);
  const extended = spec.allowedUses.flatMap((use) => (EXTENDED_KEY_USAGES[use] ? [EXTENDED_KEY_USAGES[use]] : []));
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(spec.isCaCertificate === true, undefined, true)];
  if (flags !== 0) extensions.push(new x509.KeyUsagesExtension(flags, true));
  if (extended.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extended));
  return extensions;
}

export function alternativeNames(dnsNames: string[] = [], ipAddresses: string[] = [], uris: string[] = []): x509.Extension[] {
  const names = [
    ...dnsNames.map((value) => ({ type: "dns" as const, value })),
    ...ipAddresses.map((value) => ({ type: "ip" as const, value })),
    ...uris.map((value) => ({ type: "url" as const, value })),
  ];
  return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [];
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive, as RFC 5280 section 4.1.2.2 requires
  return Buffer.from(bytes).toString("hex");
}

function validity(hours: number): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`validityPeriodHours must be a positive number, got ${hours}`);
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + hours * 3_600_000) };
}

function issued(certificate: x509.X509Certificate, keyAlgorithm: KeyAlgorithm): IssuedCertificate {
  return {
    certPem: pem(certificate.toString("pem")),
    serialNumber: BigInt(`0x${certificate.serialNumber}`).toString(10),
    validityStartTime: certificate.notBefore.toISOString().replace(/\.000Z$/, "Z"),
    validityEndTime: certificate.notAfter.toISOString().replace(/\.000Z$/, "Z"),
    keyAlgorithm,
  };
}

/** PEM as Go writes it: "\n" line ends, ending in a newline. */
export function pem(text: string): string {
  return `${text.replace(/\r\n/g, "\n").trimEnd()}\n`;
}

export async function createSelfSignedCert(spec: SelfSignedSpec): Promise<IssuedCertificate> {
  const key = await signingKeys(spec.privateKeyPem);
  const extensions = [...usageExtensions(spec), ...alternativeNames(spec.dnsNames, spec.ipAddresses, spec.uris)];
  const subjectKeyId = await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey);
  if (spec.isCaCertificate === true || spec.setSubjectKeyId === true) extensions.push(subjectKeyId);
  if (spec.setAuthorityKeyId === true) extensions.push(new x509.AuthorityKeyIdentifierExtension(subjectKeyId.keyId));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: new x509.Name(subjectName(spec.subject)),
    ...validity(spec.validityPeriodHours),
    keys: key.keys,
    signingAlgorithm: key.signingAlgorithm,
    extensions,
  });
  return issued(certificate, key.algorithm);
}

export async function createCertRequest(spec: { privateKeyPem: string; subject?: Subject; dnsNames?: string[]; ipAddresses?: string[]; uris?: string[] }): Promise<{ certRequestPem: string; keyAlgorithm: KeyAlgorithm }> {
  const key = await signingKeys(spec.privateKeyPem);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(subjectName(spec.subject)),
    keys: key.keys,
    signingAlgorithm: key.signingAlgorithm,
    extensions: alternativeNames(spec.dnsNames, spec.ipAddresses, spec.uris),
  });
  return { certRequestPem: pem(request.toString("pem")), keyAlgorithm: key.algorithm };
}

export async function createLocallySignedCert(spec: LocallySignedSpec): Promise<IssuedCertificate> {
  const request = new x509.Pkcs10CertificateRequest(spec.certRequestPem);
  if (!(await request.verify())) throw new Error("certRequestPem is not signed by the key it names");
  const ca = new x509.X509Certificate(spec.caCertPem);
  const caKey = await signingKeys(spec.caPrivateKeyPem);
  // The names the request asks for, as requested (Go's template copies the request's SANs).
  const requestedNames = request.getExtension("2.5.29.17");
  const extensions = [...usageExtensions(spec), ...(requestedNames ? [requestedNames] : [])];
  const publicKey = request.publicKey;
  if (spec.isCaCertificate === true || spec.setSubjectKeyId === true) extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
  const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (caKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId.keyId));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: request.subjectName,
    issuer: ca.subjectName,
    ...validity(spec.validityPeriodHours),
    publicKey,
    signingKey: caKey.keys.privateKey,
    signingAlgorithm: caKey.signingAlgorithm,
    extensions,
  });
  return issued(certificate, caKey.algorithm);
}
