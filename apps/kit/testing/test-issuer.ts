/**
 * Test helper: a real OIDC issuer on loopback, as a cluster's service-account issuer is to the
 * platform: a discovery document, a JWKS with its public key, and tokens signed with its private key
 * (RS256, as Kubernetes signs them). A second key pair that is not published signs forged tokens.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

export interface TestIssuer {
  readonly url: string;
  /** A token as Kubernetes would mint it for `namespace/account`, or with the claims overridden. */
  token(options?: { subject?: string; audience?: string; expiresInSeconds?: number; issuer?: string; forged?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(audience: string): Promise<TestIssuer> {
  const [published, unpublished] = await Promise.all([generateKeyPair("RS256"), generateKeyPair("RS256")]);
  const jwk = { ...(await exportJWK(published.publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = createServer((request, response) => {
    const body =
      request.url === "/.well-known/openid-configuration" ? { issuer: url, jwks_uri: `${url}/jwks` } : request.url === "/jwks" ? { keys: [jwk] } : undefined;
    response.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { error: "not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async token(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer(options.issuer ?? url)
        .setSubject(options.subject ?? "system:serviceaccount:platform:health")
        .setAudience(options.audience ?? audience)
        .setIssuedAt(now - 5)
        .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
        .sign(options.forged ? unpublished.privateKey : published.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
