/**
 * The flags service and its SDK against real Postgres and Redis: targeting per environment,
 * segments, opt-out, sticky rollouts by user and by organisation, red/black variants over 100 000
 * users, the lifecycle, the audit log, propagation to several SDKs, and per-invocation toggles.
 */
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisUrl, type TestDatabase } from "../../tools/test-services/fixtures";
import { createService, type Service } from "../kit/index";
import { createLogger } from "../kit/logger";
import { CONTEXT_HEADER } from "../kit/invocation-context";
import { startChildService } from "../kit/testing/child-service";
import { discardLogs } from "../kit/testing/log-capture";
import { migrateToLatest } from "../migrator/src";
import { FLAG_CHANGES_CHANNEL } from "./change-feed";
import { FlagsClient } from "./sdk/index";
import { flagsRequest, startFlags } from "./testing/index";

const quietLogger = createLogger({ service: "flags-sdk-test", version: "0", level: "fatal", format: "json", destination: discardLogs() });
const users = (count: number, prefix = "user") => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
const share = (answers: readonly unknown[], value: unknown) => answers.filter((answer) => answer === value).length / answers.length;
const contextHeader = (context: Record<string, unknown>) => ({ [CONTEXT_HEADER]: Buffer.from(JSON.stringify(context)).toString("base64url") });

