/**
 * Flags benchmarks, each printed with a baseline measured in the same run and the ratio (printed,
 * never asserted). Run: npm run bench:flags [-- --rounds 3]
 *  1. in-process evaluations per second: the flags SDK against unleash-client, both offline on the
 *     same flag set (an Unleash feature set, read by the SDK through importUnleash) and the same
 *     contexts; the answers are compared first, so both compute the same thing. Rows: isEnabled
 *     over the whole mix, isEnabled of a flag with no constraints (kill-switch), variant.
 *  2. change propagation latency p50/p99 from the API write to 20 SDK instances evaluating the new
 *     set (the bundled service in its own process, real Postgres and Redis). Baselines: raw Redis
 *     pub/sub to 20 subscribers, and a push that makes every client fetch the set (the per-client
 *     round trip the flags push avoids).
 */
import { Redis } from "ioredis";
import { InMemStorageProvider, Unleash, type Context as UnleashContext } from "unleash-client";
import { freePort } from "../../../tools/test-services/free-port";
import { startPostgres } from "../../../tools/test-services/postgres";
import { startRedis } from "../../../tools/test-services/redis";
import { createLogger } from "../../kit/logger";
import { actorHeader } from "../../kit/testing/actor-header";
import { bundleApp, createBenchDatabase, formatCount as fmt, percentile, runBenchmark, spawnNode, stopChild, waitForOk } from "../../kit/testing/bench";
import { migrateToLatest } from "../../migrator/src";
import { FLAG_CHANGES_CHANNEL } from "../change-feed";
import type { FlagContext } from "../engine/context";
import { FlagsClient } from "../sdk/index";
import { type UnleashFeature, type UnleashSegment, importUnleash } from "../unleash/import-unleash";

const quietLogger = createLogger({ service: "bench", version: "0", level: "error", format: "json" });
const median = (values: readonly number[]) => percentile(values, 50);

/** A realistic mix: on/off, a user list, rollouts, attribute targeting, a segment, red/black variants, an org-sticky test, a dependency, a disabled flag. */
const FEATURES: UnleashFeature[] = [
  { name: "kill-switch", enabled: true, strategies: [{ name: "default" }] },
  { name: "staff-preview", enabled: true, strategies: [{ name: "userWithId", parameters: { userIds: Array.from({ length: 50 }, (_, i) => `user-${i * 37}`).join(",") } }] },
  { name: "new-pricing", enabled: true, strategies: [{ name: "flexibleRollout", parameters: { rollout: "25", stickiness: "userId", groupId: "new-pricing" } }] },
  {
    name: "eu-pro-recent",
    enabled: true,
    strategies: [
      {
        name: "default",
        constraints: [
          { contextName: "country", operator: "IN", values: ["FR", "DE", "NL", "SE"] },
          { contextName: "plan", operator: "STR_STARTS_WITH", values: ["pro"] },
          { contextName: "appVersion", operator: "SEMVER_GTE", value: "2.3.0" },
        ],
      },
    ],
  },
  { name: "internal-tools", enabled: true, strategies: [{ name: "flexibleRollout", parameters: { rollout: "100", stickiness: "default", groupId: "internal-tools" }, segments: [1] }] },
  {
    name: "checkout-test",
    enabled: true,
    strategies: [{ name: "flexibleRollout", parameters: { rollout: "50", stickiness: "userId", groupId: "checkout-test" } }],
    variants: [
      { name: "red", weight: 500, stickiness: "userId", payload: { type: "string", value: "classic" } },
      { name: "black", weight: 500, stickiness: "userId", payload: { type: "string", value: "one-page" } },
    ],
  },
  {
    name: "workspace-test",
    enabled: true,
    strategies: [
      {
        name: "flexibleRollout",
        parameters: { rollout: "30", stickiness: "organisationId", groupId: "workspace-test" },
        variants: [
          { name: "a", weight: 334, stickiness: "organisationId" },
          { name: "b", weight: 333, stickiness: "organisationId" },
          { name: "c", weight: 333, stickiness: "organisationId" },
        ],
      },
    ],
  },
  { name: "needs-pricing", enabled: true, strategies: [{ name: "default" }], dependencies: [{ feature: "new-pricing" }] },
  { name: "retired", enabled: false, strategies: [{ name: "default" }] },
];
const SEGMENTS: UnleashSegment[] = [
  {
    id: 1,
    name: "internal users",
    constraints: [
      { contextName: "email", operator: "STR_ENDS_WITH", values: ["@armature.dev"] },
      { contextName: "seats", operator: "NUM_GTE", value: "10" },
    ],
  },
];

