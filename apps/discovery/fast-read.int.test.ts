/**
 * The lookup's fast read (apps/kit/fast-read.ts): a cached lookup answered before Fastify is the
 * route's answer byte for byte, and everything unusual still reaches the route, which answers it
 * exactly as before. Which path answered is seen by an onSend hook: only Fastify runs it.
 */
import type { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { type Service, createService } from "../kit/index";
import { type AuthorisationHarness, denialsIn, startAuthorisationHarness } from "../kit/testing/authorisation-harness";
import { actorHeader } from "../kit/testing/actor-header";
import { type LogCapture, captureLogs, discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { discoveryConfigSchema } from "./config";
import { setupDiscovery } from "./discovery-service";

const NO_ANONYMOUS_READS = '@id("no-anonymous-reads") forbid (principal is Armature::Anonymous, action == Armature::Action::"read", resource);';
const registration = { endpoints: ["http://checkout-0:8080", "http://checkout-1:8080"], version: "1.0.0", settings: { timeoutMs: 800 } };
const contextHeader = (context: object) => ({ "x-armature-context": Buffer.from(JSON.stringify(context)).toString("base64url") });

interface Started {
  readonly service: Service;
  readonly base: string;
  /** URLs the route (Fastify) was asked for, in order. */
  readonly routed: string[];
}

async function startCounted(env: Record<string, string>, logDestination: Writable = discardLogs()): Promise<Started> {
  const routed: string[] = [];
  const service = await createService({
    name: "discovery",
    config: discoveryConfigSchema,
    env: { HOST: "127.0.0.1", PORT: "0", ...env },
    logDestination,
    setup(kit) {
      // onSend: it runs for every answer Fastify sends, those of hooks that answer early too.
      kit.app.addHook("onSend", (request, _reply, payload, done) => {
        routed.push(request.url);
        done(null, payload);
      });
      setupDiscovery(kit);
    },
  });
  return { service, base: await service.listen(), routed };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function get(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** The headers two answers must share: all but the date and the invocation id's value. */
function comparable(answer: Answer): Answer {
  const { date: _date, "x-armature-invocation-id": id, ...headers } = answer.headers;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return { status: answer.status, headers, body: answer.body };
}

describe("discovery lookup fast read", () => {
  let database: TestDatabase;
  let main: Started;
  let logs: LogCapture;
  const env = () => ({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), AUTHORISATION_RULES: JSON.stringify({ admins: ["alice"] }) });
  /** GETs `path` and says whether the route answered it. */
  const lookup = async (path: string, init: RequestInit = {}, started = main) => {
    const before = started.routed.length;
    const answer = await get(`${started.base}${path}`, init);
    return { ...answer, routed: started.routed.length > before };
  };

  beforeAll(async () => {
    database = await createTestDatabase("discovery_fast_read");
    await migrateToLatest({ databaseUrl: database.url, database: "discovery" });
    logs = captureLogs();
    main = await startCounted(env(), logs.destination);
    const put = await fetch(`${main.base}/v1/services/checkout`, { method: "PUT", headers: { "content-type": "application/json", ...actorHeader("alice") }, body: JSON.stringify(registration) });
    expect(put.status).toBe(201);
    expect((await lookup("/v1/services/checkout")).status).toBe(200); // cached now, if the change did not cache it
  });
  afterAll(async () => {
    await main.service.shutdown();
    await database.drop();
  });

  it("answers a cached lookup before Fastify with the route's status, headers and body", async () => {
    const fast = await lookup("/v1/services/checkout");
    expect(fast.routed).toBe(false);
    // A logLevel toggle below the service's level makes the route write its debug line: the route answers.
    const routed = await lookup("/v1/services/checkout", { headers: contextHeader({ toggles: { logLevel: "trace" } }) });
    expect(routed.routed).toBe(true);
    expect(comparable(fast)).toEqual(comparable(routed));
    expect(fast.status).toBe(200);
    expect(fast.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(fast.headers["content-length"]).toBe(String(Buffer.byteLength(fast.body)));
    expect(JSON.parse(fast.body)).toMatchObject({ name: "checkout", version: "1.0.0", endpoints: registration.endpoints });
    expect(fast.headers["x-armature-invocation-id"]).not.toBe(routed.headers["x-armature-invocation-id"]);
  });

  it("observes fast-served lookups in the request-duration metric under the route's labels", async () => {
    const count = async () => {
      const text = await (await fetch(`${main.base}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith("http_server_request_duration_seconds_count{") && l.includes('route="/v1/services/:name"') && l.includes('status_code="200"') && l.includes('method="GET"'));
      return Number(line?.split(" ").pop() ?? 0);
    };
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await lookup("/v1/services/checkout")).routed).toBe(false);
    expect(await count()).toBe(before + 3);
  });

  it("leaves everything unusual to the route, which answers as before", async () => {
    const cases: Array<[string, RequestInit, number]> = [
      ["/v1/services/checkout?verbose=1", {}, 400], // the route takes no query parameters
      ["/v1/services/check%6Fut", {}, 200], // an encoded name: the route decodes it
      ["/v1/services/checkout/", {}, 200], // a trailing slash the router ignores
      ["/v1/services/not-registered", {}, 404],
      ["/v1/services/Not_A_Name", {}, 400],
      ["/v1/services/checkout", { headers: { "x-armature-context": "not base64 json" } }, 400],
      ["/v1/services/checkout", { method: "HEAD" }, 200],
    ];
    for (const [path, init, status] of cases) {
      const answer = await lookup(path, init);
      expect(answer.status, `${init.method ?? "GET"} ${path}`).toBe(status);
      expect(answer.routed, `${init.method ?? "GET"} ${path}`).toBe(true);
    }
    const problem = await lookup("/v1/services/checkout", { headers: { "x-armature-context": "not base64 json" } });
    expect(JSON.parse(problem.body)).toMatchObject({ code: "invalid_context_header" });
    expect(JSON.parse((await lookup("/v1/services/not-registered")).body)).toMatchObject({ status: 404 });
    // The encoded name and the trailing slash are the same lookup: the same body as the fast read's.
    expect((await lookup("/v1/services/check%6Fut")).body).toBe((await lookup("/v1/services/checkout")).body);
  });

  it("a replica with a cold cache answers its first lookup through the route, then fast", async () => {
    const replica = await startCounted(env());
    try {
      const first = await lookup("/v1/services/checkout", {}, replica);
      expect(first).toMatchObject({ status: 200, routed: true });
      const second = await lookup("/v1/services/checkout", {}, replica);
      expect(second).toMatchObject({ status: 200, routed: false });
      expect(comparable(second)).toEqual(comparable(first));
    } finally {
      await replica.service.shutdown();
    }
  });

  it("an expired entry is the route's to refresh", async () => {
    const expiring = await startCounted({ ...env(), DISCOVERY_CACHE_TTL_MS: "100" });
    try {
      const first = await lookup("/v1/services/checkout", {}, expiring);
      await new Promise((resolve) => setTimeout(resolve, 250)); // past the entry's TTL
      const expired = await lookup("/v1/services/checkout", {}, expiring);
      expect(expired).toMatchObject({ status: 200, routed: true });
      expect(expired.body).toBe(first.body);
    } finally {
      await expiring.service.shutdown();
    }
  });

  it("steps aside while draining: the route answers, with connection: close", async () => {
    const draining = await startCounted({ ...env(), SHUTDOWN_DELAY_MS: "1000" });
    expect((await lookup("/v1/services/checkout", {}, draining)).status).toBe(200);
    expect((await lookup("/v1/services/checkout", {}, draining)).routed).toBe(false);
    const stopped = draining.service.shutdown();
    const during = await lookup("/v1/services/checkout", {}, draining);
    expect(during).toMatchObject({ status: 200, routed: true });
    expect(during.headers["connection"]).toBe("close");
    await stopped;
  });

  describe("authorisation", () => {
    it("without caller authentication: an asserted actor's allowed read is fast, a denial is the route's audited 403", async () => {
      const denyLogs = captureLogs();
      const denying = await startCounted({ ...env(), AUTHORISATION_RULES: JSON.stringify({ admins: ["alice"], policies: NO_ANONYMOUS_READS }) }, denyLogs.destination);
      try {
        expect((await lookup("/v1/services/checkout", actorHeaderInit("alice"), denying)).status).toBe(200);
        expect(await lookup("/v1/services/checkout", actorHeaderInit("alice"), denying)).toMatchObject({ status: 200, routed: false });
        const denied = await lookup("/v1/services/checkout", {}, denying);
        expect(denied).toMatchObject({ status: 403, routed: true });
        expect(JSON.parse(denied.body)).toMatchObject({ code: "forbidden" });
        expect(denialsIn(denyLogs)).toMatchObject([{ action: "read", resource: "registration checkout", reason: "forbidden by rule no-anonymous-reads" }]);
      } finally {
        await denying.service.shutdown();
      }
    });

    describe("with caller authentication (CALLER_TOKEN_ISSUERS)", () => {
      let harness: AuthorisationHarness;
      let verified: Started;
      beforeAll(async () => {
        harness = await startAuthorisationHarness({ admins: ["platform/ops-console"], policies: NO_ANONYMOUS_READS });
        verified = await startCounted({ DATABASE_URL: database.url, REDIS_URL: redisUrl(), ...harness.env });
      });
      afterAll(async () => {
        await verified.service.shutdown();
        await harness.close();
      });

      it("a bearer token is verified by the route; an asserted actor is dropped, so its denial is the route's 403", async () => {
        const withToken = await lookup("/v1/services/checkout", { headers: await harness.as("tenant-acme/acme") }, verified);
        expect(withToken).toMatchObject({ status: 200, routed: true });
        const asserted = await lookup("/v1/services/checkout", actorHeaderInit("platform/ops-console"), verified);
        expect(asserted).toMatchObject({ status: 403, routed: true });
        const badToken = await lookup("/v1/services/checkout", { headers: { authorization: "Bearer not-a-token" } }, verified);
        expect(badToken).toMatchObject({ status: 401, routed: true });
      });

      it("an anonymous read the rules allow is fast", async () => {
        harness.writeRules({ admins: ["platform/ops-console"] });
        expect(await verified.service.authorisation.reload()).toBe(true);
        expect((await lookup("/v1/services/checkout", {}, verified)).status).toBe(200);
        expect(await lookup("/v1/services/checkout", {}, verified)).toMatchObject({ status: 200, routed: false });
      });
    });
  });
});

function actorHeaderInit(id: string): RequestInit {
  return { headers: actorHeader(id) };
}
