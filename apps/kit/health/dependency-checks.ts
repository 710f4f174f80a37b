/** The standard dependency checks: a Postgres query, a Redis PING, Kafka cluster metadata. */
import type { Redis } from "ioredis";
import type { Admin } from "kafkajs";
import type pg from "pg";
import type { HealthCheck } from "./health-check";

export function postgresCheck(pool: pg.Pool, timeoutMs: number, componentId = "postgres"): HealthCheck {
  return {
    key: `${componentId}:responseTime`,
    componentType: "datastore",
    timeoutMs,
    run: async () => {
      await pool.query("select 1");
    },
  };
}

export function redisCheck(redis: Redis, timeoutMs: number, componentId = "redis"): HealthCheck {
  return {
    key: `${componentId}:responseTime`,
    componentType: "datastore",
    timeoutMs,
    run: async () => {
      const answer = await redis.ping();
      if (String(answer) !== "PONG") throw new Error(`PING answered ${String(answer)}`);
    },
  };
}

export function kafkaCheck(admin: Admin, timeoutMs: number, componentId = "kafka"): HealthCheck {
  return {
    key: `${componentId}:responseTime`,
    componentType: "component",
    timeoutMs,
    run: async () => {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error("cluster metadata lists no brokers");
      return { output: `${cluster.brokers.length} broker(s), controller ${cluster.controller ?? "unknown"}` };
    },
  };
}