function contexts(count: number): FlagContext[] {
  const countries = ["FR", "DE", "US", "GB", "SE", "JP"];
  const plans = ["free", "pro", "pro-annual", "enterprise"];
  return Array.from({ length: count }, (_, i) => ({
    userId: `user-${i}`,
    organisationId: `org-${i % 97}`,
    properties: { country: countries[i % countries.length]!, plan: plans[i % plans.length]!, appVersion: `2.${i % 6}.${i % 3}`, email: i % 5 === 0 ? `u${i}@armature.dev` : `u${i}@example.com`, seats: i % 40 },
  }));
}

async function offlineUnleash(): Promise<Unleash> {
  const unleash = new Unleash({
    appName: "bench",
    url: "http://127.0.0.1:9/", // never contacted: refreshInterval 0, metrics off
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: FEATURES as never, segments: SEGMENTS as never },
  });
  await new Promise<void>((resolve, reject) => {
    unleash.once("ready", resolve);
    unleash.once("error", reject);
  });
  return unleash;
}

function evaluationBenchmark(client: FlagsClient, unleash: Unleash): void {
  const keys = FEATURES.map((feature) => feature.name);
  const variantKeys = ["checkout-test", "workspace-test"];
  const all = contexts(1000);
  const asUnleash = all as unknown as UnleashContext[];

  // Same answers first: otherwise the comparison means nothing.
  let checked = 0;
  for (const [index, context] of all.entries()) {
    for (const key of keys) {
      checked++;
      if (client.isEnabled(key, context) !== unleash.isEnabled(key, asUnleash[index])) throw new Error(`answers differ for ${key} and ${context.userId}`);
    }
    for (const key of variantKeys) {
      checked++;
      const ours = client.variant(key, context)?.name ?? "disabled";
      if (ours !== unleash.getVariant(key, asUnleash[index]).name) throw new Error(`variants differ for ${key} and ${context.userId}`);
    }
  }

  const ITERATIONS = 40;
  const timed = (label: string, evaluate: (key: string, index: number) => unknown, over: readonly string[]) => {
    const started = performance.now();
    let sink = 0;
    for (let round = 0; round < ITERATIONS; round++) {
      for (let index = 0; index < all.length; index++) for (const key of over) if (evaluate(key, index)) sink++;
    }
    const seconds = (performance.now() - started) / 1000;
    if (sink < 0) console.log(label); // keeps the loop from being optimised away
    return (ITERATIONS * all.length * over.length) / seconds;
  };
  const unconstrained = ["kill-switch"];
  const ours = { enabled: [] as number[], unconstrained: [] as number[], variant: [] as number[] };
  const theirs = { enabled: [] as number[], unconstrained: [] as number[], variant: [] as number[] };
  for (let run = 0; run < 7; run++) {
    // Alternate, so drift on a shared machine hits both alike; the first run is a warm-up.
    const runOurs = () => {
      ours.enabled.push(timed("ours", (key, index) => client.isEnabled(key, all[index]), keys));
      ours.unconstrained.push(timed("ours", (key, index) => client.isEnabled(key, all[index]), unconstrained));
      ours.variant.push(timed("ours", (key, index) => client.variant(key, all[index]), variantKeys));
    };
    const runTheirs = () => {
      theirs.enabled.push(timed("unleash", (key, index) => unleash.isEnabled(key, asUnleash[index]), keys));
      theirs.unconstrained.push(timed("unleash", (key, index) => unleash.isEnabled(key, asUnleash[index]), unconstrained));
      theirs.variant.push(timed("unleash", (key, index) => unleash.getVariant(key, asUnleash[index]), variantKeys));
    };
    if (run % 2 === 0) {
      runOurs();
      runTheirs();
    } else {
      runTheirs();
      runOurs();
    }
  }
  const steady = (values: number[]) => median(values.slice(1));
  console.log(`\n1. in-process evaluation, ${keys.length} flags x ${all.length} contexts (answers agree on all ${fmt(checked)} checks), median of 6 runs:`);
  console.log(`   isEnabled, the mix:            flags SDK ${fmt(steady(ours.enabled))}/s, baseline unleash-client ${fmt(steady(theirs.enabled))}/s (ratio ${(steady(ours.enabled) / steady(theirs.enabled)).toFixed(2)}; target >= 10)`);
  console.log(`   isEnabled, no constraints:     flags SDK ${fmt(steady(ours.unconstrained))}/s (target >= 10 M/s), baseline unleash-client ${fmt(steady(theirs.unconstrained))}/s (ratio ${(steady(ours.unconstrained) / steady(theirs.unconstrained)).toFixed(2)})`);
  console.log(`   variant:                       flags SDK ${fmt(steady(ours.variant))}/s, baseline unleash-client getVariant ${fmt(steady(theirs.variant))}/s (ratio ${(steady(ours.variant) / steady(theirs.variant)).toFixed(2)}; target >= 1)`);
}

