/**
 * Discovery benchmarks, each printed with a baseline measured in the same run and the ratio
 * (printed, never asserted). Run: npm run bench:discovery
 *  1. near-cache resolves per second, synchronous (resolveCached) and async (baseline: a plain Map lookup, and an HTTP lookup per call)
 *  2. lookup requests per second (baseline: a bare Node HTTP server returning the same JSON)
 *  2b. the authorisation step's cost: lookup requests per second with it on, against off
 *  3. push invalidation latency p50/p99 with 10 SDK clients (baseline: raw Redis pub/sub)
 *  4. cold start to ready of the bundled image entry point (baseline: a bare Node HTTP server)
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
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

async function requestsPerSecond(url: string, headers: Record<string, string> = {}, duration = 8): Promise<number> {
  const result = await autocannon({ url, headers, connections: 32, duration, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const LOOKUP_RUN_SECONDS = 5;

interface ServerRun {
  readonly rate: number;
  /** The server process's CPU (user + system) per request, where /proc tells it (Linux). */
  readonly cpuMicrosPerRequest?: number;
}

/** CPU seconds `child` has used so far, from /proc/<pid>/stat (in clock ticks, USER_HZ 100); undefined elsewhere. */
function cpuSeconds(child: ChildProcess): number | undefined {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function serverRun(server: ChildProcess, url: string): Promise<ServerRun> {
  const before = cpuSeconds(server);
  const rate = await requestsPerSecond(url, {}, LOOKUP_RUN_SECONDS);
  const after = cpuSeconds(server);
  const cpu = before === undefined || after === undefined ? {} : { cpuMicrosPerRequest: ((after - before) * 1e6) / (rate * LOOKUP_RUN_SECONDS) };
  return { rate, ...cpu };
}

function describeRuns(runs: readonly ServerRun[]): string {
  const cpu = runs.every((run) => run.cpuMicrosPerRequest !== undefined) ? `; server CPU ${runs.map((run) => run.cpuMicrosPerRequest!.toFixed(1)).join(", ")} µs/request` : "";
  return `${runs.map((run) => fmt(run.rate)).join(", ")} req/s${cpu}`;
}

/** Baseline CPU per request over discovery's (medians): the throughput ratio a CPU-bound server would reach. */
function cpuRatio(lookupRuns: readonly ServerRun[], bareRuns: readonly ServerRun[]): string {
  const lookup = lookupRuns.map((run) => run.cpuMicrosPerRequest).filter((cpu) => cpu !== undefined);
  const bare = bareRuns.map((run) => run.cpuMicrosPerRequest).filter((cpu) => cpu !== undefined);
  if (lookup.length !== lookupRuns.length || bare.length !== bareRuns.length) return "";
  return `; CPU per request ratio ${(percentile(bare, 50) / percentile(lookup, 50)).toFixed(2)}`;
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
    // The synchronous path and its baseline, alternated five times (the first a warm-up), medians.
    const map = new Map([["checkout", JSON.parse(body) as unknown]]);
    const syncRates: number[] = [];
    const mapRates: number[] = [];
    const SYNC_N = 10_000_000;
    for (let run = 0; run < 5; run++) {
      started = performance.now();
      let served = 0;
      for (let i = 0; i < SYNC_N; i++) if (sdk.resolveCached("checkout")) served++;
      syncRates.push(served / ((performance.now() - started) / 1000));
      started = performance.now();
      let hits = 0;
      for (let i = 0; i < SYNC_N; i++) if (map.get("checkout")) hits++;
      mapRates.push(hits / ((performance.now() - started) / 1000));
    }
    const syncRate = percentile(syncRates.slice(1), 50);
    const mapRate = percentile(mapRates.slice(1), 50);
    const M = 2000;
    started = performance.now();
    for (let i = 0; i < M; i++) await (await fetch(`${base}/v1/services/checkout`)).text();
    const httpRate = M / ((performance.now() - started) / 1000);
    console.log(`\n1. near-cache, synchronous resolveCached (fresh entry, no override), median of 4: ${fmt(syncRate)} resolves/s (target >= 10 M/s)`);
    console.log(`   baseline plain Map.get, alternated with it: ${fmt(mapRate)} lookups/s (ratio ${(syncRate / mapRate).toFixed(3)})`);
    console.log(`   async resolve: ${fmt(sdkRate)} resolves/s (ratio to Map.get ${(sdkRate / mapRate).toFixed(3)}, to resolveCached ${(sdkRate / syncRate).toFixed(3)})`);
    console.log(`   baseline HTTP lookup per call: ${fmt(httpRate)} lookups/s (near-cache is ${fmt(sdkRate / httpRate)}x faster)`);

    // 2. Lookup requests per second against a bare Node server returning the same JSON, alternated three
    // times (a shared machine's load moves between runs: the median ratio is the figure), with the CPU
    // each server spends per request, which depends less on what else the machine is doing.
    const barePort = await freePort();
    const bare = spawnNode(["-e", BARE_SERVER], { PORT: String(barePort), BODY: body });
    children.push(bare);
    await waitForOk(`http://127.0.0.1:${barePort}/`);
    const load = loadavg().map((average) => average.toFixed(1)).join(" ");
    const lookupRuns: ServerRun[] = [];
    const bareRuns: ServerRun[] = [];
    for (let round = 0; round < 3; round++) {
      bareRuns.push(await serverRun(bare, `http://127.0.0.1:${barePort}/v1/services/checkout`));
      lookupRuns.push(await serverRun(discovery, `${base}/v1/services/checkout`));
    }
    await stop(bare);
    const ratios = lookupRuns.map((run, i) => run.rate / bareRuns[i]!.rate);
    console.log(`\n2. discovery lookup, authorisation step on as deployed, 3 runs alternated with the baseline (autocannon, 32 connections, ${LOOKUP_RUN_SECONDS} s each; load average ${load}):`);
    console.log(`   discovery: ${describeRuns(lookupRuns)}`);
    console.log(`   baseline bare Node HTTP server, same JSON: ${describeRuns(bareRuns)}`);
    console.log(`   ratio ${percentile(ratios, 50).toFixed(2)} (median; runs ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")}; target >= 0.8)${cpuRatio(lookupRuns, bareRuns)}`);

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
