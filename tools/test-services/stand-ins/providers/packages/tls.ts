/**
 * The tls stand-in: real keys (node:crypto) and real certificates (@peculiar/x509) for PrivateKey,
 * SelfSignedCert, CertRequest and LocallySignedCert, with the TLS provider's outputs and defaults
 * (ECDSA curve P224, RSA 2048 bits). Private key PEMs are secrets. Every input of these resources
 * forces a replacement upstream except early_renewal_hours, and so here.
 * https://registry.terraform.io/providers/hashicorp/tls/latest/docs
 */
import { createHash, createPublicKey } from "node:crypto";
import type { Subject } from "../certificates";
import { generateKey } from "../keys";
import type { Computed, PackageBehaviour, ResourceCall } from "../package-behaviour";
import { type Properties, bool, isObject, num, reveal, secret, strings, text } from "../wire";

/** Loaded on first use: @peculiar/x509 takes a while to load, and most provider starts never sign. */
const certificates = () => import("../certificates.js");

/** Inputs that upstream updates in place. */
const UPDATABLE = new Set(["earlyRenewalHours"]);

function required(inputs: Properties, key: string): string {
  const value = text(inputs, key);
  if (value === undefined) throw new Error(`${key} is required`);
  return value;
}

function subjectOf(inputs: Properties): Subject | undefined {
  const subject = reveal(inputs["subject"]);
  if (!isObject(subject)) return undefined;
  const field = (key: string) => (typeof subject[key] === "string" ? subject[key] : undefined);
  return {
    commonName: field("commonName"),
    organization: field("organization"),
    organizationalUnit: field("organizationalUnit"),
    streetAddresses: strings(subject, "streetAddresses"),
    locality: field("locality"),
    province: field("province"),
    country: field("country"),
    postalCode: field("postalCode"),
    serialNumber: field("serialNumber"),
  };
}

function certificateOutputs(inputs: Properties, issued: { validityEndTime: string; validityStartTime: string }): Properties {
  const earlyRenewalHours = num(inputs, "earlyRenewalHours") ?? 0;
  const renewAt = Date.parse(issued.validityEndTime) - earlyRenewalHours * 3_600_000;
  return {
    validityStartTime: issued.validityStartTime,
    validityEndTime: issued.validityEndTime,
    earlyRenewalHours,
    readyForRenewal: Date.now() >= renewAt,
    isCaCertificate: bool(inputs, "isCaCertificate") ?? false,
    setSubjectKeyId: bool(inputs, "setSubjectKeyId") ?? false,
  };
}

const COMPUTE: Record<string, (inputs: Properties) => Computed | Promise<Computed>> = {
  "tls:index/privateKey:PrivateKey": (inputs) => {
    const algorithm = required(inputs, "algorithm");
    const rsaBits = num(inputs, "rsaBits") ?? 2048;
    const ecdsaCurve = text(inputs, "ecdsaCurve") ?? "P224";
    const key = generateKey({ algorithm, rsaBits, ecdsaCurve });
    // The provider's id: the SHA-1 of the public key (DER), hex.
    const id = createHash("sha1").update(createPublicKey(key.privateKeyPem).export({ type: "spki", format: "der" })).digest("hex");
    return {
      id,
      outputs: {
        rsaBits,
        ecdsaCurve,
        privateKeyPem: secret(key.privateKeyPem),
        privateKeyPemPkcs8: secret(key.privateKeyPemPkcs8),
        publicKeyPem: key.publicKeyPem,
        publicKeyOpenssh: key.publicKeyOpenssh,
        publicKeyFingerprintMd5: key.publicKeyFingerprintMd5,
        publicKeyFingerprintSha256: key.publicKeyFingerprintSha256,
      },
    };
  },
  "tls:index/selfSignedCert:SelfSignedCert": async (inputs) => {
    const { createSelfSignedCert } = await certificates();
    const issued = await createSelfSignedCert({
      privateKeyPem: required(inputs, "privateKeyPem"),
      subject: subjectOf(inputs),
      dnsNames: strings(inputs, "dnsNames"),
      ipAddresses: strings(inputs, "ipAddresses"),
      uris: strings(inputs, "uris"),
      validityPeriodHours: num(inputs, "validityPeriodHours") ?? NaN,
      allowedUses: strings(inputs, "allowedUses"),
      isCaCertificate: bool(inputs, "isCaCertificate"),
      setSubjectKeyId: bool(inputs, "setSubjectKeyId"),
      setAuthorityKeyId: bool(inputs, "setAuthorityKeyId"),
    });
    return { id: issued.serialNumber, outputs: { certPem: issued.certPem, keyAlgorithm: issued.keyAlgorithm, ...certificateOutputs(inputs, issued) } };
  },
  "tls:index/certRequest:CertRequest": async (inputs) => {
    const { createCertRequest } = await certificates();
    const request = await createCertRequest({
      privateKeyPem: required(inputs, "privateKeyPem"),
      subject: subjectOf(inputs),
      dnsNames: strings(inputs, "dnsNames"),
      ipAddresses: strings(inputs, "ipAddresses"),
      uris: strings(inputs, "uris"),
    });
    const id = createHash("sha1").update(request.certRequestPem).digest("hex");
    return { id, outputs: { certRequestPem: request.certRequestPem, keyAlgorithm: request.keyAlgorithm } };
  },
  "tls:index/locallySignedCert:LocallySignedCert": async (inputs) => {
    const { createLocallySignedCert } = await certificates();
    const issued = await createLocallySignedCert({
      certRequestPem: required(inputs, "certRequestPem"),
      caPrivateKeyPem: required(inputs, "caPrivateKeyPem"),
      caCertPem: required(inputs, "caCertPem"),
      validityPeriodHours: num(inputs, "validityPeriodHours") ?? NaN,
      allowedUses: strings(inputs, "allowedUses"),
      isCaCertificate: bool(inputs, "isCaCertificate"),
      setSubjectKeyId: bool(inputs, "setSubjectKeyId"),
    });
    return { id: issued.serialNumber, outputs: { certPem: issued.certPem, caKeyAlgorithm: issued.keyAlgorithm, ...certificateOutputs(inputs, issued) } };
  },
};

export const tlsBehaviour: PackageBehaviour = {
  name: "tls",
  async compute(call: ResourceCall): Promise<Computed> {
    if (call.old) return { id: call.old.id, outputs: { earlyRenewalHours: num(call.inputs, "earlyRenewalHours") ?? 0 } };
    const compute = COMPUTE[call.type];
    if (!compute) return { outputs: {} };
    try {
      return await compute(call.inputs);
    } catch (error) {
      throw new Error(`${call.type} ${call.name}: ${(error as Error).message}`, { cause: error });
    }
  },
  replaces: (_type, changedKeys) => changedKeys.filter((key) => !UPDATABLE.has(key)),
  functions: {},
};
