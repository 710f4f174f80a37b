/**
 * Real private keys with node:crypto, in the encodings the TLS provider (terraform-provider-tls v4+,
 * bridged as @pulumi/tls) outputs: RSA as PKCS#1 "RSA PRIVATE KEY", ECDSA as SEC1 "EC PRIVATE KEY",
 * ED25519 as PKCS#8; public keys as PKIX and OpenSSH.
 * https://registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/private_key
 */
import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from "node:crypto";

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;

export type KeyAlgorithm = "RSA" | "ECDSA" | "ED25519";

/** The provider's curve names → OpenSSL's. */
const CURVES: Record<string, { openssl: string; ssh: string; pointBytes: number }> = {
  P224: { openssl: "secp224r1", ssh: "nistp224", pointBytes: 57 },
  P256: { openssl: "prime256v1", ssh: "nistp256", pointBytes: 65 },
  P384: { openssl: "secp384r1", ssh: "nistp384", pointBytes: 97 },
  P521: { openssl: "secp521r1", ssh: "nistp521", pointBytes: 133 },
};

export interface GeneratedKey {
  algorithm: KeyAlgorithm;
  privateKeyPem: string;
  privateKeyPemPkcs8: string;
  publicKeyPem: string;
  publicKeyOpenssh: string;
  publicKeyFingerprintMd5: string;
  publicKeyFingerprintSha256: string;
}

export interface KeySpec {
  algorithm: string;
  rsaBits?: number;
  ecdsaCurve?: string;
}

export function generateKey({ algorithm, rsaBits = 2048, ecdsaCurve = "P224" }: KeySpec): GeneratedKey {
  switch (algorithm) {
    case "RSA": {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: rsaBits });
      return describeKey("RSA", privateKey, privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    }
    case "ECDSA": {
      const curve = CURVES[ecdsaCurve];
      if (!curve) throw new Error(`ecdsaCurve ${JSON.stringify(ecdsaCurve)} is not one of ${Object.keys(CURVES).join(", ")}`);
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve.openssl });
      return describeKey("ECDSA", privateKey, privateKey.export({ type: "sec1", format: "pem" }).toString(), curve);
    }
    case "ED25519": {
      const { privateKey } = generateKeyPairSync("ed25519");
      return describeKey("ED25519", privateKey, privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    }
    default:
      throw new Error(`algorithm ${JSON.stringify(algorithm)} is not RSA, ECDSA or ED25519`);
  }
}

type Curve = (typeof CURVES)[string];

function describeKey(algorithm: KeyAlgorithm, privateKey: KeyObject, privateKeyPem: string, curve?: Curve): GeneratedKey {
  const publicKey = createPublicKey(privateKey);
  const blob = opensshBlob(publicKey, curve);
  return {
    algorithm,
    privateKeyPem,
    privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicKeyOpenssh: `${blob.type} ${blob.data.toString("base64")}\n`,
    publicKeyFingerprintMd5: createHash("md5").update(blob.data).digest("hex").match(/../g)!.join(":"),
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(blob.data).digest("base64").replace(/=+$/, "")}`,
  };
}

/** The public key in the SSH wire format (RFC 4253 section 6.6, RFC 5656 section 3.1, RFC 8709). */
function opensshBlob(publicKey: KeyObject, curve: Curve | undefined): { type: string; data: Buffer } {
  const sshString = (value: Buffer | string) => {
    const bytes = typeof value === "string" ? Buffer.from(value) : value;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  // An mpint is big-endian two's complement: a leading zero keeps a high bit from reading as negative.
  const mpint = (value: Buffer) => sshString(value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
  if (curve) {
    // The uncompressed point (0x04 || X || Y) ends the SubjectPublicKeyInfo.
    const point = publicKey.export({ type: "spki", format: "der" }).subarray(-curve.pointBytes);
    const type = `ecdsa-sha2-${curve.ssh}`;
    return { type, data: Buffer.concat([sshString(type), sshString(curve.ssh), sshString(point)]) };
  }
  const jwk = publicKey.export({ format: "jwk" });
  const b64 = (value: string | undefined) => Buffer.from(value ?? "", "base64url");
  if (jwk.kty === "RSA") {
    return { type: "ssh-rsa", data: Buffer.concat([sshString("ssh-rsa"), mpint(b64(jwk.e)), mpint(b64(jwk.n))]) };
  }
  return { type: "ssh-ed25519", data: Buffer.concat([sshString("ssh-ed25519"), sshString(b64(jwk.x))]) };
}

export interface SigningKeys {
  algorithm: KeyAlgorithm;
  keys: CryptoKeyPair;
  /** What @peculiar/x509 signs with. */
  signingAlgorithm: Algorithm | EcdsaParams;
}

/** A private key PEM (any of the encodings above) as a WebCrypto key pair, for certificates. */
export async function signingKeys(privateKeyPem: string): Promise<SigningKeys> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new Error(`the private key PEM cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const importPair = async (algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | Algorithm) => ({
    privateKey: await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]),
    publicKey: await webcrypto.subtle.importKey("spki", spki, algorithm, true, ["verify"]),
  });
  switch (privateKey.asymmetricKeyType) {
    case "rsa":
      return {
        algorithm: "RSA",
        keys: await importPair({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }),
        signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as Algorithm,
      };
    case "ec": {
      const crv = privateKey.export({ format: "jwk" }).crv;
      if (crv !== "P-256" && crv !== "P-384" && crv !== "P-521") {
        throw new Error(`ECDSA curve ${crv ?? "unknown"} cannot sign certificates in the stand-in (WebCrypto has P-256, P-384, P-521); use one of those`);
      }
      return {
        algorithm: "ECDSA",
        keys: await importPair({ name: "ECDSA", namedCurve: crv }),
        signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
      };
    }
    case "ed25519":
      return { algorithm: "ED25519", keys: await importPair({ name: "Ed25519" }), signingAlgorithm: { name: "Ed25519" } };
    default:
      throw new Error(`key type ${privateKey.asymmetricKeyType ?? "unknown"} is not RSA, ECDSA or ED25519`);
  }
}
