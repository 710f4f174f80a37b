/**
 * Caller authentication against a real OIDC issuer on loopback (discovery document, JWKS, RS256
 * tokens): the verifier alone, then a kit service with CALLER_TOKEN_ISSUERS set, then two services
 * where the caller's kit.http() presents its token file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallerAuthenticationError, DEFAULT_CALLER_AUDIENCE, createCallerVerifier } from "./caller-authentication";
import { createService, type Service } from "./index";
import { actorHeader } from "./testing/actor-header";
import { fixtureConfig, setupFixture } from "./testing/fixture-service";
import { discardLogs } from "./testing/log-capture";
import { type TestIssuer, startTestIssuer } from "./testing/test-issuer";

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer(DEFAULT_CALLER_AUDIENCE);
});
afterAll(() => issuer.close());

describe("createCallerVerifier", () => {
  const verify = (authorization: string) => createCallerVerifier({ issuers: [issuer.url], audience: DEFAULT_CALLER_AUDIENCE })(authorization);

  it("names a Kubernetes service account namespace/name, and any other subject as it is", async () => {
    await expect(verify(`Bearer ${await issuer.token()}`)).resolves.toEqual({ id: "platform/health", issuer: issuer.url });
    await expect(verify(`Bearer ${await issuer.token({ subject: "ci-deployer@p.iam.gserviceaccount.com" })}`)).resolves.toMatchObject({ id: "ci-deployer@p.iam.gserviceaccount.com" });
  });

  it.each([
    ["not a bearer token", () => Promise.resolve("Basic YWxpY2U6c2VjcmV0"), /^the Authorization header must be `Bearer <token>`$/],
    ["garbage", () => Promise.resolve("Bearer not-a-jwt"), /^the token's issuer null is not trusted here; trusted: http:\/\/127\.0\.0\.1:\d+$/],
    ["another issuer", async () => `Bearer ${await issuer.token({ issuer: "https://evil.example" })}`, /^the token's issuer "https:\/\/evil\.example" is not trusted here/],
    ["another audience", async () => `Bearer ${await issuer.token({ audience: "vault" })}`, /^the token was refused: claim aud does not match$/],
    ["an expired token", async () => `Bearer ${await issuer.token({ expiresInSeconds: -60 })}`, /^the token was refused: it has expired$/],
    ["a token signed with a key the issuer does not publish", async () => `Bearer ${await issuer.token({ forged: true })}`, /^the token was refused: its signature does not verify against the issuer's keys$/],
  ])("refuses %s, saying why", async (_, authorization, message) => {
    const refusal = verify(await authorization());
    await expect(refusal).rejects.toBeInstanceOf(CallerAuthenticationError);
    await expect(refusal).rejects.toThrow(message);
  });
});

describe("a service with CALLER_TOKEN_ISSUERS set", () => {
  let service: Service;
  beforeAll(async () => {
    service = await createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: { CALLER_TOKEN_ISSUERS: issuer.url }, logDestination: discardLogs() });
  });
  afterAll(() => service.shutdown());
  const put = async (headers: Record<string, string>) => service.app.inject({ method: "PUT", url: "/audited/t-1", headers });

  it("takes the actor from the verified token; an asserted actor is only who it acts for", async () => {
    const token = await issuer.token({ subject: "system:serviceaccount:platform:flags-ui" });
    expect((await put({ authorization: `Bearer ${token}` })).json()).toEqual({ id: "t-1", actor: "platform/flags-ui" });
    expect((await put({ authorization: `Bearer ${token}`, ...actorHeader("alice") })).json()).toEqual({ id: "t-1", actor: "platform/flags-ui for alice" });
    const service = { "x-armature-context": Buffer.from(JSON.stringify({ actor: { id: "flags-ui", type: "service" } })).toString("base64url") };
    expect((await put({ authorization: `Bearer ${token}`, ...service })).json()).toEqual({ id: "t-1", actor: "platform/flags-ui" }); // a service naming itself
  });

  it("no longer trusts an asserted actor alone: 401 saying how to get a token", async () => {
    const response = await put(actorHeader("mallory"));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: "actor_required", detail: expect.stringMatching(/Authorization: Bearer <token>.*kubectl -n platform create token <account> --audience armature-platform/) });
  });

  it("answers a bad token with 401 and the reason, on any route", async () => {
    for (const url of ["/audited/t-1", "/context"]) {
      const response = await service.app.inject({ method: url === "/context" ? "GET" : "PUT", url, headers: { authorization: `Bearer ${await issuer.token({ forged: true })}` } });
      expect(response.statusCode, url).toBe(401);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.json(), url).toMatchObject({ code: "invalid_caller_token", detail: "the token was refused: its signature does not verify against the issuer's keys" });
    }
  });

  it("serves reads without a token", async () => {
    expect((await service.app.inject({ method: "GET", url: "/context" })).statusCode).toBe(200);
  });

  it("refuses a bad issuer list at start, saying what is expected", async () => {
    await expect(createService({ name: "fixture", config: fixtureConfig, setup: setupFixture, env: { CALLER_TOKEN_ISSUERS: "http://issuer.example" }, logDestination: discardLogs() })).rejects.toThrow(
      /CALLER_TOKEN_ISSUERS: found "http:\/\/issuer\.example"; expected https issuer URLs, comma-separated/,
    );
  });
});

describe("two services: the caller presents its token file", () => {
  const services: Service[] = [];
  afterAll(() => Promise.all(services.map((service) => service.shutdown())));

  it("kit.http() sends CALLER_TOKEN_FILE's token, and the callee sees the caller as the actor", async () => {
    const callee = await createService({ name: "callee", config: fixtureConfig, setup: setupFixture, env: { CALLER_TOKEN_ISSUERS: issuer.url }, logDestination: discardLogs() });
    services.push(callee);
    const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), "caller-token-")), "token");
    writeFileSync(tokenFile, `${await issuer.token({ subject: "system:serviceaccount:platform:health" })}\n`);
    const caller = await createService({ name: "caller", config: fixtureConfig, setup: setupFixture, env: { DOWNSTREAM_URL: await callee.listen(), CALLER_TOKEN_FILE: tokenFile }, logDestination: discardLogs() });
    services.push(caller);
    const answer = (await caller.app.inject({ method: "GET", url: "/downstream", headers: actorHeader("alice") })).json<{ downstream: { actor?: unknown } }>();
    expect(answer.downstream.actor).toEqual({ id: "platform/health", type: "service", onBehalfOf: "alice" });
  });

  it("kit.http() keeps the token to platform addresses: a target outside CALLER_TOKEN_HOSTS gets none", async () => {
    const callee = await createService({ name: "callee", config: fixtureConfig, setup: setupFixture, env: { CALLER_TOKEN_ISSUERS: issuer.url, PORT: "0", HOST: "127.0.0.1" }, logDestination: discardLogs() });
    services.push(callee);
    const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), "caller-token-")), "token");
    writeFileSync(tokenFile, `${await issuer.token({ subject: "system:serviceaccount:platform:health" })}\n`);
    // 127.0.0.1 stands for a developer's laptop here: the caller's platform addresses are only the in-cluster ones.
    const caller = await createService({
      name: "caller",
      config: fixtureConfig,
      setup: setupFixture,
      env: { DOWNSTREAM_URL: await callee.listen(), CALLER_TOKEN_FILE: tokenFile, CALLER_TOKEN_HOSTS: ".platform.svc.cluster.local" },
      logDestination: discardLogs(),
    });
    services.push(caller);
    const answer = (await caller.app.inject({ method: "GET", url: "/downstream", headers: actorHeader("alice") })).json<{ downstream: { actor?: unknown } }>();
    expect(answer.downstream.actor).toBeUndefined(); // no token arrived, so the callee knows no actor
  });
});
