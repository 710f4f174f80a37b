/**
 * Vitest global setup for the integration project: real Postgres, Redis and Kafka, started once per
 * run (in parallel) and stopped afterwards, also when tests fail. Tests read their addresses with
 * `inject("postgresUrl")` and friends (see fixtures.ts).
 */
import type { TestProject } from "vitest/node";
import { startKafka } from "./kafka";
import { startPostgres } from "./postgres";
import { startRedis } from "./redis";
import type { ServiceHandle } from "./service-handle";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const results = await Promise.allSettled([startPostgres(), startRedis(), startKafka()]);
  const handles = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stopAll = async () => {
    await Promise.allSettled(handles.map((handle) => handle.stop()));
  };
  const failures = results.flatMap((result) => (result.status === "rejected" ? [String((result.reason as Error).message ?? result.reason)] : []));
  if (failures.length > 0) {
    await stopAll();
    throw new Error(`test services failed to start:\n${failures.join("\n")}`);
  }
  const [postgres, redis, kafka] = handles as [ServiceHandle, ServiceHandle, ServiceHandle];
  project.provide("postgresUrl", postgres.url);
  project.provide("redisUrl", redis.url);
  project.provide("kafkaBrokers", kafka.url);
  const origin = (handle: ServiceHandle) => (handle.owned ? "started" : "from env");
  process.stderr.write(
    `test services ready in ${Date.now() - started} ms: postgres ${origin(postgres)}, redis ${origin(redis)}, kafka ${origin(kafka)}\n`,
  );
  return stopAll;
}
