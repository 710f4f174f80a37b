/**
 * Authentication to Google Cloud Managed Service for Apache Kafka, which accepts only TLS with
 * SASL/OAUTHBEARER or SASL/PLAIN carrying a Google principal. We use OAUTHBEARER with the pod's own
 * Google access token (Workload Identity through Application Default Credentials): no key file, no
 * secret to rotate. The broker expects the token in JWT shape: a header naming GOOG_OAUTH2_TOKEN, the
 * claims (exp, iat, scope "kafka", sub = the principal's email) and the access token itself where a
 * signature would be, each part base64url without padding. Google's own Java login handler
 * (github.com/googleapis/managedkafka, GcpLoginCallbackHandler) builds the same token.
 */
import type * as GoogleAuthLibrary from "google-auth-library";
import type * as KafkaJs from "kafkajs";

/** Where the principal and its access tokens come from; tests and other runtimes may supply their own. */
export interface GoogleCredentialSource {
  /** The email of the principal the token belongs to (the service account Workload Identity maps to). */
  principal(): Promise<string>;
  /** A cloud-platform access token and its expiry in epoch milliseconds. Called for every new connection. */
  accessToken(): Promise<{ token: string; expiresAtMs: number }>;
}

const HEADER = JSON.stringify({ typ: "JWT", alg: "GOOG_OAUTH2_TOKEN" });
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

const base64Url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** The OAUTHBEARER token Managed Kafka accepts for `principal`'s access token. */
export function managedKafkaBearerToken(principal: string, access: { token: string; expiresAtMs: number }, nowMs: number): string {
  const claims = JSON.stringify({ exp: Math.floor(access.expiresAtMs / 1000), iat: Math.floor(nowMs / 1000), scope: "kafka", sub: principal });
  return [base64Url(HEADER), base64Url(claims), base64Url(access.token)].join(".");
}

/** SASL options for kafkajs (used with `ssl: true`). A failure says what was tried and how to fix it. */
export function googleManagedKafkaSasl(source: GoogleCredentialSource = applicationDefaultCredentials()): KafkaJs.SASLOptions {
  return {
    mechanism: "oauthbearer",
    oauthBearerProvider: async () => {
      try {
        const [principal, access] = await Promise.all([source.principal(), source.accessToken()]);
        return { value: managedKafkaBearerToken(principal, access, Date.now()) };
      } catch (error) {
        throw new Error(
          `Kafka authentication (KAFKA_AUTH=google): could not get a Google access token: ${(error as Error).message}. ` +
            "Run on GKE with Workload Identity (or set GOOGLE_APPLICATION_CREDENTIALS locally), or use KAFKA_AUTH=none for a local broker.",
          { cause: error },
        );
      }
    },
  };
}

/** Application Default Credentials: the GKE metadata server under Workload Identity, or a local credentials file. */
export function applicationDefaultCredentials(): GoogleCredentialSource {
  // Loaded on first use: only apps that talk to Managed Kafka need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, so the bundler still includes it
  const { GoogleAuth } = require("google-auth-library") as typeof GoogleAuthLibrary;
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  // The principal never changes, but on GKE each lookup asks the metadata server: ask once (again after a failure).
  let principal: Promise<string> | undefined;
  const lookUpPrincipal = async () => {
    const email = (await auth.getCredentials()).client_email;
    if (!email) throw new Error("the credentials name no service account email");
    return email;
  };
  return {
    principal() {
      principal ??= lookUpPrincipal();
      principal.catch(() => (principal = undefined));
      return principal;
    },
    async accessToken() {
      const client = await auth.getClient();
      // The client caches the token and refreshes it shortly before it expires.
      const { token } = await client.getAccessToken();
      if (!token) throw new Error("the credentials returned no access token");
      return { token, expiresAtMs: client.credentials.expiry_date ?? Date.now() + 60_000 };
    },
  };
}
