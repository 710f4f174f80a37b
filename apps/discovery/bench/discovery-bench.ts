/**
 * Discovery benchmarks, each printed with a baseline measured in the same run and the ratio
 * (printed, never asserted). Run: npm run bench:discovery
 *  1. near-cache resolves per second (baseline: a plain Map lookup, and an HTTP lookup per call)
 *  2. lookup requests per second (baseline: a bare Node HTTP server returning the same JSON)
 *  2b. the authorisation step's cost: lookup requests per second with it on, against off
 *  3. push invalidation latency p50/p99 with 10 SDK clients (baseline: raw Redis pub/sub)
 *  4. cold start to ready of the bundled image entry point (baseline: a bare Node HTTP server)
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { freePort } from "../../../tools/test-services/free-port";
import { startPostgres } from "../../../tools/test-services/postgres";
import { startRedis } from "../../../tools/test-services/redis";
import { createLogger } from "../../kit/logger";
import { actorHeader } from "../../kit/testing/actor-header";
import { bundleApp, createBenchDatabase, formatCount as fmt, percentile, runBenchmark, spawnNode, stopChild as stop, waitForOk } from "../../kit/testing/bench";
import { migrateToLatest } from "../../migrator/src";
import { DiscoveryClient } from "../sdk/index";

const BARE_SERVER = `const body = process.env.BODY; require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "application/json; charset=utf-8" }); s.end(body); }).listen(Number(process.env.PORT), "127.0.0.1");`;
const quietLogger = createLogger({ service: "bench", version: "0", level: "error", format: "json" });

async function requestsPerSecond(url: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, headers, connections: 32, duration: 8, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const databaseUrl = await createBenchDatabase(postgres.url, "discovery_bench");
  await migrateToLatest({ databaseUrl, database: "discovery" });
  const bundle = bundleApp("discovery");

  const port = await freePort();
  // The bench's actor is a platform admin, as an operator's would be: the changes below are allowed.
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", AUTHORISATION_RULES: JSON.stringify({ admins: ["bench"] }) };
  const base = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const clients: DiscoveryClient[] = [];
  try {
    const discovery = spawnNode([bundle], env);
    children.push(discovery);
    await waitForOk(`${base}/readyz`);
    const register = (version: string) =>
      fetch(`${base}/v1/services/checkout`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...actorHeader("bench") },
        body: JSON.stringify({ endpoints: ["http://checkout-0:8080", "http://checkout-1:8080"], version, settings: { timeoutMs: 800, retries: 2 } }),
      });
    await register("1");
    const body = await (await fetch(`${base}/v1/services/checkout`)).text();

    // 1. Near-cache resolves per second.
    const sdk = new DiscoveryClient({ url: base, redisUrl: redis.url, logger: quietLogger });
    clients.push(sdk);
    await sdk.resolve("checkout");
    const N = 1_000_000;
    let started = performance.now();
    for (let i = 0; i < N; i++) await sdk.resolve("checkout");
    const sdkRate = N / ((performance.now() - started) / 1000);
    const map = new Map([["checkout", JSON.parse(body) as unknown]]);
    started = performance.now();
    let hits = 0;
    for (let i = 0; i < N; i++) if (map.get("checkout")) hits++;
    const mapRate = hits / ((performance.now() - started) / 1000);
    const M = 2000;
    started = performance.now();
    for (let i = 0; i < M; i++) await (await fetch(`${base}/v1/services/checkout`)).text();
    const httpRate = M / ((performance.now() - started) / 1000);
    console.log(`\n1. near-cache: ${fmt(sdkRate)} resolves/s`);
    console.log(`   baseline plain Map.get: ${fmt(mapRate)} lookups/s (ratio ${(sdkRate / mapRate).toFixed(3)})`);
    console.log(`   baseline HTTP lookup per call: ${fmt(httpRate)} lookups/s (near-cache is ${fmt(sdkRate / httpRate)}x faster)`);

    // 2. Lookup requests per second against a bare Node server returning the same JSON.
    const barePort = await freePort();
    const bare = spawnNode(["-e", BARE_SERVER], { PORT: String(barePort), BODY: body });
    children.push(bare);
    await waitForOk(`http://127.0.0.1:${barePort}/`);
    const bareRate = await requestsPerSecond(`http://127.0.0.1:${barePort}/v1/services/checkout`);
    const lookupRate = await requestsPerSecond(`${base}/v1/services/checkout`);
    await stop(bare);
    console.log(`\n2. discovery lookup: ${fmt(lookupRate)} req/s (autocannon, 32 connections, 8 s)`);
    console.log(`   baseline bare Node HTTP server, same JSON: ${fmt(bareRate)} req/s (ratio ${(lookupRate / bareRate).toFixed(2)}; target >= 0.5)`);

    // 2b. The authorisation step's cost: the same service (run from source with tsx) with the step on and off,
    // one at a time, alternating, lookups by a verified-looking tenant caller (an asserted actor: no issuer here).
    const tenantCaller = { "x-armature-context": Buffer.from(JSON.stringify({ actor: { id: "tenant-acme/acme", type: "service" } })).toString("base64url") };
    const authorisationRates: Record<"on" | "off", number[]> = { on: [], off: [] };
    for (const round of [0, 1, 2, 3]) {
      for (const mode of round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
        const benchPort = await freePort();
        const server = spawnNode(["--import", "tsx", path.join(__dirname, "discovery-server.ts")], { ...env, PORT: String(benchPort), BENCH_AUTHORISATION: mode });
        children.push(server);
        await waitForOk(`http://127.0.0.1:${benchPort}/readyz`);
        authorisationRates[mode].push(await requestsPerSecond(`http://127.0.0.1:${benchPort}/v1/services/checkout`, tenantCaller));
        await stop(server);
      }
    }
    const onRate = percentile(authorisationRates.on, 50);
    const offRate = percentile(authorisationRates.off, 50);
    console.log(`\n2b. authorisation step (Cedar), lookups by a tenant's workload, median of 4 runs: on ${fmt(onRate)} req/s (runs: ${authorisationRates.on.map(fmt).join(", ")})`);
    console.log(`   baseline the same service with the step off: ${fmt(offRate)} req/s (runs: ${authorisationRates.off.map(fmt).join(", ")}; ratio on/off ${(onRate / offRate).toFixed(2)})`);

    // 3. Push invalidation latency with 10 SDK clients.
    const fleet = Array.from({ length: 10 }, () => new DiscoveryClient({ url: base, redisUrl: redis.url, logger: quietLogger }));
    clients.push(...fleet);
    await Promise.all(fleet.map((client) => client.resolve("checkout")));
    await new Promise((resolve) => setTimeout(resolve, 300)); // subscriptions settle
    const latencies: number[] = [];
    for (let round = 2; round <= 101; round++) {
      const version = String(round);
      const t0 = performance.now();
      const seen = fleet.map((client) => new Promise<number>((resolve) => {
        const onChange = (_name: string, document: { version: string } | undefined) => {
          if (document?.version === version) {
            client.off("change", onChange);
            resolve(performance.now() - t0);
          }
        };
        client.on("change", onChange);
      }));
      await register(version);
      latencies.push(...(await Promise.all(seen)));
    }
    const publisher = new Redis(redis.url);
    const subscribers = Array.from({ length: 10 }, () => new Redis(redis.url));
    await Promise.all(subscribers.map((s) => s.subscribe("bench:raw")));
    const raw: number[] = [];
    for (let round = 0; round < 100; round++) {
      const t0 = performance.now();
      const got = subscribers.map((s) => new Promise<number>((resolve) => s.once("message", () => resolve(performance.now() - t0))));
      await publisher.publish("bench:raw", String(round));
      raw.push(...(await Promise.all(got)));
    }
    publisher.disconnect();
    subscribers.forEach((s) => s.disconnect());
    console.log(`\n3. push invalidation, 10 SDK clients x 100 changes (PUT sent -> every client holds the new version):`);
    console.log(`   p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms (target p99 < 50 ms)`);
    console.log(`   baseline raw Redis pub/sub to 10 subscribers: p50 ${percentile(raw, 50).toFixed(2)} ms, p99 ${percentile(raw, 99).toFixed(2)} ms (p99 ratio ${(percentile(latencies, 99) / percentile(raw, 99)).toFixed(1)})`);

    // 4. Cold start to ready: the bundled entry point the image runs, vs a bare Node server.
    await stop(discovery);
    const coldStarts: number[] = [];
    const bareStarts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const child = spawnNode([bundle], env);
      await waitForOk(`${base}/readyz`);
      coldStarts.push(performance.now() - t0);
      await stop(child);
      const p = await freePort();
      const t1 = performance.now();
      const bareChild = spawnNode(["-e", BARE_SERVER], { PORT: String(p), BODY: "{}" });
      await waitForOk(`http://127.0.0.1:${p}/`);
      bareStarts.push(performance.now() - t1);
      await stop(bareChild);
    }
    const median = (values: number[]) => percentile(values, 50);
    console.log(`\n4. cold start to /readyz 200 (bundled discovery, real Postgres + Redis checks), median of 5: ${median(coldStarts).toFixed(0)} ms (target < 500 ms)`);
    console.log(`   baseline bare Node HTTP server to first 200: ${median(bareStarts).toFixed(0)} ms (ratio ${(median(coldStarts) / median(bareStarts)).toFixed(1)})\n`);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(children.map(stop));
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

runBenchmark(main);
