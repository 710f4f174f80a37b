/**
 * Who is calling, proven rather than asserted. Callers send a bearer JWT: on the platform, a projected
 * Kubernetes service-account token minted for the audience the platform's apps share. The kit checks
 * its signature against the issuers it trusts (each cluster's OIDC issuer; keys found through OIDC
 * discovery and cached by jose), its audience and its expiry. The verified caller becomes the
 * invocation's actor; a person the caller asserts in the context header is kept only as the one it
 * acts for, so the audit reads "platform/flags-ui for alice" and the service answers for that claim.
 */
import type * as Jose from "jose";
import type { WireContext } from "./invocation-context";

/** The audience of the tokens platform callers present (platform-apps mounts them). */
export const DEFAULT_CALLER_AUDIENCE = "armature-platform";

export interface CallerAuthenticationOptions {
  /** OIDC issuers whose tokens are accepted, e.g. https://container.googleapis.com/v1/projects/p/locations/l/clusters/c. */
  readonly issuers: readonly string[];
  readonly audience: string;
  /** Where an issuer's signing keys are; default: OIDC discovery at <issuer>/.well-known/openid-configuration. */
  readonly keySetUrl?: (issuer: string) => Promise<URL>;
}

export interface VerifiedCaller {
  /** "<namespace>/<service account>" for Kubernetes service accounts, else the token's subject. */
  readonly id: string;
  readonly issuer: string;
}

export class CallerAuthenticationError extends Error {}

export type CallerVerifier = (authorization: string) => Promise<VerifiedCaller>;

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function createCallerVerifier(options: CallerAuthenticationOptions): CallerVerifier {
  // Loaded here, not at import: only services with CALLER_TOKEN_ISSUERS set pay for it at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, so the bundler still includes it
  const jose = require("jose") as typeof Jose;
  const keySetUrl = options.keySetUrl ?? discoveredKeySetUrl;
  const keySets = new Map<string, Promise<Jose.JWTVerifyGetKey>>();
  const keySetOf = (issuer: string) => {
    let keySet = keySets.get(issuer);
    if (!keySet) {
      keySet = keySetUrl(issuer).then((url) => jose.createRemoteJWKSet(url));
      keySet.catch(() => keySets.delete(issuer)); // a failed discovery is retried on the next call
      keySets.set(issuer, keySet);
    }
    return keySet;
  };

  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization)?.[1];
    if (!token) throw new CallerAuthenticationError("the Authorization header must be `Bearer <token>`");
    const issuer = unverifiedIssuer(jose, token);
    if (!issuer || !options.issuers.includes(issuer)) {
      throw new CallerAuthenticationError(`the token's issuer ${JSON.stringify(issuer ?? null)} is not trusted here; trusted: ${options.issuers.join(", ")}`);
    }
    try {
      const { payload } = await jose.jwtVerify(token, await keySetOf(issuer), { issuer, audience: options.audience, requiredClaims: ["sub", "exp"] });
      const subject = payload.sub!;
      const serviceAccount = SERVICE_ACCOUNT_SUBJECT.exec(subject);
      return { id: serviceAccount ? `${serviceAccount[1]}/${serviceAccount[2]}` : subject, issuer };
    } catch (error) {
      throw new CallerAuthenticationError(`the token was refused: ${reasonOf(jose.errors, error)}`);
    }
  };
}

/**
 * The received context when caller authentication is on and no token is verified (none sent, or a
 * bad one): an asserted actor is not believed, so it is dropped.
 */
export function withoutAssertedActor(received: WireContext): WireContext {
  const { actor: _asserted, ...unproven } = received;
  return unproven;
}

/**
 * The context a verified caller's request runs with: the caller is the actor; a person it asserts
 * becomes who it acts for. An asserted service is the caller describing itself, and is dropped.
 */
export function withVerifiedActor(received: WireContext, caller: VerifiedCaller): WireContext {
  const asserted = received.actor;
  const onBehalfOf = asserted?.type === "user" ? asserted.id : undefined;
  return { ...received, actor: { id: caller.id, type: "service", ...(onBehalfOf ? { onBehalfOf } : {}) } };
}

/** Only to pick the key set: the signature, and so the issuer, are verified right after. */
function unverifiedIssuer(jose: typeof Jose, token: string): string | undefined {
  try {
    return jose.decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

async function discoveredKeySetUrl(issuer: string): Promise<URL> {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new CallerAuthenticationError(`OIDC discovery for ${issuer} answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
  if (typeof jwksUri !== "string") throw new CallerAuthenticationError(`OIDC discovery for ${issuer} names no jwks_uri`);
  return new URL(jwksUri);
}

function reasonOf(joseErrors: typeof Jose.errors, error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "it has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason === "check_failed" ? "does not match" : error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) return "its signature does not verify against the issuer's keys";
  if (error instanceof CallerAuthenticationError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
