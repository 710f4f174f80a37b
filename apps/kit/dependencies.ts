/**
 * Clients for the platform's data services, configured for failing fast: a dependency that is down
 * makes calls fail within their timeout (so breakers and fallbacks act) instead of queueing forever.
 */
import { Redis } from "ioredis";
import type * as KafkaJs from "kafkajs";
import pg from "pg";
import type { Logger } from "pino";
import { googleManagedKafkaSasl } from "./kafka-google-auth";
import { postgresConnectionConfig, tlsServerNameFromEnv } from "./postgres-tls";
import { redisTlsOptions } from "./redis-tls";

/** How apps authenticate to Kafka: see createKafka. */
export type KafkaAuth = "none" | "google";

/**
 * TLS comes from the URL's sslmode/sslrootcert and `tlsServerName` (DATABASE_TLS_SERVER_NAME; default
 * the process environment's): see postgres-tls.ts. A bad setting throws a ConfigError.
 */
export function createPostgresPool(url: string, options: { timeoutMs: number; max?: number; logger: Logger; tlsServerName?: string | undefined }): pg.Pool {
  const pool = new pg.Pool({
    ...postgresConnectionConfig(url, "tlsServerName" in options ? options.tlsServerName : tlsServerNameFromEnv()),
    max: options.max ?? 10,
    connectionTimeoutMillis: options.timeoutMs,
    // A query the server has not answered within this is abandoned by the client.
    query_timeout: options.timeoutMs * 5,
    idleTimeoutMillis: 30_000,
  });
  // Idle clients losing their connection is expected when Postgres restarts: log, do not crash.
  pool.on("error", (error) => options.logger.warn({ err: error }, "idle Postgres connection failed"));
  return pool;
}

/** `tlsCaFile`: PEM of the CA(s) that sign the server's certificate, for rediss:// URLs (REDIS_TLS_CA_FILE). */
export function createRedis(url: string, options: { timeoutMs: number; logger: Logger; connectionName?: string; tlsCaFile?: string | undefined }): Redis {
  const redis = new Redis(url, {
    ...(options.tlsCaFile ? { tls: redisTlsOptions(url, options.tlsCaFile) } : {}),
    connectionName: options.connectionName,
    maxRetriesPerRequest: 1,
    commandTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    // Reconnect forever, backing off to 2 s between tries.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  });
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    if (Date.now() - lastLogged < 10_000) return; // one line per 10 s while Redis is down
    lastLogged = Date.now();
    options.logger.warn({ err: error }, "Redis connection failed; retrying");
  });
  return redis;
}

/**
 * `auth`: "none" for a plaintext broker (local, tests); "google" for Google Cloud Managed Kafka, which
 * takes only TLS with SASL: OAUTHBEARER with the pod's Workload Identity token (KAFKA_AUTH).
 */
export function createKafka(brokers: readonly string[], options: { clientId: string; timeoutMs: number; logger: Logger; auth?: KafkaAuth }): KafkaJs.Kafka {
  // Loaded on first use: most apps never talk to Kafka, and its client is a large part of a cold start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, so the bundler still includes it
  const { Kafka, logLevel } = require("kafkajs") as typeof KafkaJs;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...brokers],
    ...(options.auth === "google" ? { ssl: true, sasl: googleManagedKafkaSasl() } : {}),
    connectionTimeout: options.timeoutMs,
    requestTimeout: options.timeoutMs * 5,
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => options.logger.warn({ kafka: entry.log }, `kafka: ${entry.log.message}`),
  });
}
