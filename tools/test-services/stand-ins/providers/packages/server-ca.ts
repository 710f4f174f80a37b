/**
 * A real CA certificate for a managed data service (Cloud SQL's and Memorystore's `serverCaCerts`):
 * clients that verify TLS against it get a parseable PEM with the fields the APIs report.
 */
import { createHash, X509Certificate } from "node:crypto";
import { generateKey } from "../keys";

const TEN_YEARS_HOURS = 10 * 8760;

export interface ServerCaCert {
  cert: string;
  commonName: string;
  createTime: string;
  expirationTime: string;
  expireTime: string;
  serialNumber: string;
  sha1Fingerprint: string;
}

export async function serverCaCert(commonName: string): Promise<ServerCaCert> {
  // Loaded on first use: @peculiar/x509 takes a while to load, and most provider starts never sign.
  const { createSelfSignedCert } = await import("../certificates.js");
  const key = generateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
  const issued = await createSelfSignedCert({
    privateKeyPem: key.privateKeyPem,
    subject: { commonName, organization: "Google, Inc", country: "US" },
    validityPeriodHours: TEN_YEARS_HOURS,
    allowedUses: ["cert_signing", "crl_signing"],
    isCaCertificate: true,
  });
  const certificate = new X509Certificate(issued.certPem);
  return {
    cert: issued.certPem,
    commonName: `C=US,O=Google\\, Inc,CN=${commonName}`,
    createTime: issued.validityStartTime,
    expirationTime: issued.validityEndTime,
    expireTime: issued.validityEndTime,
    serialNumber: issued.serialNumber,
    sha1Fingerprint: createHash("sha1").update(certificate.raw).digest("hex"),
  };
}