async function propagationBenchmark(base: string, redisUrl: string): Promise<void> {
  const SDKS = 20;
  const ROUNDS = 200;
  const put = (round: number) =>
    fetch(`${base}/v1/flags/propagated`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...actorHeader("bench") },
      body: JSON.stringify({ description: `round ${round}`, environments: { prod: { enabled: true, rules: [{ rollout: { percentage: round % 100 } }] } } }),
    }).then(async (response) => {
      // A refused change would leave every SDK waiting for a push that never comes.
      if (!response.ok) throw new Error(`PUT /v1/flags/propagated answered ${response.status}: ${await response.text()}`);
    });
  await put(0);
  const fleet = Array.from({ length: SDKS }, () => new FlagsClient({ url: base, redisUrl, environment: "prod", exposures: false, logger: quietLogger }));
  await Promise.all(fleet.map((client) => client.ready()));
  await new Promise((resolve) => setTimeout(resolve, 500)); // subscriptions settle

  /** From just before the PUT until every client evaluates the new set. */
  const measure = async (rounds: number, arm: (t0: number) => Array<Promise<number>>, write: (round: number) => Promise<unknown>) => {
    const latencies: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const t0 = performance.now();
      const seen = arm(t0);
      await write(round);
      latencies.push(...(await Promise.all(seen)));
    }
    return latencies;
  };
  const flagsLatencies = await measure(
    ROUNDS,
    (t0) =>
      fleet.map(
        (client) =>
          new Promise<number>((resolve) =>
            client.once("change", () => {
              client.isEnabled("propagated", { userId: "u-1" }); // the new set is compiled and answering
              resolve(performance.now() - t0);
            }),
          ),
      ),
    put,
  );

  // Baseline: the same push, but each client fetches the whole set (a per-client round trip).
  const subscribers = Array.from({ length: SDKS }, () => new Redis(redisUrl));
  await Promise.all(subscribers.map((subscriber) => subscriber.subscribe(FLAG_CHANGES_CHANNEL)));
  await Promise.all(fleet.map((client) => client.close()));
  const refetchLatencies = await measure(
    ROUNDS,
    (t0) => subscribers.map((subscriber) => new Promise<number>((resolve) => subscriber.once("message", () => void fetch(`${base}/v1/flag-set`).then((response) => response.json()).then(() => resolve(performance.now() - t0))))),
    put,
  );
  // Baseline: raw Redis pub/sub, nothing else.
  const publisher = new Redis(redisUrl);
  await Promise.all(subscribers.map((subscriber) => subscriber.unsubscribe(FLAG_CHANGES_CHANNEL).then(() => subscriber.subscribe("bench:raw"))));
  const rawLatencies = await measure(ROUNDS, (t0) => subscribers.map((subscriber) => new Promise<number>((resolve) => subscriber.once("message", () => resolve(performance.now() - t0)))), (round) => publisher.publish("bench:raw", String(round)));
  publisher.disconnect();
  subscribers.forEach((subscriber) => subscriber.disconnect());

  const line = (values: number[]) => `p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;
  console.log(`\n2. change propagation, ${SDKS} SDK instances x ${ROUNDS} changes (PUT sent -> every SDK evaluates the new set):`);
  console.log(`   flags push (document and version in the message): ${line(flagsLatencies)} (target p99 < 100 ms)`);
  console.log(`   baseline push + each client fetches GET /v1/flag-set: ${line(refetchLatencies)} (p99 ratio ${(percentile(flagsLatencies, 99) / percentile(refetchLatencies, 99)).toFixed(2)})`);
  console.log(`   baseline raw Redis pub/sub to ${SDKS} subscribers: ${line(rawLatencies)} (p99 ratio ${(percentile(flagsLatencies, 99) / percentile(rawLatencies, 99)).toFixed(1)})`);
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] ?? 1) || 1;
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const databaseUrl = await createBenchDatabase(postgres.url, "flags_bench");
  await migrateToLatest({ databaseUrl, database: "flags" });
  const bundle = bundleApp("flags");
  const port = await freePort();
  // The bench's actor is a platform admin, as an operator's would be: the flag changes below are allowed.
  const service = spawnNode([bundle], { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", AUTHORISATION_RULES: JSON.stringify({ admins: ["bench"] }) });
  const base = `http://127.0.0.1:${port}`;
  const client = new FlagsClient({ environment: "default", bootstrap: { version: 1, ...importUnleash({ features: FEATURES, segments: SEGMENTS }, "default") }, exposures: false, logger: quietLogger });
  const unleash = await offlineUnleash();
  try {
    await waitForOk(`${base}/readyz`);
    for (let round = 1; round <= rounds; round++) {
      console.log(`\n=== round ${round} of ${rounds} (node ${process.version}) ===`);
      evaluationBenchmark(client, unleash);
      await propagationBenchmark(base, redis.url);
    }
    console.log("");
  } finally {
    unleash.destroy();
    await client.close();
    await stopChild(service);
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

runBenchmark(main);
