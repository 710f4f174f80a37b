import { afterEach, describe, expect, it, vi } from "vitest";
import { applicationDefaultCredentials, type GoogleCredentialSource, googleManagedKafkaSasl, managedKafkaBearerToken } from "./kafka-google-auth";

const decode = (part: string) => Buffer.from(part, "base64url").toString("utf8");

describe("the Managed Kafka OAUTHBEARER token", () => {
  it("is the JWT-shaped token Google's login handler sends: header, claims, and the access token in the signature slot", () => {
    const token = managedKafkaBearerToken("flags@my-project.iam.gserviceaccount.com", { token: "ya29.an-access-token", expiresAtMs: 1_800_000_999_999 }, 1_799_999_000_500);
    const parts = token.split(".");
    expect(parts).toHaveLength(3);
    expect(token).not.toMatch(/[=+/]/); // base64url, no padding
    expect(JSON.parse(decode(parts[0]!))).toEqual({ typ: "JWT", alg: "GOOG_OAUTH2_TOKEN" });
    expect(JSON.parse(decode(parts[1]!))).toEqual({ exp: 1_800_000_999, iat: 1_799_999_000, scope: "kafka", sub: "flags@my-project.iam.gserviceaccount.com" });
    expect(decode(parts[2]!)).toBe("ya29.an-access-token");
  });
});

describe("googleManagedKafkaSasl", () => {
  const source = (overrides: Partial<GoogleCredentialSource> = {}): GoogleCredentialSource => ({
    principal: () => Promise.resolve("health@p.iam.gserviceaccount.com"),
    accessToken: () => Promise.resolve({ token: "first", expiresAtMs: Date.now() + 3_600_000 }),
    ...overrides,
  });

  it("asks for a fresh token on every connection (kafkajs calls the provider per broker connection)", async () => {
    let calls = 0;
    const sasl = googleManagedKafkaSasl(source({ accessToken: () => Promise.resolve({ token: `token-${++calls}`, expiresAtMs: Date.now() + 60_000 }) }));
    expect(sasl.mechanism).toBe("oauthbearer");
    if (sasl.mechanism !== "oauthbearer") return;
    const first = await sasl.oauthBearerProvider();
    const second = await sasl.oauthBearerProvider();
    expect(decode(first.value.split(".")[2]!)).toBe("token-1");
    expect(decode(second.value.split(".")[2]!)).toBe("token-2");
  });

  it("says what failed and how to fix it when no token can be had, without leaking a stack to the message", async () => {
    const sasl = googleManagedKafkaSasl(source({ accessToken: () => Promise.reject(new Error("metadata server unreachable")) }));
    if (sasl.mechanism !== "oauthbearer") throw new Error("expected oauthbearer");
    await expect(sasl.oauthBearerProvider()).rejects.toThrow(
      /^Kafka authentication \(KAFKA_AUTH=google\): could not get a Google access token: metadata server unreachable\. Run on GKE with Workload Identity .* KAFKA_AUTH=none/,
    );
  });
});

describe("applicationDefaultCredentials", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("fails with the library's reason where there are no Google credentials (no metadata server, no key file)", async () => {
    vi.stubEnv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/armature-test-credentials.json");
    const sasl = googleManagedKafkaSasl(applicationDefaultCredentials());
    if (sasl.mechanism !== "oauthbearer") throw new Error("expected oauthbearer");
    await expect(sasl.oauthBearerProvider()).rejects.toThrow(/^Kafka authentication \(KAFKA_AUTH=google\): could not get a Google access token: .*armature-test-credentials\.json/);
  });
});
