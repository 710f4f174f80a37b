import { type KeyObject, X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tlsBehaviour } from "./packages/tls";
import { type Properties, isSecret, reveal } from "./wire";

async function create(type: string, inputs: Properties): Promise<Properties> {
  const computed = await tlsBehaviour.compute({ type: `tls:index/${type}`, urn: `urn:pulumi:t::p::tls:index/${type}::x`, name: "x", inputs, config: {} });
  return { ...inputs, ...computed.outputs };
}

describe("tls stand-in", () => {
  it("generates keys of the asked algorithm, with the private key PEM as a secret", async () => {
    const ecdsa = await create("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    expect(isSecret(ecdsa["privateKeyPem"])).toBe(true);
    const pem = reveal(ecdsa["privateKeyPem"]) as string;
    expect(pem).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(ecdsa["publicKeyOpenssh"]).toMatch(/^ecdsa-sha2-nistp256 /);

    const rsa = await create("privateKey:PrivateKey", { algorithm: "RSA", rsaBits: 3072 });
    expect(reveal(rsa["privateKeyPem"])).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(reveal(rsa["privateKeyPem"]) as string).asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it("issues a CA and a server certificate that verifies against it, with the asked names and uses", async () => {
    const caKey = await create("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = await create("selfSignedCert:SelfSignedCert", {
      privateKeyPem: caKey["privateKeyPem"]!,
      isCaCertificate: true,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: 48,
      subject: { commonName: "test CA", organization: "Armature" },
    });
    const serverKey = await create("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const request = await create("certRequest:CertRequest", {
      privateKeyPem: serverKey["privateKeyPem"]!,
      dnsNames: ["vault.vault.svc", "*.vault-internal"],
      ipAddresses: ["127.0.0.1"],
      subject: { commonName: "vault.vault.svc", organization: "Armature" },
    });
    const server = await create("locallySignedCert:LocallySignedCert", {
      certRequestPem: request["certRequestPem"]!,
      caPrivateKeyPem: caKey["privateKeyPem"]!,
      caCertPem: ca["certPem"]!,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
      validityPeriodHours: 24,
      earlyRenewalHours: 2,
    });

    const caCert = new X509Certificate(ca["certPem"] as string);
    const serverCert = new X509Certificate(server["certPem"] as string);
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.ca).toBe(false);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.subject).toBe("O=Armature\nCN=vault.vault.svc");
    expect(serverCert.subjectAltName).toBe("DNS:vault.vault.svc, DNS:*.vault-internal, IP Address:127.0.0.1");
    expect(serverCert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    // The certificate is for the request's key.
    const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" }).toString("hex");
    expect(spki(serverCert.publicKey)).toBe(spki(createPublicKey(reveal(serverKey["privateKeyPem"]) as string)));
    const hours = (Date.parse(serverCert.validTo) - Date.parse(serverCert.validFrom)) / 3_600_000;
    expect(hours).toBe(24);
    expect(server["validityEndTime"]).toBe(new Date(serverCert.validTo).toISOString().replace(/\.000Z$/, "Z"));
    expect(server["readyForRenewal"]).toBe(false);
  });

  it("refuses a certificate from a key that is not a PEM, saying which resource", async () => {
    await expect(create("selfSignedCert:SelfSignedCert", { privateKeyPem: "nope", allowedUses: [], validityPeriodHours: 1 })).rejects.toThrow(/SelfSignedCert x: the private key PEM cannot be read/);
  });

  it("replaces on every change but earlyRenewalHours", () => {
    expect(tlsBehaviour.replaces("tls:index/locallySignedCert:LocallySignedCert", ["earlyRenewalHours", "validityPeriodHours"])).toEqual(["validityPeriodHours"]);
  });
});
