/**
 * The platform's HTTP apps (discovery, flags, health, worker), each started as its image starts it
 * (the same ServiceOptions as its main.ts), on real Postgres and Redis (and Kafka when given), on
 * loopback ports. The document writer, the staleness test and the schemathesis test all use it, so
 * the published documents are what the running apps serve. The migrator has no HTTP surface.
 */
import { randomBytes } from "node:crypto";
import { Kafka } from "kafkajs";
import pg from "pg";
import type { DestinationStream } from "pino";
import { discoveryService } from "../../apps/discovery/discovery-service";
import { flagsService } from "../../apps/flags/flags-service";
import { healthService } from "../../apps/health/health-service";
import { type Service, createService } from "../../apps/kit/index";
import { discardLogs } from "../../apps/kit/testing/log-capture";
import { migrateToLatest } from "../../apps/migrator/src/index";
import { platformWorker } from "../../apps/worker/jobs/index";
import { createWorkerAgent } from "../../apps/worker/runtime/index";
import type { PlatformApp } from "../../components/platform-apps/app-names";

/** The platform apps (PLATFORM_APPS) with an HTTP surface: all but the migrator. */
export const HTTP_APPS = ["discovery", "flags", "health", "worker"] as const satisfies readonly PlatformApp[];
export type AppName = (typeof HTTP_APPS)[number];

export interface Dependencies {
  /** A Postgres server URL whose role may create databases: each app gets a fresh, migrated one. */
  readonly postgresUrl: string;
  readonly redisUrl: string;
  /** host:port[,...]; flags then records exposures, health probes Kafka. */
  readonly kafkaBrokers?: string;
  /** Set: callers authenticate with tokens from these issuers (CALLER_TOKEN_ISSUERS). */
  readonly callerTokenIssuers?: string;
  /** More environment for every app, e.g. AUTHORISATION_RULES. */
  readonly env?: Readonly<Record<string, string>>;
  /** SERVICE_VERSION, which the documents carry as info.version. */
  readonly version?: string;
  readonly logDestination?: DestinationStream;
}

export interface RunningApp {
  readonly name: AppName;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly service: Service;
}

export interface RunningApps {
  readonly apps: readonly RunningApp[];
  app(name: AppName): RunningApp;
  stop(): Promise<void>;
}

/** Starts every app (or those named); on a failure, stops what was started and rethrows. */
export async function startPlatformApps(dependencies: Dependencies, names: readonly AppName[] = HTTP_APPS): Promise<RunningApps> {
  const started: RunningApp[] = [];
  const databases: string[] = [];
  const stop = async () => {
    for (const app of [...started].reverse()) await app.service.shutdown();
    await dropDatabases(dependencies.postgresUrl, databases);
    if (topics.length > 0) await withKafkaAdmin(dependencies.kafkaBrokers!, (admin) => admin.deleteTopics({ topics }));
  };
  const database = async (migrations: "discovery" | "flags" | "worker") => {
    const name = `openapi_${migrations}_${randomBytes(4).toString("hex")}`;
    databases.push(name);
    const url = await createDatabase(dependencies.postgresUrl, name);
    await migrateToLatest({ databaseUrl: url, database: migrations });
    return url;
  };
  const common = {
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "warn",
    ...(dependencies.version ? { SERVICE_VERSION: dependencies.version } : {}),
    ...(dependencies.callerTokenIssuers ? { CALLER_TOKEN_ISSUERS: dependencies.callerTokenIssuers } : {}),
    ...dependencies.env,
  };
  const logDestination = dependencies.logDestination ?? discardLogs();
  const kafka = dependencies.kafkaBrokers ? { KAFKA_BROKERS: dependencies.kafkaBrokers } : {};
  const topics: string[] = [];
  /** The exposure topic flags writes to, created as the platform's Pulumi program creates it (the test broker does not auto-create). */
  const exposureTopic = async () => {
    const topic = `flags.exposure-${randomBytes(4).toString("hex")}.v1`;
    await withKafkaAdmin(dependencies.kafkaBrokers!, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }));
    topics.push(topic);
    return { EXPOSURE_TOPIC: topic };
  };
  const starters: Record<AppName, () => Promise<Service>> = {
    discovery: async () => createService({ ...discoveryService, env: { ...common, DATABASE_URL: await database("discovery"), REDIS_URL: dependencies.redisUrl }, logDestination }),
    flags: async () => {
      const exposures = dependencies.kafkaBrokers ? { ...kafka, ...(await exposureTopic()) } : {};
      return createService({ ...flagsService, env: { ...common, ...exposures, DATABASE_URL: await database("flags"), REDIS_URL: dependencies.redisUrl }, logDestination });
    },
    health: async () => {
      const discovery = started.find((app) => app.name === "discovery");
      const env = { ...common, ...kafka, DATABASE_URL: dependencies.postgresUrl, REDIS_URL: dependencies.redisUrl, ...(discovery ? { DISCOVERY_URL: discovery.url } : {}) };
      return createService({ ...healthService, env, logDestination });
    },
    worker: async () => (await createWorkerAgent({ ...platformWorker, env: { ...common, DATABASE_URL: await database("worker") }, logDestination })).service,
  };
  try {
    for (const name of HTTP_APPS.filter((candidate) => names.includes(candidate))) {
      const service = await starters[name]();
      started.push({ name, service, url: await service.listen() });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apps: started,
    app: (name) => {
      const found = started.find((app) => app.name === name);
      if (!found) throw new Error(`${name} was not started`);
      return found;
    },
    stop,
  };
}

async function withClient<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function withKafkaAdmin<T>(brokers: string, use: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: "openapi-tools", brokers: brokers.split(","), logLevel: 0 }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await withClient(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
