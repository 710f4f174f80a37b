/**
 * A cluster's PKI: its own CA, the API server's serving certificate for 127.0.0.1 and localhost (both made
 * with the `openssl` command, which tools/test-services/prepare.ts installs), and the service-account
 * signing key pair (node:crypto). ECDSA P-256 keeps generation fast; Kubernetes accepts it for all three
 * (https://kubernetes.io/docs/setup/best-practices/certificates/).
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ClusterPki {
  caCertificate: string;
  servingCertificate: string;
  servingKey: string;
  serviceAccountPrivateKey: string;
  serviceAccountPublicKey: string;
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run("openssl", args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error("the control plane makes its certificates with openssl, which is not on PATH: apt-get install openssl", { cause: error });
    throw new Error(`openssl ${args.join(" ")} failed: ${((error as { stderr?: string }).stderr ?? String(error)).trim()}`, { cause: error });
  }
}

/** Writes ca.key and the certificates into `dir` (the cluster's own folder) and returns their PEM texts. */
export async function makeClusterPki(clusterName: string, dir: string): Promise<ClusterPki> {
  const file = (name: string) => path.join(dir, name);
  await openssl([
    "req", "-x509", ...EC_KEY, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "30",
    "-subj", `/CN=armature-test-${clusterName}-ca`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  // OpenSSL 3's `req -x509 -CA` signs the new key's certificate with our CA in one step.
  await openssl([
    "req", "-x509", ...EC_KEY, "-keyout", file("apiserver.key"), "-out", file("apiserver.crt"), "-days", "30",
    "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
    "-subj", `/CN=kube-apiserver-${clusterName}`,
    "-addext", "basicConstraints=critical,CA:FALSE",
    "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
    "-addext", "extendedKeyUsage=serverAuth",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  const serviceAccount = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return {
    caCertificate: await readFile(file("ca.crt"), "utf8"),
    servingCertificate: await readFile(file("apiserver.crt"), "utf8"),
    servingKey: await readFile(file("apiserver.key"), "utf8"),
    serviceAccountPrivateKey: serviceAccount.privateKey,
    serviceAccountPublicKey: serviceAccount.publicKey,
  };
}
