/** Test helpers: a migrated worker database, agents in-process, and waiting for the queue to settle. */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { encodeContextHeader } from "../../kit/index";
import type { KitConfig, Service } from "../../kit/index";
import { testAuthorisationEnv } from "../../kit/testing/authorisation-rules";
import { discardLogs } from "../../kit/testing/log-capture";
import { migrateToLatest } from "../../migrator/src";
import type { WorkerAgent, WorkerConfig } from "../runtime/index";
import { createWorkerAgent } from "../runtime/index";
import { TEST_TABLES_SQL, testJobs } from "./test-jobs";

/** Applies migrations/worker and the test jobs' tables. */
export async function prepareWorkerDatabase(url: string): Promise<pg.Pool> {
  await migrateToLatest({ databaseUrl: url, database: "worker" });
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // pool.end() resolves before its sockets close; dropping the database right after terminates
  // them, and a pool without an error listener would turn that into an uncaught exception.
  pool.on("error", () => undefined);
  await pool.query(TEST_TABLES_SQL);
  return pool;
}

export interface TestAgent {
  readonly service: Service<KitConfig & WorkerConfig>;
  readonly worker: WorkerAgent;
}

/** Fast settings for tests: short polls and leases (config, not sleeps). */
export const FAST = { WORKER_POLL_MS: "50", WORKER_LEASE_MS: "3000", WORKER_CONCURRENCY: "4" };

export function startTestAgent(databaseUrl: string, id: string, env: Record<string, string> = {}): Promise<TestAgent> {
  return createWorkerAgent({
    name: "test-worker",
    jobs: ({ pool }) => testJobs(pool),
    env: { HOST: "127.0.0.1", PORT: "0", DATABASE_URL: databaseUrl, WORKER_AGENT_ID: id, LOG_LEVEL: "warn", ...FAST, ...testAuthorisationEnv(), ...env },
    logDestination: discardLogs(),
  });
}

/**
 * An invocation context header with an actor, as the CLI sends it: a new invocation id per call
 * unless given (the same id makes a change a retry, answered with the first outcome).
 */
export function actorHeaders(actor = "alice", extra: { tenant?: string; invocationId?: string } = {}): Record<string, string> {
  const header = encodeContextHeader({ traceId: "", spanId: "", invocationId: extra.invocationId ?? `test-${randomUUID()}`, tenant: extra.tenant, actor: { id: actor, type: "user" } });
  return { "x-armature-context": header };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until no run is queued, retrying or running. */
export function settled(pool: pg.Pool, timeoutMs = 30_000): Promise<true> {
  return eventually(
    "the queue to settle",
    async () => {
      const { rows } = await pool.query<{ open: number }>("select count(*)::int as open from armature_worker.runs where state in ('queued', 'retrying', 'running')");
      return rows[0]!.open === 0 ? true : undefined;
    },
    timeoutMs,
  );
}

/** Counts of the rows a trigger could add: the queue must not change on bad input. */
export async function queueSnapshot(pool: pg.Pool): Promise<{ runs: number; triggers: number; schedules: number }> {
  const { rows } = await pool.query<{ runs: number; triggers: number; schedules: number }>(
    `select (select count(*)::int from armature_worker.runs) as runs, (select count(*)::int from armature_worker.triggers) as triggers,
            (select count(*)::int from armature_worker.schedules) as schedules`,
  );
  return rows[0]!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read free-form JSON documents
export type Json = Record<string, any>;
