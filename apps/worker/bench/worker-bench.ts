/**
 * Worker benchmarks, each with a baseline measured in the same run and the ratio (printed, never
 * asserted). Run: npm run bench:worker [-- --jobs N --rounds R]
 *  1. no-op jobs per second through 1 agent and through 5 agents (child processes running the
 *     bundled image entry point, 8 concurrent attempts each); baseline: a bare FOR UPDATE SKIP
 *     LOCKED queue (bench/bare-queue.ts) with the same processes and slots.
 *  2. trigger-to-start latency p50/p99: a trigger through the HTTP API to the attempt starting on an
 *     idle agent (Postgres clock); baseline: INSERT + NOTIFY to a bare worker's claim.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort } from "../../../tools/test-services/free-port";
import { startPostgres } from "../../../tools/test-services/postgres";
import { encodeContextHeader } from "../../kit/index";
import { testAuthorisationEnv } from "../../kit/testing/authorisation-rules";
import { bundleApp, createBenchDatabase, formatCount, percentile, runBenchmark, spawnNode, stopChild, waitForOk } from "../../kit/testing/bench";
import { migrateToLatest } from "../../migrator/src";
import { BARE_CHANNEL, BARE_SCHEMA } from "./bare-queue";

const SLOTS = 8;
const LATENCY_SAMPLES = 300;

async function startAgents(bundle: string, databaseUrl: string, count: number): Promise<{ children: ChildProcess[]; urls: string[] }> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const children = ports.map((port, i) =>
    spawnNode([bundle], { DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", WORKER_AGENT_ID: `bench-${i}`, WORKER_CONCURRENCY: String(SLOTS), ...testAuthorisationEnv() }),
  );
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  await Promise.all(urls.map((url) => waitForOk(`${url}/readyz`)));
  await new Promise((resolve) => setTimeout(resolve, 1000)); // their LISTEN connections settle
  return { children, urls };
}

async function startBareWorkers(databaseUrl: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "bare-queue.ts")], { env: { ...process.env, DATABASE_URL: databaseUrl, SLOTS: String(SLOTS) }, stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      return child;
    }),
  );
}

/** Fills the queue in one transaction, then waits until it is empty: jobs per second on Postgres' clock. */
async function drain(db: pg.Client, fill: string, notify: string, pendingSql: string, lastFinishSql: string, jobs: number): Promise<number> {
  await db.query("begin");
  await db.query(fill, [jobs]);
  await db.query(`select pg_notify(${notify})`);
  await db.query("commit");
  const started = (await db.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
  for (;;) {
    const { rows } = await db.query<{ pending: number }>(pendingSql);
    if (rows[0]!.pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const finished = (await db.query<{ last: Date }>(lastFinishSql)).rows[0]!.last;
  return jobs / ((finished.getTime() - started.getTime()) / 1000);
}

const RUNTIME_FILL = `insert into armature_worker.runs (job_id, params, params_key, max_attempts, context)
  select 'platform.noop', p, encode(sha256(convert_to(p::text, 'UTF8')), 'hex'), 1, '{"actor":{"id":"bench","type":"service"}}'::jsonb
  from (select jsonb_build_object('tag', 'bench-' || g) as p from generate_series(1, $1) g) s`;
const runtimeThroughput = (db: pg.Client, jobs: number) =>
  drain(db, RUNTIME_FILL, "'armature_worker_runs', 'platform.noop'", "select count(*)::int as pending from armature_worker.runs where state in ('queued', 'retrying', 'running')", "select max(finished_at) as last from armature_worker.runs", jobs);
const bareThroughput = (db: pg.Client, jobs: number) =>
  drain(db, "insert into bench_bare (payload) select jsonb_build_object('tag', 'bench-' || g) from generate_series(1, $1) g", `'${BARE_CHANNEL}', ''`, "select count(*)::int as pending from bench_bare where state <> 'done'", "select max(finished_at) as last from bench_bare", jobs);

async function runtimeLatency(db: pg.Client, url: string): Promise<number[]> {
  const headers = { "content-type": "application/json", "x-armature-context": encodeContextHeader({ traceId: "", spanId: "", invocationId: "bench", actor: { id: "bench", type: "service" } }) };
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const response = await fetch(`${url}/v1/jobs/platform.noop/runs`, { method: "POST", headers, body: JSON.stringify({ params: { tag: `latency-${i}` } }) });
    if (response.status !== 202) throw new Error(`trigger: ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await waitEmpty(db, "select count(*)::int as pending from armature_worker.runs where state <> 'succeeded'");
  const { rows } = await db.query<{ ms: number }>(
    `select extract(epoch from (a.started_at - t.created_at)) * 1000 as ms from armature_worker.triggers t join armature_worker.attempts a on a.run_id = t.run_id where t.context->>'parentInvocationId' = 'bench'`,
  );
  return rows.map((row) => Number(row.ms));
}

async function bareLatency(db: pg.Client): Promise<number[]> {
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    await db.query(`with job as (insert into bench_bare (payload) values (jsonb_build_object('tag', $1::text)) returning id) select pg_notify('${BARE_CHANNEL}', '') from job`, [`latency-${i}`]);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await waitEmpty(db, "select count(*)::int as pending from bench_bare where state <> 'done'");
  const { rows } = await db.query<{ ms: number }>("select extract(epoch from (claimed_at - created_at)) * 1000 as ms from bench_bare");
  return rows.map((row) => Number(row.ms));
}

async function waitEmpty(db: pg.Client, pendingSql: string): Promise<void> {
  while ((await db.query<{ pending: number }>(pendingSql)).rows[0]!.pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { jobs: { type: "string", default: "4000" }, rounds: { type: "string", default: "1" } } });
  const jobs = Number(values.jobs);
  const rounds = Number(values.rounds);
  const postgres = await startPostgres();
  const databaseUrl = await createBenchDatabase(postgres.url, "worker_bench");
  await migrateToLatest({ databaseUrl, database: "worker" });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(BARE_SCHEMA);
  // The latency triggers reuse their invocation id and tags every round: their idempotency records go too.
  const reset = () => db.query("truncate armature_worker.runs cascade; truncate idempotent_commands; truncate bench_bare");

  const bundle = bundleApp("worker");
  const children: ChildProcess[] = [];
  try {
    console.log(`\nworker benchmark: ${jobs} no-op jobs per measurement, ${SLOTS} concurrent attempts per process, ${rounds} round(s)`);
    for (let round = 1; round <= rounds; round++) {
      console.log(`\nround ${round}`);
      for (const processes of [1, 5]) {
        const agents = await startAgents(bundle, databaseUrl, processes);
        children.push(...agents.children);
        await reset();
        const runtimeRate = await runtimeThroughput(db, jobs);
        await Promise.all(agents.children.map(stopChild));
        const bare = await startBareWorkers(databaseUrl, processes);
        children.push(...bare);
        await reset();
        const bareRate = await bareThroughput(db, jobs);
        await Promise.all(bare.map(stopChild));
        console.log(`1. ${processes} agent${processes > 1 ? "s" : ""}: ${formatCount(runtimeRate)} jobs/s; baseline bare SKIP LOCKED queue, ${processes} process${processes > 1 ? "es" : ""}: ${formatCount(bareRate)} jobs/s (ratio ${(runtimeRate / bareRate).toFixed(2)})`);
      }

      const agent = await startAgents(bundle, databaseUrl, 1);
      children.push(...agent.children);
      await reset();
      const latencies = await runtimeLatency(db, agent.urls[0]!);
      await Promise.all(agent.children.map(stopChild));
      const bare = await startBareWorkers(databaseUrl, 1);
      children.push(...bare);
      await reset();
      const bareLatencies = await bareLatency(db);
      await Promise.all(bare.map(stopChild));
      const [p50, p99, b50, b99] = [percentile(latencies, 50), percentile(latencies, 99), percentile(bareLatencies, 50), percentile(bareLatencies, 99)];
      console.log(`2. trigger-to-start (API trigger recorded -> attempt started, idle agent, ${latencies.length} triggers): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
      console.log(`   baseline INSERT + NOTIFY -> bare worker's claim: p50 ${b50.toFixed(2)} ms, p99 ${b99.toFixed(2)} ms (ratio p50 ${(p50 / b50).toFixed(1)}, p99 ${(p99 / b99).toFixed(1)})`);
    }
    console.log("");
  } finally {
    await Promise.all(children.map(stopChild));
    await db.end();
    await postgres.stop();
  }
}

runBenchmark(main);