describe("flags service and SDK", () => {
  let database: TestDatabase;
  let flags: Service;
  let base: string;
  const clients: FlagsClient[] = [];

  const sdk = (environment = "prod") => {
    const client = new FlagsClient({ url: base, redisUrl: redisUrl(), environment, exposures: false, retryMs: 100, logger: quietLogger });
    clients.push(client);
    return client;
  };
  const request = (method: string, path: string, body?: unknown, actor?: string) => flagsRequest(base, method, path, body, actor);
  /** Creates or replaces a flag, and waits until every client holds the change. */
  const putFlag = async (key: string, definition: unknown, holders: readonly FlagsClient[]) => {
    const response = await request("PUT", `/v1/flags/${key}`, definition);
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    await converged(response.version!, holders);
    return response;
  };
  const converged = (version: number, holders: readonly FlagsClient[]) =>
    expect.poll(() => holders.every((client) => (client.version ?? 0) >= version), { timeout: 5000, interval: 5 }).toBe(true);

  beforeAll(async () => {
    database = await createTestDatabase("flags");
    await migrateToLatest({ databaseUrl: database.url, database: "flags" });
    flags = await startFlags({ DATABASE_URL: database.url, REDIS_URL: redisUrl() }, discardLogs());
    base = await flags.listen();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await flags.shutdown();
    await database.drop();
  });

  it("targets by user id, organisation and any context attribute, per environment", async () => {
    const prod = sdk("prod");
    const staging = sdk("staging");
    const dev = sdk("dev");
    await putFlag(
      "beta-search",
      {
        description: "The new search page",
        environments: {
          prod: {
            enabled: true,
            rules: [
              { name: "staff", constraints: [{ contextName: "userId", operator: "IN", values: ["u-ann", "u-bob"] }] },
              { name: "big customers", constraints: [{ contextName: "organisationId", operator: "IN", values: ["org-acme"] }] },
              {
                name: "EU pro users on a recent app",
                constraints: [
                  { contextName: "country", operator: "IN", values: ["FR", "DE"] },
                  { contextName: "plan", operator: "STR_STARTS_WITH", values: ["pro"] },
                  { contextName: "appVersion", operator: "SEMVER_GTE", value: "2.3.0" },
                ],
              },
            ],
          },
          staging: { enabled: true, rules: [{ name: "everyone" }] },
        },
      },
      [prod, staging, dev],
    );

    expect(prod.evaluate("beta-search", { userId: "u-ann" })).toMatchObject({ enabled: true, reason: "TARGETING_MATCH", stale: false });
    expect(prod.evaluate("beta-search", { userId: "u-zed" })).toMatchObject({ enabled: false, reason: "DEFAULT" });
    expect(prod.isEnabled("beta-search", { userId: "u-zed", organisationId: "org-acme" })).toBe(true);
    expect(prod.isEnabled("beta-search", { userId: "u-zed", properties: { country: "FR", plan: "pro-annual", appVersion: "2.4.1" } })).toBe(true);
    expect(prod.isEnabled("beta-search", { userId: "u-zed", properties: { country: "FR", plan: "basic", appVersion: "2.4.1" } })).toBe(false);
    expect(prod.isEnabled("beta-search", { userId: "u-zed", properties: { country: "FR", plan: "pro", appVersion: "2.2.9" } })).toBe(false);
    expect(prod.isEnabled("beta-search", { userId: "u-zed", properties: { country: "US", plan: "pro", appVersion: "3.0.0" } })).toBe(false);
    expect(staging.evaluate("beta-search", { userId: "u-zed" })).toMatchObject({ enabled: true, reason: "TARGETING_MATCH" });
    expect(dev.evaluate("beta-search", { userId: "u-ann" })).toMatchObject({ enabled: false, reason: "DISABLED" });
    expect(prod.evaluate("no-such-flag", { userId: "u-ann" })).toMatchObject({ enabled: false, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("reuses segments across flags; a segment change reaches every flag using it; a segment in use cannot be deleted", async () => {
    const client = sdk();
    expect((await request("PUT", "/v1/segments/internal-users", { description: "Our own staff", constraints: [{ contextName: "email", operator: "STR_ENDS_WITH", values: ["@armature.dev"] }] })).status).toBe(201);
    expect((await request("PUT", "/v1/segments/enterprise-orgs", { constraints: [{ contextName: "plan", operator: "IN", values: ["enterprise"] }] })).status).toBe(201);
    await putFlag("audit-export", { environments: { prod: { enabled: true, rules: [{ segments: ["internal-users"] }, { segments: ["enterprise-orgs"] }] } } }, [client]);
    await putFlag("sso-v2", { environments: { prod: { enabled: true, rules: [{ segments: ["internal-users"] }] } } }, [client]);

    const staff = { userId: "u-1", properties: { email: "ann@armature.dev" } };
    const enterprise = { userId: "u-2", properties: { email: "bo@customer.example", plan: "enterprise" } };
    const other = { userId: "u-3", properties: { email: "cy@else.example", plan: "free" } };
    expect([client.isEnabled("audit-export", staff), client.isEnabled("sso-v2", staff)]).toEqual([true, true]);
    expect([client.isEnabled("audit-export", enterprise), client.isEnabled("sso-v2", enterprise)]).toEqual([true, false]);
    expect([client.isEnabled("audit-export", other), client.isEnabled("sso-v2", other)]).toEqual([false, false]);

    // Redefining the segment changes both flags, without touching them.
    const changed = await request("PUT", "/v1/segments/internal-users", { constraints: [{ contextName: "email", operator: "STR_ENDS_WITH", values: ["@armature.io"] }] });
    expect(changed.status).toBe(200);
    await converged(changed.version!, [client]);
    expect([client.isEnabled("audit-export", staff), client.isEnabled("sso-v2", staff)]).toEqual([false, false]);
    const moved = { userId: "u-1", properties: { email: "ann@armature.io" } };
    expect([client.isEnabled("audit-export", moved), client.isEnabled("sso-v2", moved)]).toEqual([true, true]);

    const unknown = await request("PUT", "/v1/flags/uses-missing", { environments: { prod: { enabled: true, rules: [{ segments: ["no-such-segment"] }] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: "unknown_segment", issues: [{ in: "body", path: "environments.prod.rules.0.segments.0" }] });
    const inUse = await request("DELETE", "/v1/segments/internal-users");
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: "segment_in_use", detail: expect.stringContaining("audit-export, sso-v2") });
  });

  it("honours opt-out over every rule, and over on-by-default", async () => {
    const client = sdk();
    await request("PUT", "/v1/segments/opted-out-orgs", { constraints: [{ contextName: "organisationId", operator: "IN", values: ["org-private"] }] });
    await putFlag(
      "smart-replies",
      { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 100 } }], optOut: [{ name: "asked us", constraints: [{ contextName: "userId", operator: "IN", values: ["u-no"] }] }, { segments: ["opted-out-orgs"] }] } } },
      [client],
    );
    expect(client.evaluate("smart-replies", { userId: "u-yes" })).toMatchObject({ enabled: true });
    expect(client.evaluate("smart-replies", { userId: "u-no" })).toMatchObject({ enabled: false, reason: "TARGETING_MATCH" });
    expect(client.evaluate("smart-replies", { userId: "u-yes", organisationId: "org-private" })).toMatchObject({ enabled: false, reason: "TARGETING_MATCH" });

    const moved = await request("POST", "/v1/flags/smart-replies/lifecycle", { to: "on-by-default" });
    await putFlag("smart-replies", { environments: { prod: { enabled: true, optOut: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["u-no"] }] }] } } }, [client]);
    expect(moved.status).toBe(200);
    expect(client.evaluate("smart-replies", { userId: "u-yes" })).toMatchObject({ enabled: true, reason: "DEFAULT" });
    expect(client.evaluate("smart-replies", { userId: "u-no" })).toMatchObject({ enabled: false, reason: "TARGETING_MATCH" });
  });

  it("rolls out by user stickily: same answers in every SDK instance, after a restart and in another process; 10 % → 20 % keeps the first 10 % in", async () => {
    const first = sdk();
    const second = sdk();
    await putFlag("new-pricing", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 10, stickiness: "userId" } }] } } }, [first, second]);
    const ids = users(20_000);
    const at10 = ids.map((userId) => first.isEnabled("new-pricing", { userId }));
    expect(ids.map((userId) => second.isEnabled("new-pricing", { userId }))).toEqual(at10);
    expect(share(at10, true)).toBeGreaterThan(0.09);
    expect(share(at10, true)).toBeLessThan(0.11);
    expect(first.evaluate("new-pricing", { userId: ids[at10.indexOf(true)]! }).reason).toBe("SPLIT");

    // A restart: a new SDK instance, and a separate process with its own SDK.
    await first.close();
    const restarted = sdk();
    await restarted.ready();
    expect(ids.map((userId) => restarted.isEnabled("new-pricing", { userId }))).toEqual(at10);
    const child = startChildService(path.join(__dirname, "testing/sdk-answers.ts"), { FLAGS_URL: base, FLAGS_ENVIRONMENT: "prod", FLAG: "new-pricing", USERS: "2000" });
    try {
      const line = await child.waitForLine((candidate) => Array.isArray(candidate["answers"]));
      expect(line["answers"]).toEqual(at10.slice(0, 2000));
    } finally {
      child.kill();
    }

    await putFlag("new-pricing", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 20, stickiness: "userId" } }] } } }, [second, restarted]);
    const at20 = ids.map((userId) => second.isEnabled("new-pricing", { userId }));
    expect(ids.filter((_, index) => at10[index] && !at20[index])).toEqual([]);
    expect(share(at20, true)).toBeGreaterThan(0.19);
    expect(share(at20, true)).toBeLessThan(0.21);
  });

  it("rolls out by organisation: every user of an organisation gets the same answer", async () => {
    const client = sdk();
    await putFlag("team-workspaces", { environments: { prod: { enabled: true, rules: [{ rollout: { percentage: 30, stickiness: "organisationId" } }] } } }, [client]);
    const organisations = users(1000, "org");
    const answers = organisations.map((organisationId) => {
      const perUser = users(5).map((userId) => client.isEnabled("team-workspaces", { userId: `${organisationId}-${userId}`, organisationId }));
      expect(new Set(perUser).size).toBe(1);
      return perUser[0];
    });
    expect(share(answers, true)).toBeGreaterThan(0.25);
    expect(share(answers, true)).toBeLessThan(0.35);
    expect(client.isEnabled("team-workspaces", { userId: "no-org" })).toBe(false); // no organisation: not in the rollout
  });

  it("splits red/black traffic by user up to a threshold: 100 000 users land within 1 % of the weights, stickily", async () => {
    const client = sdk();
    const other = sdk();
    await putFlag(
      "checkout-test",
      {
        environments: {
          prod: {
            enabled: true,
            rules: [{ name: "in the test", rollout: { percentage: 40, stickiness: "userId" } }],
            optOut: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["user-7"] }] }],
            variants: [
              { name: "red", weight: 500, stickiness: "userId", payload: { type: "string", value: "classic" } },
              { name: "black", weight: 300, stickiness: "userId", payload: { type: "string", value: "one-page" } },
              { name: "green", weight: 200, stickiness: "userId" },
            ],
          },
        },
        exposures: true,
      },
      [client, other],
    );
    const ids = users(100_000);
    const assigned = ids.map((userId) => client.variant("checkout-test", { userId })?.name ?? "not in test");
    expect(share(assigned, "not in test")).toBeCloseTo(0.6, 1);
    const inTest = assigned.filter((name) => name !== "not in test");
    expect(Math.abs(share(inTest, "red") - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(share(inTest, "black") - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(share(inTest, "green") - 0.2)).toBeLessThan(0.01);
    expect(assigned[7]).toBe("not in test"); // opted out
    expect(ids.slice(0, 10_000).map((userId) => other.variant("checkout-test", { userId })?.name ?? "not in test")).toEqual(assigned.slice(0, 10_000));
    const inRed = ids[assigned.indexOf("red")]!;
    expect(client.evaluate("checkout-test", { userId: inRed })).toMatchObject({ enabled: true, reason: "SPLIT", variant: { name: "red", payload: { type: "string", value: "classic" } }, variantReason: "SPLIT" });
  });

  it("moves flags off-by-default → on-by-default → always-on, rejects illegal moves, and reports always-on flags as ready to remove", async () => {
    const prod = sdk("prod");
    const dev = sdk("dev");
    await putFlag("search-v2", { environments: { prod: { enabled: true, rules: [{ constraints: [{ contextName: "userId", operator: "IN", values: ["u-1"] }] }] } } }, [prod, dev]);
    const transition = (to: string, actor = "alice") => request("POST", "/v1/flags/search-v2/lifecycle", { to }, actor);
    expect([prod.isEnabled("search-v2", { userId: "u-1" }), prod.isEnabled("search-v2", { userId: "u-2" })]).toEqual([true, false]);

    const skipped = await transition("always-on");
    expect(skipped.status).toBe(409);
    expect(skipped.body).toMatchObject({ code: "illegal_transition", detail: expect.stringContaining("from off-by-default a flag can move to on-by-default") });

    const on = await transition("on-by-default", "bob");
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ lifecycle: "on-by-default", updatedBy: "bob" });
    await converged(on.version!, [prod]);
    expect(prod.evaluate("search-v2", { userId: "u-2" })).toMatchObject({ enabled: true, reason: "DEFAULT" });
    expect(dev.evaluate("search-v2", { userId: "u-2" })).toMatchObject({ enabled: false, reason: "DISABLED" });

    const back = await transition("off-by-default");
    expect(back.status).toBe(200);
    await converged(back.version!, [prod]);
    expect(prod.isEnabled("search-v2", { userId: "u-2" })).toBe(false);
    expect((await transition("on-by-default")).status).toBe(200);
    const always = await transition("always-on", "carol");
    expect(always.status).toBe(200);
    await converged(always.version!, [prod, dev]);
    expect(prod.evaluate("search-v2", { userId: "u-2" })).toMatchObject({ enabled: true, reason: "STATIC", lifecycle: "always-on" });
    expect(dev.evaluate("search-v2", { userId: "u-2" })).toMatchObject({ enabled: true, reason: "STATIC" });

    for (const illegal of ["on-by-default", "off-by-default"]) {
      const refused = await transition(illegal);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: "illegal_transition", detail: expect.stringContaining("always-on is final") });
    }
    const same = await transition("always-on");
    expect([same.status, same.version]).toEqual([200, undefined]); // staying put changes nothing

    const report = await request("GET", "/v1/reports/ready-to-remove");
    expect(report.body["flags"]).toEqual([expect.objectContaining({ key: "search-v2", updatedBy: "carol", alwaysOnSince: expect.any(String) })]);
    expect(prod.removableFlags()).toEqual(["search-v2"]);
    const audit = await request("GET", "/v1/flags/search-v2/audit");
    const entries = audit.body["entries"] as Array<Record<string, unknown>>;
    expect(entries.map((entry) => [entry["action"], entry["actor"], (entry["after"] as { lifecycle?: string })?.lifecycle])).toEqual([
      ["transition", "carol", "always-on"],
      ["transition", "alice", "on-by-default"],
      ["transition", "alice", "off-by-default"],
      ["transition", "bob", "on-by-default"],
      ["create", "alice", "off-by-default"],
    ]);
    expect(entries[0]).toMatchObject({ before: { lifecycle: "on-by-default" }, version: always.version, invocationId: expect.any(String) });
  });

  it("audits every change with who, when, before and after; a deleted flag is gone from the SDKs", async () => {
    const client = sdk();
    await putFlag("temp-banner", { environments: { prod: { enabled: true, rules: [{}] } } }, [client]);
    const replaced = await request("PUT", "/v1/flags/temp-banner", { description: "Holiday banner", environments: { prod: { enabled: false } } }, "bob");
    expect(replaced.status).toBe(200);
    const removed = await request("DELETE", "/v1/flags/temp-banner", undefined, "carol");
    expect(removed.status).toBe(204);
    await converged(removed.version!, [client]);
    expect(client.evaluate("temp-banner", {})).toMatchObject({ reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    const entries = (await request("GET", "/v1/flags/temp-banner/audit")).body["entries"] as Array<Record<string, unknown>>;
    expect(entries.map((entry) => [entry["action"], entry["actor"]])).toEqual([["delete", "carol"], ["update", "bob"], ["create", "alice"]]);
    expect(entries[0]).toMatchObject({ after: null, before: { description: "Holiday banner" } });
    expect(entries[1]).toMatchObject({ before: { description: "" }, after: { description: "Holiday banner" } });
    expect(Date.parse(String(entries[2]!["at"]))).not.toBeNaN();
    expect((await request("GET", "/v1/flags/temp-banner")).status).toBe(404);
    const anonymous = await fetch(`${base}/v1/flags/unsigned`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "actor_required" });
  });

  it("pushes each change, document included, to several SDKs without a request per SDK; a version gap makes them fetch the set", async () => {
    const fleet = Array.from({ length: 8 }, (_, index) => sdk(index % 2 === 0 ? "prod" : "staging"));
    await Promise.all(fleet.map((client) => client.ready()));
    await putFlag("fleet-flag", { environments: { prod: { enabled: true, rules: [{}] } } }, fleet);
    const setFetches = async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const lines = metrics.split("\n").filter((text) => text.startsWith("http_server_request_duration_seconds_count") && text.includes('route="/v1/flag-set"'));
      return lines.reduce((sum, line) => sum + Number(line.split(" ").pop()), 0); // 200s and 304s
    };
    // Wait until the fleet is subscribed and its start-up loads are done: from here only pushes count.
    await expect.poll(() => fleet.every((client) => !client.stale)).toBe(true);
    let before = await setFetches();
    for (let settled = false; !settled; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await setFetches();
      settled = now === before;
      before = now;
    }
    const heard = fleet.map((client) => new Promise<readonly string[]>((resolve) => client.once("change", (change) => resolve(change.flags))));
    const change = await request("PUT", "/v1/flags/fleet-flag", { environments: { prod: { enabled: true, rules: [{}] }, staging: { enabled: true, rules: [{}] } } });
    expect(await Promise.all(heard)).toEqual(fleet.map(() => ["fleet-flag"]));
    expect(fleet.map((client) => [client.version, client.isEnabled("fleet-flag")])).toEqual(fleet.map(() => [change.version, true]));
    expect(await setFetches()).toBe(before); // the push carried the document: nobody fetched the set

    // A message that skips versions (as if some were lost): every SDK loads the whole set instead.
    const redis = new Redis(redisUrl());
    try {
      await redis.publish(FLAG_CHANGES_CHANNEL, JSON.stringify({ version: change.version! + 5, at: new Date().toISOString(), kind: "flag", key: "ghost", document: null }));
      await expect.poll(setFetches, { timeout: 5000 }).toBeGreaterThanOrEqual(before + fleet.length);
      expect(fleet.map((client) => client.version)).toEqual(fleet.map(() => change.version));
    } finally {
      redis.disconnect();
    }
  });

  it("forces a flag for one invocation through a toggle in the invocation context; fills the user and organisation from it", async () => {
    const client = sdk();
    await putFlag(
      "one-click-checkout",
      {
        environments: {
          prod: {
            enabled: true,
            rules: [{ constraints: [{ contextName: "organisationId", operator: "IN", values: ["acme"] }] }],
            variants: [
              { name: "red", weight: 500 },
              { name: "black", weight: 500 },
            ],
          },
        },
      },
      [client],
    );
    // An app on the kit: the SDK reads the invocation context of each request by itself.
    const shop = await createService({
      name: "shop",
      env: { HOST: "127.0.0.1", PORT: "0" },
      logDestination: discardLogs(),
      setup(kit) {
        kit.app.get("/v1/checkout", () => {
          const details = client.evaluate("one-click-checkout");
          return { enabled: details.enabled, reason: details.reason, variant: details.variant?.name ?? null, forced: details.forced };
        });
      },
    });
    try {
      const call = async (context?: Record<string, unknown>) => (await shop.app.inject({ method: "GET", url: "/v1/checkout", headers: context ? contextHeader(context) : {} })).json<Record<string, unknown>>();
      expect(await call()).toMatchObject({ enabled: false, reason: "DEFAULT", forced: false });
      expect(await call({ tenant: "acme", actor: { id: "u-1", type: "user" } })).toMatchObject({ enabled: true, reason: "TARGETING_MATCH", forced: false, variant: expect.stringMatching(/^(red|black)$/) });
      expect(await call({ toggles: { "flag:one-click-checkout": true } })).toEqual({ enabled: true, reason: "TARGETING_MATCH", variant: null, forced: true });
      expect(await call({ tenant: "acme", toggles: { "flag:one-click-checkout": false } })).toEqual({ enabled: false, reason: "TARGETING_MATCH", variant: null, forced: true });
      expect(await call({ toggles: { "flag:one-click-checkout": "black" } })).toEqual({ enabled: true, reason: "TARGETING_MATCH", variant: "black", forced: true });
      expect(await call({ toggles: { "flag:one-click-checkout": "purple" } })).toMatchObject({ enabled: false, forced: false }); // not a variant: ignored
      expect(await call()).toMatchObject({ enabled: false, forced: false }); // the next invocation is untouched
      // The same toggles work for clients in other languages, through the evaluate endpoint.
      const remote = await fetch(`${base}/v1/evaluate`, {
        method: "POST",
        headers: { "content-type": "application/json", ...contextHeader({ toggles: { "flag:one-click-checkout": "red" } }) },
        body: JSON.stringify({ environment: "prod", flags: ["one-click-checkout"], context: { userId: "u-9" } }),
      });
      expect(((await remote.json()) as { results: Record<string, unknown> }).results["one-click-checkout"]).toMatchObject({ enabled: true, variant: { name: "red" }, forced: true });
    } finally {
      await shop.shutdown();
    }
  });
});
